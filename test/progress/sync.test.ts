import nock from 'nock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { MoodleClient } from '../../src/moodle/index.js';
import { createProgressRuntime, type ProgressRuntime } from '../../src/progress/runtime.js';
import type { WikiPagesReader } from '../../src/progress/wiki-contributions.js';
import type { StoreDb } from '../../src/store/database.js';
import { describeEachStore } from '../support/postgres.js';
import { openTestStore } from '../support/store.js';
import { replayMoodle } from '../support/moodle.js';
import { MOODLE_URL, SITE_TOKEN, fixtureCurriculum, syncRoutes } from './support.js';

/** learner1's recorded completion time (cmids 2, 3, 5, 6): 2026-11-18. */
const LEARNER1_LAST = new Date(1795417552 * 1000);
const DAY = 86_400_000;

let store: StoreDb;
let clock: Date;

function runtime(options: { env?: Record<string, string>; wiki?: WikiPagesReader } = {}): ProgressRuntime {
  const config = loadConfig({ MOODLE_URL, MOODLE_TOKEN: SITE_TOKEN, MOODLE_COURSE_ID: '2', ...options.env });
  const moodle = new MoodleClient({ url: MOODLE_URL, token: SITE_TOKEN, retryDelayMs: 0 });
  return createProgressRuntime({ config, store, curriculum: fixtureCurriculum(), moodle, wiki: options.wiki, now: () => clock });
}

