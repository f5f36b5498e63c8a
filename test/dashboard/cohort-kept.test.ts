/**
 * Issue 29: the dashboard's cohort reads kept between two syncs. Reloading `/dashboard` while
 * nothing changed reads only the store's `progress` change marker; a learner or a snapshot
 * written through another connection (another replica, a bot) is on the next load.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StoreDb } from '../../src/store/database.js';
import { seedCohort } from '../support/cohort-seed.js';
import { describeEachStore } from '../support/postgres.js';
import { openSharedStores } from '../support/store.js';
import { FACILITATOR_TOKEN, startGateway, type TestGateway } from '../progress/support.js';

const NOW = new Date('2026-03-01T09:00:00Z');

describeEachStore('the dashboard between two syncs', (backend) => {
  let dir: string;
  let mine: StoreDb;
  let other: StoreDb;
  let gw: TestGateway;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pollen-cohort-kept-'));
    [mine, other] = await openSharedStores(backend, dir);
    gw = await startGateway({ store: mine, now: () => NOW, env: { POLLEN_STALLED_AFTER_DAYS: '14' } });
    await seedCohort(other, { count: 120, curriculum: gw.runtime.tracker.curriculum, now: NOW });
  }, 60_000);
  afterAll(async () => {
    await gw?.close();
    await mine?.close();
    await other?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function load(url = '/dashboard'): Promise<{ html: string; queries: number }> {
    const before = mine.stats.queries;
    const response = await fetch(new URL(url, gw.url), { headers: { authorization: `Bearer ${FACILITATOR_TOKEN}` } });
    expect(response.status).toBe(200);
    return { html: await response.text(), queries: mine.stats.queries - before };
  }

  it('reads the cohort once, then only the change marker until another connection writes', async () => {
    const first = await load();
    expect(first.html).toContain('<dd id="chiffre-apprenants">120</dd>');
    const again = await load();
    const reload = await load();
    // The same page but for its generation time.
    const cohortPart = (html: string) => html.slice(html.indexOf('<dl class="summary"'));
    expect(cohortPart(again.html) === cohortPart(first.html)).toBe(true);
    expect(cohortPart(reload.html) === cohortPart(first.html)).toBe(true);
    // The cohort's figures and its two pages: one read of the marker each.
    expect(first.queries).toBeGreaterThan(10);
    expect(again.queries).toBe(3);
    expect(reload.queries).toBe(3);

    // A new learner with a snapshot, written by the other connection: on the very next load.
    await seedCohort(other, { from: 121, count: 1, curriculum: gw.runtime.tracker.curriculum, now: NOW, modulesDone: () => 7 });
    const after = await load();
    expect(after.html).toContain('<dd id="chiffre-apprenants">121</dd>');
    // Read again: figures (2 queries), a grid page and a stalled page (3 each).
    expect(after.queries - again.queries).toBe(8);

    // A learner renamed without a new snapshot (a Moodle profile edit) is a change too.
    await other.db.updateTable('progress_learners' as never).set({ display_name: 'Aaron <script>Renommé' } as never).where('username' as never, '=', 'apprenant-1' as never).execute();
    const renamed = await load('/dashboard?etat=tous');
    expect(renamed.html).toContain('<title>Aaron &lt;script>Renommé</title>');

    // A learner gone from the course (unenrolled in Moodle): out of the figures on the next load.
    await other.db.updateTable('progress_learners' as never).set({ active: 0 } as never).where('username' as never, '=', 'apprenant-121' as never).execute();
    expect((await load()).html).toContain('<dd id="chiffre-apprenants">120</dd>');
  });
});
