/**
 * The national network of issue 29, seeded through Pollen's own services: 10,000 learners (the
 * progress store's classes, test/support/cohort-seed.ts), 5,000 providers declared, approved and
 * recommended 4 times each through DirectoryService (all verified but one in
 * every 25 providers' last, waiting in the moderation queue: 200 there), 1,000 agenda sessions with 30 learners registered to each through AgendaService.
 * Deterministic: the same store every run.
 */
import { createAgenda } from '../src/agenda/index.js';
import type { CurriculumModule } from '../src/curriculum/schema.js';
import { SERVICES, type ServiceId } from '../src/directory/model.js';
import { DirectoryService } from '../src/directory/service.js';
import { allTerritories } from '../src/directory/territories.js';
import { trainingFromProgress } from '../src/directory/training.js';
import { SnapshotStore } from '../src/progress/snapshots.js';
import type { StoreDb } from '../src/store/database.js';
import { seedCohort } from '../test/support/cohort-seed.js';

export const SCALE = { learners: 10_000, providers: 5_000, recommendationsEach: 4, pendingEvery: 25, sessions: 1_000, registrationsEach: 30 } as const;

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const yes = { answer: 'yes', comment: null };
const staff = { role: 'facilitator' as const, learnerId: null, displayName: 'Banc d’essai' };
const anonymous = { role: 'anonymous' as const, learnerId: null, displayName: null };

export interface ScaleCounts {
  learners: number;
  modulesDone: number;
  providers: number;
  recommendations: number;
  sessions: number;
  registrations: number;
}

export async function seedProviders(store: StoreDb, count: number, curriculum: readonly CurriculumModule[], onProgress?: (done: number) => void): Promise<number> {
  // Wired as the gateway wires it: a linked learner's badge is stored at approval.
  const snapshots = new SnapshotStore(store);
  const directory = new DirectoryService(store, { rateLimit: { max: 1_000_000_000, windowMinutes: 1 }, training: trainingFromProgress((ids) => snapshots.latest(ids), curriculum) });
  const rnd = random(29);
  const departements = allTerritories().filter((t) => t.kind === 'departement');
  const services = Object.keys(SERVICES) as ServiceId[];
  let recommendations = 0;
  for (let i = 0; i < count; i++) {
    const dep = departements[Math.floor(rnd() * departements.length)]!;
    const picked = services.filter(() => rnd() < 0.35);
    // Every 4th provider is linked to a learner: its training badge comes from progress.
    const learnerId = i % 4 === 0 ? `moodle-${1 + ((i * 7) % SCALE.learners)}` : null;
    const p = await directory.declare(learnerId ? { role: 'learner', learnerId, displayName: `Apprenant·e ${learnerId}` } : staff, {
      name: `Structure ${i} ${dep.name}`, kind: (['chatons', 'entreprise', 'association', 'autre'] as const)[i % 4],
      description: `Accompagnement numérique des associations, structure ${i} : hébergement, formation des bénévoles, suivi après le projet.`,
      services: picked.length ? picked : ['accompagnement'],
      territories: i % 10 === 0 ? [dep.id, 'a-distance'] : [dep.id],
      address: { street: `${1 + (i % 90)} rue des Tilleuls`, postalCode: null, city: dep.name, lat: 43 + rnd() * 7, lon: -4 + rnd() * 11 },
      website: `https://structure-${i}.example.org`,
      publicContact: i % 3 === 0 ? `contact@structure-${i}.example.org` : null, publicContactConsent: i % 3 === 0,
    }, `bench:${i}`);
    await directory.approveProvider(staff, p.slug);
    for (let k = 0; k < SCALE.recommendationsEach; k++) {
      const r = await directory.recommend(anonymous, {
        providerSlug: p.slug, associationName: `Association ${i}-${k}`, verificationContact: `bureau@asso-${i}-${k}.example.net`, periodStart: `202${4 + (k % 2)}-0${1 + k}`,
        work: 'Migration de la messagerie et des agendas vers des services libres.', tools: ['Nextcloud', 'Thunderbird'],
        questionnaire: { delivered: yes, usersTrained: yes, documentationLeft: yes, supportAfter: yes, wouldRecommend: yes },
        quote: k < 2 ? `Un accompagnement patient, projet ${k + 1}.` : null, quoteConsent: k < 2,
      }, `bench:${i}:${k}`);
      recommendations++;
      if (k < SCALE.recommendationsEach - 1 || i % SCALE.pendingEvery !== 0) await directory.verifyRecommendation(staff, r.id);
    }
    if ((i + 1) % 500 === 0) onProgress?.(i + 1);
  }
  return recommendations;
}

export async function seedAgenda(store: StoreDb, modules: readonly CurriculumModule[], now: Date): Promise<{ sessions: number; registrations: number }> {
  const agenda = await createAgenda(store, { modules });
  const module = modules[0]!;
  let registrations = 0;
  for (let i = 0; i < SCALE.sessions; i++) {
    // From tomorrow on, every 8 hours: every session still open to registration.
    const start = new Date(now.getTime() + 86_400_000 + i * 8 * 3600_000);
    const { session } = await agenda.createSession({
      moduleSlug: module.slug, title: `Atelier ${i} : ${module.title}`, description: 'Apportez un ordinateur portable.',
      startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 2 * 3600_000).toISOString(), timeZone: 'Europe/Paris',
      address: `${1 + (i % 90)} rue des Lilas, 69001 Lyon`, latitude: 45.76, longitude: 4.83,
      facilitators: [`Animateur·rice ${i % 50}`], capacity: SCALE.registrationsEach, isPublic: true,
    });
    for (let k = 0; k < SCALE.registrationsEach; k++) {
      const n = 1 + ((i * SCALE.registrationsEach + k) % SCALE.learners);
      await agenda.registerLearner(session.id, { id: `moodle-${n}`, name: `Apprenant·e ${n}` });
      registrations++;
    }
  }
  return { sessions: SCALE.sessions, registrations };
}

/** Everything, in one store; progress lines go to `log`. */
export async function seedNationalNetwork(store: StoreDb, curriculum: readonly CurriculumModule[], now: Date, log: (line: string) => void): Promise<ScaleCounts> {
  let started = performance.now();
  const cohort = await seedCohort(store, { count: SCALE.learners, curriculum, now });
  log(`  seeded ${cohort.learners} learners in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  started = performance.now();
  const recommendations = await seedProviders(store, SCALE.providers, curriculum, (done) => log(`  seeded ${done} providers (${((performance.now() - started) / 1000).toFixed(0)} s)`));
  started = performance.now();
  const agenda = await seedAgenda(store, curriculum, now);
  log(`  seeded ${agenda.sessions} sessions, ${agenda.registrations} registrations in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { learners: cohort.learners, modulesDone: cohort.modulesDone, providers: SCALE.providers, recommendations, ...agenda };
}
