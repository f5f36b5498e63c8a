/**
 * The directory's wiki side at a national network's size (issue 29 items 5 and 7, issue 28 item
 * 6): the index split by région and by letter under a size bound, only changed fiches published
 * (counted on a real wiki), the job working in slices that let other work run in between, the
 * training badges read a slice at a time, progress in the logs, and each fiche's links to the
 * provider's public page and recommendation form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/directory/model.js';
import { scheduleDirectoryPublishing } from '../../src/directory/schedule.js';
import type { DirectoryService } from '../../src/directory/service.js';
import { indexEntry, indexPages, INDEX_PAGE_MAX_BYTES, REGION_INDEX_PREFIX } from '../../src/directory/wiki-index.js';
import { directoryPages, publishDirectory } from '../../src/directory/wiki.js';
import { leaseMigrations } from '../../src/jobs/index.js';
import type { StoreDb } from '../../src/store/database.js';
import { runMigrations } from '../../src/store/migrations.js';
import type { WikiClient } from '../../src/wiki/client.js';
import { sqliteBackend } from '../support/postgres.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { ANON, directoryOn, FACILITATOR, listedProvider, recommendation } from './fixtures.js';

function provider(i: number, name: string, territories: string[]): Provider {
  return {
    id: i, slug: `structure-${i}`, name, wikiTitle: `Annuaire/${name}`, formerWikiTitles: [], kind: 'chatons', description: 'Hébergement.',
    services: ['hebergement', 'formation'], territories, address: null, website: null, publicContact: null, learnerId: null,
    status: 'approved', listed: true, verifiedCount: 3, training: null, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
  };
}

describe('the directory index at a national network\'s size', () => {
  // 5,000 providers, as in the issue: 4,000 in Île-de-France (whose list must be split by letter,
  // 2,500 of them under « S », cut in parts), the others spread, every 10th also « à distance ».
  const names = ['Solidarité', 'Atelier', 'Bureau', 'Chatons', 'Libre', 'Numérique', 'Zéro', '3 Collines'];
  const providers = Array.from({ length: 5000 }, (_, i) => {
    const name = i < 2500 ? `Structure ${i}` : `${names[i % names.length]} ${i}`;
    const where = i < 4000 ? ['75'] : [['29', '13', '69', '59'][i % 4]!];
    return provider(i, name, i % 10 === 0 ? [...where, 'a-distance'] : where);
  });
  const entries = providers.map((p) => indexEntry(p, p.name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()));
  const pages = indexPages(entries);

  it('keeps every page far below MediaWiki\'s 2 MB, the root a list of régions', () => {
    const sizes = pages.map((p) => Buffer.byteLength(p.text, 'utf8'));
    expect(Math.max(...sizes)).toBeLessThan(INDEX_PAGE_MAX_BYTES + 2_000);
    expect(INDEX_PAGE_MAX_BYTES).toBeLessThan(2 * 1024 * 1024 / 10);
    const root = pages.find((p) => p.title === 'Annuaire')!;
    expect(root.text).toContain('5000 structures référencées.');
    expect(root.text).toContain('[[Annuaire par région/Bretagne|Bretagne]] : 250 structures');
    expect(root.text).toContain('[[Annuaire par région/À distance|À distance]] : 500 structures');
    expect(Buffer.byteLength(root.text, 'utf8')).toBeLessThan(20_000);
  });

  it('splits a région by letter beyond the bound, and a letter still too big in numbered parts', () => {
    const titles = pages.map((p) => p.title);
    expect(titles).toContain('Annuaire par région/Bretagne');
    expect(titles).not.toContain('Annuaire par région/Bretagne/S');
    const idf = pages.find((p) => p.title === 'Annuaire par région/Île-de-France')!;
    expect(idf.text).not.toContain('{| class="wikitable');
    expect(idf.text).toContain('[[Annuaire par région/Île-de-France/A|A]]');
    expect(titles).toEqual(expect.arrayContaining(['Annuaire par région/Île-de-France/A', 'Annuaire par région/Île-de-France/0-9', 'Annuaire par région/Île-de-France/S (1)', 'Annuaire par région/Île-de-France/S (2)']));
    expect(titles).not.toContain('Annuaire par région/Île-de-France/S');
  });

  it('lists each provider once on each of its régions\' pages and on « À distance »', () => {
    const tables = pages.filter((p) => p.title.startsWith(REGION_INDEX_PREFIX) && p.text.includes('{| class="wikitable'));
    const seen = new Map<string, string[]>();
    for (const page of tables) {
      for (const m of page.text.matchAll(/^\| \[\[(Annuaire\/[^|]+)\|/gm)) seen.set(m[1]!, [...(seen.get(m[1]!) ?? []), page.title.split('/')[1]!]);
    }
    expect(seen.size).toBe(5000);
    expect(seen.get('Annuaire/Structure 0')).toEqual(['Île-de-France', 'À distance']);
    expect(seen.get('Annuaire/Structure 1')).toEqual(['Île-de-France']);
    expect(seen.get('Annuaire/Libre 4004')).toEqual(['Bretagne']);
  });
});

describe('the directory job on a real wiki, a slice at a time', { timeout: 180_000 }, () => {
  let wiki: LocalWiki;
  let client: WikiClient;
  let store: StoreDb;
  let directory: DirectoryService;
  const learnersRead: string[][] = [];
  let percent = 40;

  beforeAll(async () => {
    wiki = await startWiki();
    client = await wiki.botClient();
    store = await sqliteBackend.open();
    await runMigrations(store, leaseMigrations);
    directory = await directoryOn(store, {
      // Each provider is declared by its own learner, whose badge is read here.
      training: async (ids) => {
        learnersRead.push([...ids]);
        return new Map(ids.map((id) => [id, { parts: ['communs'], percent, complete: false }]));
      },
    });
    const places = [['29'], ['35'], ['69'], ['13'], ['22', 'a-distance'], ['59'], ['75']];
    for (const [i, territories] of places.entries()) await listedProvider(directory, `Collectif ${'ABCDEFG'[i]}`, { territories, website: `https://collectif-${i}.example.org` }, `203.0.113.${50 + i}`);
  });
  afterAll(async () => {
    await store?.close();
    await wiki?.stop();
  });

  it('reads the training badges one batch per slice, and writes only the badges that changed', async () => {
    // The providers' learners progressed since their badges were stored (at approval).
    percent = 60;
    learnersRead.length = 0;
    const first = await directory.refreshTraining({ sliceSize: 3 });
    expect(first).toEqual({ checked: 7, changed: 7, slices: 3 });
    expect(learnersRead.map((ids) => ids.length)).toEqual([3, 3, 1]);
    expect((await directory.provider('collectif-a'))?.training).toEqual({ parts: ['communs'], percent: 60, complete: false });
    const again = await directory.refreshTraining({ sliceSize: 3 });
    expect(again).toEqual({ checked: 7, changed: 0, slices: 3 });
  });

  it('publishes in slices, logging its progress, and lets other work run between slices', async () => {
    const lines: Array<{ fields: Record<string, unknown>; message: string }> = [];
    const logger = { info: (fields: object, message: string) => lines.push({ fields: fields as Record<string, unknown>, message }), warn: () => {} };
    const job = scheduleDirectoryPublishing({ store, wiki: client, directory, logger, publicUrl: 'https://pollen.example.org' }, { start: false, sliceSize: 2, progressEveryMs: 0 });
    expect(await job.tick()).toBe(true);
    const progress = lines.filter((l) => l.message === 'Directory publishing to the wiki in progress');
    expect(progress.length).toBeGreaterThan(3);
    const checked = progress.map((l) => l.fields.checked as number);
    expect(checked).toEqual([...checked].sort((a, b) => a - b));
    expect(lines.find((l) => l.message === 'Directory published to the wiki')?.fields).toMatchObject({ halted: false, checked: checked.at(-1) });

    // An unchanged turn: no wiki call, yet (SQLite answering synchronously) other callbacks run
    // between its slices: it never holds the event loop for the whole turn.
    let ran = 0;
    let ticking = true;
    const tick = () => {
      ran++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const calls = client.stats.apiCalls;
    const report = await publishDirectory(client, directory, { sliceSize: 2, publicUrl: 'https://pollen.example.org' });
    ticking = false;
    expect(report).toMatchObject({ edits: 0, outcomes: [] });
    expect(client.stats.apiCalls).toBe(calls);
    expect(report.slices).toBeGreaterThan(6);
    expect(ran).toBeGreaterThanOrEqual(report.slices - 1);
  });

  it('edits only the changed fiche and its région\'s list when one provider changes', async () => {
    const titles = (await directoryPages(directory, { publicUrl: 'https://pollen.example.org' })).map((p) => p.title);
    const before = await client.getPages(titles);
    const r = await directory.recommend(ANON, recommendation('collectif-c', { associationName: 'Amicale du Vieux Lyon', rna: 'W691111111' }), '198.51.100.30');
    await directory.verifyRecommendation(FACILITATOR, r.id);
    const report = await publishDirectory(client, directory, { sliceSize: 2, publicUrl: 'https://pollen.example.org' });
    expect(report.edits).toBe(2);
    const after = await client.getPages(titles);
    const edited = titles.filter((t) => after.get(t)?.lastRevision?.revid !== before.get(t)?.lastRevision?.revid);
    expect(edited.sort()).toEqual(['Annuaire par région/Auvergne-Rhône-Alpes', 'Annuaire/Collectif C']);
  });

  it('links each fiche to the provider\'s public page and recommendation form on Pollen (POLLEN_PUBLIC_URL)', async () => {
    const fiche = (await client.getPages(['Annuaire/Collectif C'], { content: true })).get('Annuaire/Collectif C')!;
    expect(fiche.content).toContain('[https://pollen.example.org/annuaire/collectif-c Fiche de la structure sur l’annuaire Pollen]');
    expect(fiche.content).toContain('[https://pollen.example.org/annuaire/collectif-c/recommander Recommander cette structure]');
    // A trailing slash in the setting makes no double slash; without the setting, no link.
    const slash = (await directoryPages(directory, { publicUrl: 'https://pollen.example.org/' })).find((p) => p.title === 'Annuaire/Collectif C')!;
    expect(slash.text).toContain('[https://pollen.example.org/annuaire/collectif-c/recommander ');
    const none = (await directoryPages(directory)).find((p) => p.title === 'Annuaire/Collectif C')!;
    expect(none.text).not.toContain('/annuaire/');
    expect(none.text).not.toContain('Sur Pollen');
  });
});