describeEachStore('progress sync against the recorded Moodle', (backend) => {
  beforeEach(async () => {
    store = await openTestStore(backend);
    clock = new Date(LEARNER1_LAST.getTime() + 2 * DAY);
  });
  afterEach(async () => {
    nock.cleanAll();
    await store.close();
  });

  it("maps learner1's completion (cmids 2, 3, 5, 6) onto the modules of those idnumbers", async () => {
    const moodle = replayMoodle(MOODLE_URL, syncRoutes());
    const { tracker, progress } = runtime();
    const report = await tracker.sync();
    expect(moodle.unmatched).toEqual([]);
    expect(report).toMatchObject({ source: 'moodle', learners: 2, warnings: [] });

    const learner1 = await progress.learnerProgress('moodle-3');
    const done = learner1.modules.filter((m) => m.state === 'done').map((m) => m.slug);
    expect(done).toEqual(['bienvenue', 'types-associations', 'gouvernance', 'role-du-bureau']);
    expect(learner1.modules.every((m) => m.state !== 'done' || m.via === 'moodle')).toBe(true);
    expect(learner1).toMatchObject({ percent: 57, doneCount: 4, moduleCount: 7, lastActivityAt: LEARNER1_LAST.toISOString() });
    expect((await progress.learnerProgress('moodle-4')).percent).toBe(0);
  });

  it('reads every learner in one batched request, and caches the cmid/idnumber mapping', async () => {
    const moodle = replayMoodle(MOODLE_URL, syncRoutes());
    const { tracker } = runtime();
    const first = await tracker.sync();
    // enrolments, contents, one batch of 8 idnumber lookups, one batch of 2 completions
    expect(first.moodleRequests).toBe(4);
    expect(moodle.requests.map((r) => r.route)).toEqual(['contents', 'batch idnumbers', 'core_enrol_get_enrolled_users', 'batch completion']);

    clock = new Date(clock.getTime() + 60_000);
    const second = await tracker.sync();
    expect(second.moodleRequests).toBe(2);
    expect(moodle.count('core_course_get_contents')).toBe(1);
  });

  it('refetches the mapping once its TTL has passed', async () => {
    const moodle = replayMoodle(MOODLE_URL, syncRoutes());
    const { tracker } = runtime({ env: { MOODLE_ACTIVITY_CACHE_TTL_MINUTES: '60' } });
    await tracker.sync();
    clock = new Date(clock.getTime() + 61 * 60_000);
    await tracker.sync();
    expect(moodle.count('core_course_get_contents')).toBe(2);
  });

  it('lets MOODLE_ACTIVITY_MAP override the idnumber mapping', async () => {
    replayMoodle(MOODLE_URL, syncRoutes());
    // quiz-final is said to be cmid 2 (which learner1 completed); bienvenue keeps its idnumber.
    const { tracker, progress } = runtime({ env: { MOODLE_ACTIVITY_MAP: 'quiz-final=2' } });
    await tracker.sync();
    const states = Object.fromEntries((await progress.learnerProgress('moodle-3')).modules.map((m) => [m.slug, m.state]));
    expect(states['quiz-final']).toBe('done');
    expect(states['bienvenue']).toBe('done');
  });

  it('keeps dated snapshots: one per learner per sync, the history in order', async () => {
    replayMoodle(MOODLE_URL, syncRoutes());
    const { tracker } = runtime();
    const firstAt = clock.toISOString();
    await tracker.sync();
    clock = new Date(clock.getTime() + DAY);
    await tracker.sync();
    const history = await tracker.snapshots.history('moodle-3');
    expect(history.map((h) => h.snapshotAt)).toEqual([clock.toISOString(), firstAt]);
    expect(history.every((h) => h.percent === 57)).toBe(true);
  });

  it('flags a learner stalled after 14 days without progress (clock injected), and not before', async () => {
    replayMoodle(MOODLE_URL, syncRoutes());
    const { tracker, progress } = runtime();
    clock = new Date(LEARNER1_LAST.getTime() + 13 * DAY);
    await tracker.sync();
    expect((await progress.cohortSummary()).stalled).toEqual([]);

    clock = new Date(LEARNER1_LAST.getTime() + 15 * DAY);
    await tracker.sync();
    const cohort = await progress.cohortSummary();
    // learner2 was first seen 2 days ago (previous sync): not stalled yet; learner1 is.
    expect(cohort.stalled.map((s) => s.learner.username)).toEqual(['learner1']);
    expect(cohort.stalled[0]?.daysSinceActivity).toBe(15);

    clock = new Date(LEARNER1_LAST.getTime() + 28 * DAY);
    await tracker.sync();
    expect((await progress.cohortSummary()).stalled.map((s) => s.learner.username)).toEqual(['learner1', 'learner2']);
  });

  it('honours POLLEN_STALLED_AFTER_DAYS', async () => {
    replayMoodle(MOODLE_URL, syncRoutes());
    const { tracker, progress } = runtime({ env: { POLLEN_STALLED_AFTER_DAYS: '3' } });
    clock = new Date(LEARNER1_LAST.getTime() + 4 * DAY);
    await tracker.sync();
    expect((await progress.cohortSummary()).stalled.map((s) => s.learner.username)).toEqual(['learner1']);
  });

  it("counts a module done when the learner's wiki account edited its contribute page", async () => {
    replayMoodle(MOODLE_URL, syncRoutes());
    const asked: string[][] = [];
    const wiki: WikiPagesReader = {
      async getPages(titles, opts) {
        asked.push(titles);
        expect(opts?.contributors).toBe(true);
        return new Map(
          titles.map((t) => [
            t,
            t === 'Parcours/quiz-final/Contributions'
              ? { exists: true, contributors: ['Learner2', 'Admin'], lastRevision: { user: 'Admin' } }
              : t === 'Parcours/guide-pratique/Contributions'
                ? { exists: true, contributors: ['Bruno Dupont'] }
                : { exists: false },
          ]),
        );
      },
    };
    // learner2 -> "Learner2" by default; learner1 is mapped to "Bruno Dupont" by configuration.
    const { tracker, progress } = runtime({ wiki, env: { POLLEN_WIKI_USER_MAP: 'learner1=Bruno_Dupont' } });
    await tracker.sync();
    expect(asked).toHaveLength(1);
    const learner2 = await progress.learnerProgress('moodle-4');
    expect(learner2.modules.find((m) => m.slug === 'quiz-final')).toMatchObject({ state: 'done', via: 'wiki', completedAt: clock.toISOString() });
    expect(learner2.percent).toBe(14);
    const learner1 = await progress.learnerProgress('moodle-3');
    expect(learner1.modules.find((m) => m.slug === 'guide-pratique')).toMatchObject({ state: 'done', via: 'wiki' });

    // The first sight of a contribution is kept at later syncs.
    const seenAt = clock.toISOString();
    clock = new Date(clock.getTime() + DAY);
    await tracker.sync();
    expect((await progress.learnerProgress('moodle-4')).modules.find((m) => m.slug === 'quiz-final')?.completedAt).toBe(seenAt);
  });

  it('keeps the previous state of a learner whose completion cannot be read, with a warning', async () => {
    replayMoodle(MOODLE_URL, syncRoutes());
    const { tracker } = runtime();
    await tracker.sync();
    nock.cleanAll();
    const routes = syncRoutes().filter((r) => typeof r === 'string' || r.name !== 'batch completion');
    const failing = JSON.stringify({ exception: 'dml_missing_record_exception', errorcode: 'invalidrecordunknown', message: "Can't find data record in database." });
    const { batchRoute } = await import('./support.js');
    replayMoodle(MOODLE_URL, [
      ...routes,
      batchRoute('batch completion, one failing', [
        { wsfunction: 'core_completion_get_activities_completion_status', args: { courseid: 2, userid: 3 }, body: failing },
        {
          wsfunction: 'core_completion_get_activities_completion_status',
          args: { courseid: 2, userid: 4 },
          body: (await import('../support/moodle.js')).loadFixture('core_completion_get_activities_completion_status.learner2_nothing_done').raw_response,
        },
      ]),
    ]);
    clock = new Date(clock.getTime() + DAY);
    const report = await tracker.sync();
    expect(report.warnings).toEqual([expect.stringContaining('learner1')]);
    expect((await tracker.snapshots.latest(['moodle-3'])).get('moodle-3')?.percent).toBe(57);
  });
});
