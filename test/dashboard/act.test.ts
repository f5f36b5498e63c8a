import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addLearner } from '../../bots/progress-sync.js';
import { cohortPage, parseCohortFilter, PAGE_SIZE } from '../../src/dashboard/cohort-view.js';
import type { LearnerRow, ModuleColumn } from '../../src/dashboard/data.js';
import { csvField } from '../../src/dashboard/export.js';
import { dashboardBody } from '../../src/dashboard/sections.js';
import { wholePercent } from '../../src/progress/percent.js';
import { FACILITATOR_TOKEN, LOGIN, startGateway, type TestGateway } from '../progress/support.js';

describe('a dashboard to act on (over HTTP)', () => {
  let gw: TestGateway;
  let origin: string;
  let clock = new Date('2026-03-01T09:00:00Z');
  const asFacilitator = { authorization: `Bearer ${FACILITATOR_TOKEN}` };

  beforeAll(async () => {
    gw = await startGateway({ now: () => clock });
    origin = new URL(gw.url).origin;
    await addLearner(gw.store, { username: 'zoe', displayName: 'Zoé Lefèvre; "la doyenne"', password: 'zoe-password-1' });
    await addLearner(gw.store, { username: 'malo', displayName: '=HYPERLINK("x")', password: 'malo-password-1' });
    await gw.runtime.progress.sync();
    clock = new Date('2026-03-08T10:30:00Z');
    await gw.runtime.progress.markModuleDone('local-zoe', 'bienvenue', true);
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('exports the cohort grid as CSV for French spreadsheets: BOM, ";" and a row per learner, read back by a CSV parser', async () => {
    const response = await fetch(`${origin}/dashboard/export.csv`, { headers: asFacilitator });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="pollen-cohorte-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(Buffer.from(bytes), { bom: true, delimiter: ';', relax_column_count: false }) as string[][];
    expect(records[0]?.slice(0, 6)).toEqual(['Apprenant·e', 'Identifiant', 'Progression (%)', 'Modules terminés', 'Dernière activité', 'Bloqué·e']);
    expect(records[0]?.[6]).toBe('1. Module bienvenue');
    const zoe = records.find((r) => r[1] === 'zoe');
    // 1 of 7 modules: 14 % by the one rounding rule; the completion date in French.
    expect(zoe?.slice(0, 6)).toEqual(['Zoé Lefèvre; "la doyenne"', 'zoe', '14', '1', '2026-03-08', 'non']);
    expect(zoe?.[6]).toBe('2026-03-08');
    expect(zoe?.[7]).toBe('Non commencé');
    // A name that looks like a formula is defused, so opening the file runs nothing.
    expect(records.find((r) => r[1] === 'malo')?.[0]).toBe('\'=HYPERLINK("x")');
    expect(records).toHaveLength(3);
  });

  it('exports only the rows the filters keep', async () => {
    const text = await (await fetch(`${origin}/dashboard/export.csv?q=zo%C3%A9`, { headers: asFacilitator })).text();
    const records = parse(text, { bom: true, delimiter: ';' }) as string[][];
    expect(records.map((r) => r[1])).toEqual(['Identifiant', 'zoe']);
  });

  it('links each name to a learner page with every module, its state, completion date and how, and progress over time', async () => {
    const dashboard = await (await fetch(`${origin}/dashboard`, { headers: asFacilitator })).text();
    expect(dashboard).toContain('<a href="/dashboard/apprenant/local-zoe">Zoé Lefèvre; &quot;la doyenne&quot;</a>');
    const page = await fetch(`${origin}/dashboard/apprenant/local-zoe`, { headers: asFacilitator });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<title>Zoé Lefèvre; &quot;la doyenne&quot; — tableau de bord — Pollen</title>');
    expect(html).toMatch(/<tr data-slug="bienvenue" data-state="done">.*<td data-label="État">Terminé<\/td><td data-label="Terminé le"><time datetime="2026-03-08T10:30:00.000Z">8 mars 2026 à 11:30<\/time><\/td><td data-label="Par">déclaré par la personne<\/td>/);
    expect(html).toMatch(/<tr data-slug="quiz-final" data-state="not_started">/);
    // Two snapshots (the sync, then the module marked done): newest first in the table.
    const history = html.slice(html.indexOf('id="table-historique"'));
    expect(history.indexOf('14\u202f%')).toBeLessThan(history.indexOf('0\u202f%'));
    expect(html).toContain('title=Sp%C3%A9cial%3AContributions%2FZoe');
  });

  it('keeps the learner page and the export for facilitators: anonymous to sign-in, learner 403, unknown id 404', async () => {
    const anonymous = await fetch(`${origin}/dashboard/apprenant/local-zoe`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    const learner = (await gw.gql(LOGIN, { u: 'zoe', p: 'zoe-password-1' })).body.data?.login.token as string;
    expect((await fetch(`${origin}/dashboard/export.csv`, { headers: { authorization: `Bearer ${learner}` } })).status).toBe(403);
    const unknown = await fetch(`${origin}/dashboard/apprenant/personne`, { headers: asFacilitator });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Apprenant·e introuvable');
  });
});

describe('the cohort grid at 2,000 learners', () => {
  const modules: ModuleColumn[] = [1, 2, 3].map((order) => ({ slug: `m${order}`, order, title: `Module ${order}`, completedCount: 0, learnerCount: 2000, percent: 0 }));
  const learners: LearnerRow[] = Array.from({ length: 2000 }, (_, i) => ({
    id: `l${i}`, name: `Personne ${String(i).padStart(4, '0')}`, username: `p${i}`,
    percent: wholePercent(i % 4, 3), doneCount: Math.min(3, i % 4), states: [i % 4 >= 1 ? 'done' : 'not_started', i % 4 >= 2 ? 'done' : 'not_started', 'not_started'],
    completedAt: [null, null, null], lastActivityAt: i % 2 ? '2026-03-01T09:00:00Z' : null, stalled: i % 10 === 0,
  }));

  it('shows one page of 50 rows, with links to the next pages, whatever the cohort size', () => {
    const view = cohortPage(learners, modules, parseCohortFilter({ page: '40' }));
    expect(view).toMatchObject({ matching: 2000, page: 40, pages: 40 });
    expect(view.learners).toHaveLength(PAGE_SIZE);
    const data = { generatedAt: '2026-03-01T09:00:00Z', snapshotAt: '2026-03-01T09:00:00Z', stalledAfterDays: 14, modules, learners, learnerCount: learners.length, stalled: [], stalledView: { page: 1, pages: 1, total: 0 }, averagePercent: 0, wiki: { ok: true as const, value: [] }, notes: { ok: false as const, message: 'non reliée' } };
    const html = dashboardBody(data, { base: '/dashboard', view: cohortPage(learners, modules, parseCohortFilter({ page: '2' })) });
    expect(html.match(/<tr data-learner=/g)).toHaveLength(PAGE_SIZE);
    expect(html).toContain('Page 2 sur 40');
    expect(html).toContain('<a rel="next" href="?page=3">Page suivante</a>');
    expect(html).toContain('<a rel="prev" href="?">Page précédente</a>');
  });

  it('filters by name (accents ignored), by state, by a module\'s state and by activity date', () => {
    expect(cohortPage(learners, modules, parseCohortFilter({ q: 'personne 0012' })).learners.map((l) => l.id)).toEqual(['l12']);
    expect(cohortPage(learners, modules, parseCohortFilter({ etat: 'bloque' })).matching).toBe(200);
    expect(cohortPage(learners, modules, parseCohortFilter({ module: 'm2', etat: 'termine' })).matching).toBe(1000);
    expect(cohortPage(learners, modules, parseCohortFilter({ depuis: '2026-02-28' })).matching).toBe(1000);
    expect(cohortPage(learners, modules, parseCohortFilter({ etat: 'n-importe-quoi', page: '-3' }))).toMatchObject({ matching: 2000, page: 1 });
  });
});

describe('one rounding rule for every percentage', () => {
  it('rounds to the nearest whole percent, never 0 once started nor 100 before the end', () => {
    expect([wholePercent(1, 17), wholePercent(2, 7), wholePercent(0, 17), wholePercent(17, 17), wholePercent(199, 200), wholePercent(1, 1000), wholePercent(0, 0)]).toEqual([6, 29, 0, 100, 99, 1, 0]);
  });

  it('quotes CSV fields that hold ";", quotes or line breaks', () => {
    expect(csvField('a;b')).toBe('"a;b"');
    expect(csvField('dit "oui"')).toBe('"dit ""oui"""');
    expect(csvField('-1')).toBe("'-1");
    expect(csvField(14)).toBe('14');
  });
});

describe('wiki activity on the dashboard', () => {
  const change = (title: string, bot: boolean) => ({ title, url: `http://wiki.test/index.php?title=${title}`, user: bot ? 'Robot' : 'Camille', timestamp: '2026-03-01T09:00:00Z', comment: '', bot, isNew: false });
  const data = {
    generatedAt: '2026-03-01T09:00:00Z', snapshotAt: null, stalledAfterDays: 14, modules: [], learners: [], learnerCount: 0, stalled: [], stalledView: { page: 1, pages: 1, total: 0 }, averagePercent: 0,
    wiki: { ok: true as const, value: [...Array.from({ length: 30 }, (_, i) => change(`Robot_${i}`, true)), change('Page_humaine', false)] },
    notes: { ok: false as const, message: 'non reliée' },
  };
  const view = cohortPage([], [], parseCohortFilter({}));

  it('filters human and robot changes, and links to the wiki\'s recent changes', () => {
    const humans = dashboardBody(data, { base: '/dashboard', view, wikiFilter: 'humains', recentChangesUrl: 'http://wiki.test/rc' });
    const table = humans.slice(humans.indexOf('id="table-wiki"'));
    expect(table).toContain('Page_humaine');
    expect(table).not.toContain('Robot_0');
    expect(humans).toContain('<a href="http://wiki.test/rc">Toutes les modifications récentes sur le wiki</a>');
    expect(humans).toContain('<strong aria-current="true">Humain·es seulement</strong>');
    const robots = dashboardBody(data, { base: '/dashboard', view, wikiFilter: 'robots' });
    expect(robots.match(/>Robot_\d+</g)?.length).toBe(15);
    expect(robots).not.toContain('Page_humaine');
  });

  it('tells on an empty dashboard how learners arrive, not only the sync command (issue 28 item 9)', () => {
    const html = dashboardBody(data, { base: '/dashboard', view });
    const arrival = html.slice(html.indexOf('id="arrivee-apprenants"'));
    expect(arrival).toContain('npm run progress:sync -- add-learner');
    expect(arrival).toContain('Moodle');
  });

  it('names the command when there is no snapshot yet, and shows no average for an empty cohort', () => {
    const html = dashboardBody(data, { base: '/dashboard', view });
    expect(html).toContain('npm run progress:sync');
    expect(html).toContain('<dd id="chiffre-moyenne"><span aria-label="sans objet">—</span></dd>');
  });
});
