import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDEX_TITLE, NAVIGATION_TEMPLATE_TITLE, publishCurriculum, type PublishReport } from '../../src/curriculum/publish/index.js';
import type { CurriculumModule } from '../../src/curriculum/schema.js';
import type { WikiClient } from '../../src/wiki/client.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { pageText, parsedHtml, realModules, recordApiCalls, type ApiCallLog } from './support.js';

let wiki: LocalWiki;
let client: WikiClient;
let calls: ApiCallLog;
let modules: CurriculumModule[];
let first: PublishReport;
let firstRunReads: number;
let firstRunPageReads: string[][];

beforeAll(async () => {
  wiki = await startWiki();
  client = await wiki.botClient();
  calls = recordApiCalls(client);
  modules = await realModules();
  first = await publishCurriculum(client, modules);
  firstRunReads = calls.reads;
  firstRunPageReads = calls.pageReads;
});

afterAll(async () => {
  await wiki?.stop();
});

describe('publishing the parcours to an empty wiki', () => {
  it('creates the template, the index and one page per module (19 pages, 19 edits)', async () => {
    expect(modules).toHaveLength(17);
    expect(first.pages).toHaveLength(19);
    expect(first.pages.every((p) => p.status === 'created')).toBe(true);
    expect(first.counts.created).toBe(19);
    expect(first.edits).toBe(19);
    expect(calls.edits).toBe(19);
    const stored = await client.getPages([NAVIGATION_TEMPLATE_TITLE, INDEX_TITLE, ...modules.map((m) => m.wikiPage)]);
    expect([...stored.values()].every((p) => p.exists && p.lastRevision?.user === 'Robot')).toBe(true);
  });

  it('reads every page, the stop page included, in one batched call before any edit', () => {
    const [batch] = firstRunPageReads;
    expect(batch).toHaveLength(20);
    expect(batch).toEqual(expect.arrayContaining([NAVIGATION_TEMPLATE_TITLE, INDEX_TITLE, 'Utilisateur:Robot/Arrêt', ...modules.map((m) => m.wikiPage)]));
    expect(calls.all.findIndex((p) => p.action === 'edit')).toBeGreaterThan(calls.all.findIndex((p) => p.titles !== undefined));
  });

  it('costs one read for deciding, plus publishPage’s own check before each save and one tag lookup', () => {
    // publishPage re-reads the stop page and the page right before saving (2 titles, one call):
    // that safety check is the only per-page read, and only pages that change pay it.
    expect(firstRunReads).toBeLessThanOrEqual(1 + first.edits + 1);
    expect(firstRunPageReads.slice(1).every((titles) => titles.length === 2)).toBe(true);
  });

  it('writes French edit summaries naming what changed', async () => {
    const third = (await client.getPages([modules[2]!.wikiPage])).get(modules[2]!.wikiPage);
    expect(third?.lastRevision?.comment).toBe('Parcours de formation : création du module 3 (robot Pollen)');
  });

  it('renders a module page with its objectives and working navigation links', async () => {
    const [previous, current, next] = [modules[0]!, modules[1]!, modules[2]!];
    const html = await parsedHtml(client, current.wikiPage);
    for (const objective of current.objectives) expect(html).toContain(objective);
    expect(html).toContain('class="navigation-parcours"');
    expect(html).toContain(`title="${previous.wikiPage}">${previous.title}</a>`);
    expect(html).toContain(`title="${next.wikiPage}">${next.title}</a>`);
    expect(html).toContain('title="Parcours de formation">Sommaire du parcours</a>');
    // Every link target exists: the only red links invite learners to start the contributions subpage.
    const redLinks = [...html.matchAll(/<a [^>]*class="new"[^>]*title="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(redLinks)).toEqual(new Set([`${current.wikiPage}/Contributions (page inexistante)`]));
  });

  it('puts the module pages in the parcours category and lists them on the index', async () => {
    const members = await client.categoryMembers('Catégorie:Parcours de formation');
    expect(members.map((m) => m.title)).toEqual(expect.arrayContaining([INDEX_TITLE, ...modules.map((m) => m.wikiPage)]));
    const index = await parsedHtml(client, INDEX_TITLE);
    for (const m of modules) expect(index).toContain(`title="${m.wikiPage}"`);
    expect(index).not.toContain('class="new"');
  });
});

describe('publishing again', () => {
  it('makes zero edits when nothing changed, with a single read call', async () => {
    calls.reset();
    const second = await publishCurriculum(client, modules);
    expect(second.counts.unchanged).toBe(19);
    expect(second.edits).toBe(0);
    expect(calls.edits).toBe(0);
    expect(calls.reads).toBeLessThanOrEqual(1);
    expect(second.apiCalls).toBe(calls.all.length);
  });

  it('updates only the module whose content changed', async () => {
    calls.reset();
    const changed = modules.map((m) => (m.order === 5 ? { ...m, summary: `${m.summary} Version révisée.` } : m));
    const report = await publishCurriculum(client, changed, { summary: 'résumé révisé' });
    const reads = calls.reads;
    // The index shows each module's summary, so it changes too.
    expect(report.pages.filter((p) => p.status === 'updated').map((p) => p.title)).toEqual([INDEX_TITLE, modules[4]!.wikiPage]);
    expect(calls.edits).toBe(2);
    expect(await pageText(client, modules[4]!.wikiPage)).toContain('Version révisée.');
    const page = (await client.getPages([modules[4]!.wikiPage])).get(modules[4]!.wikiPage);
    expect(page?.lastRevision?.comment).toBe('Parcours de formation : mise à jour du module 5 (robot Pollen) — résumé révisé');
    // One batched read, then publishPage's own check of the stop page and the page before saving.
    expect(reads).toBeLessThanOrEqual(3);
    expect(calls.all.some((p) => p.action === 'purge')).toBe(false);
  });
});
