/** Inputs for directory specs: fictional structures and associations. */
import type { Viewer } from '../../src/auth/viewer.js';
import { runMigrations } from '../../src/store/migrations.js';
import type { StoreDb } from '../../src/store/database.js';
import { directoryMigrations } from '../../src/directory/migrations.js';
import { DirectoryService, type DirectorySettings } from '../../src/directory/service.js';

export const FACILITATOR: Viewer = { role: 'facilitator', learnerId: null, displayName: 'Animateur·rice' };
export const ANON: Viewer = { role: 'anonymous', learnerId: null, displayName: null };
export const learner = (id: string): Viewer => ({ role: 'learner', learnerId: id, displayName: id });

export async function directoryOn(store: StoreDb, settings: DirectorySettings = {}): Promise<DirectoryService> {
  await runMigrations(store, directoryMigrations);
  return new DirectoryService(store, settings);
}

export function declaration(name: string, overrides: Record<string, unknown> = {}) {
  return {
    name,
    kind: 'chatons',
    description: `${name} héberge des services libres pour les associations.`,
    services: ['hebergement', 'formation'],
    territories: ['69'],
    address: { street: '3 rue des Tilleuls', postalCode: '69007', city: 'Lyon', lat: 45.75, lon: 4.84 },
    website: `https://${name.toLowerCase().replace(/[^a-z]+/g, '')}.example.org`,
    publicContact: null,
    publicContactConsent: false,
    ...overrides,
  };
}

const yes = { answer: 'yes', comment: null };
export function recommendation(providerSlug: string, overrides: Record<string, unknown> = {}) {
  return {
    providerSlug,
    associationName: 'Les Jardins Partagés du Plateau',
    rna: 'W691234567',
    verificationContact: 'bureau@jardins-plateau.example.net',
    periodStart: '2025-01',
    periodEnd: '2025-04',
    work: 'Migration de la messagerie et de l’agenda vers des services libres.',
    tools: ['Nextcloud', 'Thunderbird'],
    questionnaire: { delivered: yes, usersTrained: yes, documentationLeft: { answer: 'partial', comment: 'Guide à compléter' }, supportAfter: yes, wouldRecommend: yes },
    quote: 'Une équipe patiente qui nous a rendus autonomes.',
    quoteConsent: true,
    ...overrides,
  };
}

/** Declares, approves and gets one verified recommendation: a listed provider. */
export async function listedProvider(directory: DirectoryService, name: string, overrides: Record<string, unknown> = {}, ip = '203.0.113.1') {
  const p = await directory.declare(learner(`local-${name.toLowerCase().replace(/[^a-z]+/g, '')}`), declaration(name, overrides), ip);
  await directory.approveProvider(FACILITATOR, p.slug);
  const r = await directory.recommend(ANON, recommendation(p.slug), ip);
  await directory.verifyRecommendation(FACILITATOR, r.id);
  return (await directory.provider(p.slug))!;
}
