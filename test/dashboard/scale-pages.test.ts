/**
 * Issue 29, items 2 and 3: the dashboard at a national network's size. The stalled table is
 * paged (50 a page, page numbers up to the last); the figures come from SQL aggregates; one
 * page of the dashboard, and one learner's page, cost the same number of store queries at
 * 1,200 learners as at 60 (never the whole cohort). Counted by the store itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohortPage, parseCohortFilter } from '../../src/dashboard/cohort-view.js';
import { assembleCohort } from '../../src/dashboard/data.js';
import { seedCohort, seededName } from '../support/cohort-seed.js';
import { FACILITATOR_TOKEN, startGateway, type TestGateway } from '../progress/support.js';

const NOW = new Date('2026-03-01T09:00:00Z');
const asFacilitator = { authorization: `Bearer ${FACILITATOR_TOKEN}` };
/** Learner i has done i modulo 8 of the 7 modules, the last i modulo 40 days ago (cohort-seed's defaults). */
const isStalled = (i: number) => i % 8 < 7 && (i % 8 === 0 || i % 40 >= 14);

let gw: TestGateway;
let origin: string;

beforeAll(async () => {
  gw = await startGateway({ now: () => NOW, env: { POLLEN_STALLED_AFTER_DAYS: '14' } });
  origin = new URL(gw.url).origin;
});
afterAll(async () => {
  await gw?.close();
});

async function page(url: string): Promise<{ html: string; queries: number }> {
  // Every statement the store runs, on its own connection or the reading one (src/store/database.ts).
  const before = gw.store.stats.queries;
  const response = await fetch(`${origin}${url}`, { headers: asFacilitator });
  expect(response.status).toBe(200);
  const html = await response.text();
  return { html, queries: gw.store.stats.queries - before };
}

const stalledRows = (html: string) => {
  const table = html.slice(html.indexOf('id="table-bloques"'), html.indexOf('</table>', html.indexOf('id="table-bloques"')));
  return [...table.matchAll(/<tr><th scope="row">([^<]*)<\/th>.*?data-days="(\d+)"/g)].map((m) => ({ name: m[1]!, days: Number(m[2]) }));
};

const URLS = [
  '/dashboard',
  '/dashboard?bloques=2',
  '/dashboard?etat=bloque&module=gouvernance&page=2',
  '/dashboard?etat=en-cours&depuis=2026-02-10',
  '/dashboard/apprenant/moodle-7',
];

describe('the dashboard at 1,200 learners', () => {
  let at60: number[];

  beforeAll(async () => {
    const curriculum = gw.runtime.tracker.curriculum;
    await seedCohort(gw.store, { count: 60, curriculum, now: NOW });
    // The first request reads what the process then keeps (the form key...): not counted.
    await page('/dashboard');
    at60 = [];
    for (const url of URLS) at60.push((await page(url)).queries);
    await seedCohort(gw.store, { from: 61, count: 1140, curriculum, now: NOW });
  }, 120_000);

  it('shows the stalled learners 50 a page, the longest without progress first, with page numbers up to the last', async () => {
    const expected = Array.from({ length: 1200 }, (_, i) => i + 1).filter(isStalled).length;
    const pages = Math.ceil(expected / 50);
    const first = (await page('/dashboard')).html;
    expect(first).toContain(`<dd id="chiffre-bloques">${expected}</dd>`);
    const rows = stalledRows(first);
    expect(rows).toHaveLength(50);
    const nav = first.slice(first.indexOf('aria-label="Pages des apprenant·es bloqué·es"'));
    expect(nav).toContain('<span aria-current="page">1</span>');
    expect(nav).toContain(`<a href="?bloques=2#bloques" aria-label="Page 2">2</a>`);
    // The last page is one click away, not `pages - 1` clicks of "next".
    expect(nav).toContain(`<a href="?bloques=${pages}#bloques" aria-label="Page ${pages}">${pages}</a>`);

    const second = stalledRows((await page('/dashboard?bloques=2')).html);
    expect(second).toHaveLength(50);
    expect(second[0]!.days).toBeLessThanOrEqual(rows.at(-1)!.days);
    expect(new Set([...rows, ...second].map((r) => r.name)).size).toBe(100);
    const last = (await page(`/dashboard?bloques=${pages}`)).html;
    expect(stalledRows(last)).toHaveLength(expected - 50 * (pages - 1));
    expect(last).toContain(`<span aria-current="page">${pages}</span>`);
    // The grid's filters are kept by the stalled table's links.
    expect((await page('/dashboard?etat=termine')).html).toContain('href="?etat=termine&amp;bloques=2#bloques"');
  });

  it('loads each dashboard page and a learner\'s page in as many store queries as at 60 learners, with the figures of the whole cohort', async () => {
    // As at 60: every page read afresh (the cohort's reads are kept until it changes, here by a
    // write that changes nothing but the store's change marker), the first load not counted.
    await gw.store.db.updateTable('progress_learners' as never).set({ active: 1 } as never).where('active' as never, '=', 1 as never).execute();
    await page('/dashboard');
    const at1200: number[] = [];
    const html: string[] = [];
    for (const url of URLS) {
      const loaded = await page(url);
      at1200.push(loaded.queries);
      html.push(loaded.html);
    }
    expect(at1200).toEqual(at60);

    // The figures and the grid's filters agree with the whole cohort read in memory.
    const cohort = assembleCohort(await gw.runtime.progress.cohortSummary(), gw.runtime.tracker.curriculum);
    expect(html[0]).toContain('<dd id="chiffre-apprenants">1200</dd>');
    expect(html[0]).toContain(`<dd id="chiffre-moyenne">${cohort.averagePercent}`);
    for (const m of cohort.modules) {
      expect(html[0]).toMatch(new RegExp(`<tr data-slug="${m.slug}">.*data-col="termine">${m.completedCount}</td>`));
    }
    for (const [i, query] of [[0, {}], [2, { etat: 'bloque', module: 'gouvernance', page: '2' }], [3, { etat: 'en-cours', depuis: '2026-02-10' }]] as const) {
      const view = cohortPage(cohort.learners, cohort.modules, parseCohortFilter(query));
      expect(html[i]).toContain(`<p class="meta" id="compte-filtre">${view.matching} apprenant`);
      const ids = [...html[i]!.matchAll(/<tr data-learner="([^"]+)">/g)].map((m) => m[1]);
      expect(ids).toEqual(view.learners.map((l) => l.id));
    }
    expect(html[4]).toContain(`<h2 id="titre-apprenant">${seededName(7)}</h2>`);
  });
});
