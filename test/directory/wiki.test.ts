/**
 * The directory on a real MediaWiki: provider pages with the template, the index, category pages
 * per service and per région; unchanged costs nothing; a human edit is kept (draft beside it);
 * unlisting marks the page and updates the index.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryService } from '../../src/directory/service.js';
import { publishDirectory } from '../../src/directory/wiki.js';
import type { StoreDb } from '../../src/store/database.js';
import type { WikiClient } from '../../src/wiki/client.js';
import { sqliteBackend } from '../support/postgres.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { ANON, declaration, directoryOn, FACILITATOR, learner, listedProvider, recommendation } from './fixtures.js';

describe('directory published to the wiki', () => {
  let wiki: LocalWiki;
  let client: WikiClient;
  let store: StoreDb;
  let directory: DirectoryService;

  beforeAll(async () => {
    wiki = await startWiki();
    client = await wiki.botClient();
    store = await sqliteBackend.open();
    directory = await directoryOn(store);
    await listedProvider(directory, 'Chatons du Forez', { territories: ['42'], description: 'Hébergement [[Catégorie:Spam]] {{Supprimer}} <b>gras</b>', services: ['hebergement', 'diagnostic'] });
    await listedProvider(directory, 'Libre Armor', { territories: ['22', 'a-distance'], services: ['formation'], address: null });
    // Declared but not approved: never published.
    await directory.declare(learner('local-x'), declaration('Pas Encore Validée'), '203.0.113.40');
  });
  afterAll(async () => {
    await store?.close();
    await wiki?.stop();
  });

  it('leaves the wiki alone while the directory is empty and was never published', async () => {
    const empty = await sqliteBackend.open();
    try {
      const report = await publishDirectory(client, await directoryOn(empty));
      expect(report).toMatchObject({ edits: 0, apiCalls: 0, outcomes: [] });
      expect((await client.getPages(['Annuaire'])).get('Annuaire')?.exists).toBe(false);
    } finally {
      await empty.close();
    }
  });

  it('publishes a page per listed provider, the index, the template and category pages per service and région', async () => {
    const report = await publishDirectory(client, directory);
    expect(report.outcomes.map((o) => o.status).every((s) => s === 'created')).toBe(true);
    const titles = report.outcomes.map((o) => o.title);
    expect(titles).toEqual(expect.arrayContaining([
      'Annuaire', 'Modèle:Fiche annuaire', 'Annuaire/Chatons du Forez', 'Annuaire/Libre Armor',
      'Annuaire par région/Auvergne-Rhône-Alpes', 'Annuaire par région/Bretagne', 'Annuaire par région/À distance',
      'Catégorie:Annuaire – Hébergement de services', 'Catégorie:Annuaire – Auvergne-Rhône-Alpes', 'Catégorie:Annuaire – Bretagne', 'Catégorie:Annuaire – À distance',
    ]));
    expect(titles).not.toContain('Annuaire/Pas Encore Validée');
    const pages = await client.getPages(['Annuaire/Chatons du Forez', 'Annuaire'], { content: true, categories: true });
    const forez = pages.get('Annuaire/Chatons du Forez')!;
    expect(forez.lastRevision?.user).toBe('Robot');
    expect(forez.lastRevision?.comment).toContain('Annuaire : fiche de Chatons du Forez');
    expect(forez.content).toContain('{{Fiche annuaire');
    expect(forez.content).toContain('|recommandations=1');
    expect(forez.content).toContain('« Une équipe patiente qui nous a rendus autonomes. »');
    // The description's markup stays text: no spam category, no template call, no HTML.
    expect(forez.content).toContain('&#91;&#91;Catégorie:Spam&#93;&#93; &#123;&#123;Supprimer&#125;&#125; &lt;b&gt;gras&lt;/b&gt;');
    expect(forez.categories).toEqual(expect.arrayContaining(['Catégorie:Annuaire des prestataires', 'Catégorie:Annuaire – Hébergement de services', 'Catégorie:Annuaire – Auvergne-Rhône-Alpes']));
    expect(forez.categories).not.toContain('Catégorie:Spam');
    const index = await client.getPages(['Annuaire', 'Annuaire par région/Bretagne'], { content: true });
    expect(index.get('Annuaire')!.content).toContain('[[Annuaire par région/Bretagne|Bretagne]] : 1 structure');
    expect(index.get('Annuaire par région/Bretagne')!.content).toContain('[[Annuaire/Libre Armor|Libre Armor]]');
    const members = await client.categoryMembers('Catégorie:Annuaire – Bretagne');
    expect(members.map((m) => m.title)).toEqual(['Annuaire/Libre Armor']);
  });

  it('costs no wiki call when nothing changed', async () => {
    const report = await publishDirectory(client, directory);
    expect(report).toMatchObject({ edits: 0, apiCalls: 0, outcomes: [] });
    expect(report.skipped).toBeGreaterThan(4);
  });

  it('keeps a human edit and leaves its version as a draft beside it', async () => {
    await wiki.humanEdit('Annuaire/Libre Armor', 'Page reprise à la main par une contributrice.', 'Reprise manuelle');
    const p = (await directory.provider('libre-armor'))!;
    const r = await directory.recommend(ANON, recommendation(p.slug, { associationName: 'Ludothèque de Lannion', rna: 'W223000001' }), '198.51.100.9');
    await directory.verifyRecommendation(FACILITATOR, r.id);
    const report = await publishDirectory(client, directory);
    const outcome = report.outcomes.find((o) => o.title === 'Annuaire/Libre Armor');
    expect(outcome?.status).toBe('conflict');
    expect(report.drafts).toEqual(['Annuaire/Libre Armor/Brouillon du robot']);
    const pages = await client.getPages(['Annuaire/Libre Armor', 'Annuaire/Libre Armor/Brouillon du robot'], { content: true });
    expect(pages.get('Annuaire/Libre Armor')!.content).toBe('Page reprise à la main par une contributrice.');
    expect(pages.get('Annuaire/Libre Armor/Brouillon du robot')!.content).toContain('|recommandations=2');
  });

  it('unlisting marks the provider\'s page and takes it off the index', async () => {
    await directory.withdraw(learner('local-chatonsduforez'), 'chatons-du-forez', 'Cessation d’activité');
    const report = await publishDirectory(client, directory);
    expect(report.outcomes.find((o) => o.title === 'Annuaire/Chatons du Forez')?.status).toBe('updated');
    const region = 'Annuaire par région/Auvergne-Rhône-Alpes';
    const pages = await client.getPages(['Annuaire/Chatons du Forez', 'Annuaire', region], { content: true, categories: true });
    expect(pages.get('Annuaire/Chatons du Forez')!.content).toContain('ne figure plus dans l’annuaire');
    expect(pages.get('Annuaire/Chatons du Forez')!.categories).toEqual(['Catégorie:Annuaire – fiches retirées']);
    expect(pages.get('Annuaire')!.content).not.toContain('Auvergne');
    expect(pages.get('Annuaire')!.content).toContain('1 structure référencée.');
    // Its région's list, now empty, says so rather than keeping a stale row.
    expect(pages.get(region)!.content).not.toContain('Chatons du Forez');
    expect(pages.get(region)!.content).toContain('Aucune structure référencée ici');
  });

  it('stops on the emergency stop page', async () => {
    await wiki.humanEdit('Utilisateur:Robot/Arrêt', 'arrêt : vérification en cours');
    await directory.approveProvider(FACILITATOR, 'pas-encore-validee');
    const r = await directory.recommend(ANON, recommendation('pas-encore-validee'), '198.51.100.10');
    await directory.verifyRecommendation(FACILITATOR, r.id);
    const report = await publishDirectory(client, directory);
    expect(report.halted).toBe(true);
    expect(report.edits).toBe(0);
    expect((await client.getPages(['Annuaire/Pas Encore Validée'])).get('Annuaire/Pas Encore Validée')?.exists).toBe(false);
  });
});
