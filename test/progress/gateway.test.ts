import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addLearner } from '../../bots/progress-sync.js';
import { replayMoodle } from '../support/moodle.js';
import { describeEachStore } from '../support/postgres.js';
import {
  ADMIN_TOKEN, COHORT, FACILITATOR_TOKEN, LEARNER1_MOODLE_TOKEN, LOGIN, MARK, ME, MOODLE_URL, SYNC, codeOf, startGateway, syncRoutes,
  type TestGateway,
} from './support.js';

afterEach(() => nock.cleanAll());

describe('markModuleDone with Moodle', () => {
  let gw: TestGateway;
  let token: string;
  const clock = new Date(1795417552 * 1000 + 86_400_000);

  beforeAll(async () => {
    gw = await startGateway({ moodle: true, now: () => clock });
    const login = replayMoodle(MOODLE_URL, ['login_token', 'core_webservice_get_site_info.learner1'], { tokens: { learner1: LEARNER1_MOODLE_TOKEN } });
    token = (await gw.gql(LOGIN, { u: 'learner1', p: 'Learner1-Pass!' })).body.data?.login.token;
    login.stop();
  });
  afterAll(async () => {
    await gw.close();
  });

  it("writes a manual activity's completion to Moodle as the learner, with the learner's own token", async () => {
    const moodle = replayMoodle(MOODLE_URL, [...syncRoutes(), 'core_completion_update_activity_completion_status_manually'], {
      tokens: { learner1: LEARNER1_MOODLE_TOKEN },
    });
    const answer = await gw.gql(MARK, { slug: 'bienvenue' }, { token });
    expect(moodle.unmatched.map((r) => [r.wsfunction, r.form.toString()])).toEqual([]);
    expect(answer.body.errors).toBeUndefined();
    const update = moodle.requests.find((r) => r.wsfunction === 'core_completion_update_activity_completion_status_manually');
    expect(update?.form.get('wstoken')).toBe(LEARNER1_MOODLE_TOKEN);
    expect(update?.form.get('cmid')).toBe('2');
    expect(answer.body.data?.markModuleDone.percent).toBe(57);
    expect(answer.text).not.toContain(LEARNER1_MOODLE_TOKEN);
  });

  it('refuses with COMPLETION_NOT_MANUAL where Moodle completes the activity itself, without calling Moodle', async () => {
    const moodle = replayMoodle(MOODLE_URL, syncRoutes());
    const answer = await gw.gql(MARK, { slug: 'role-du-bureau' }, { token });
    expect(codeOf(answer)).toBe('COMPLETION_NOT_MANUAL');
    expect(moodle.count('core_completion_update_activity_completion_status_manually')).toBe(0);
  });

  it("maps Moodle's cannotmanualctrack to COMPLETION_NOT_MANUAL when the cached mode was stale", async () => {
    // The cache says cmid 6 is manual (mode 1); Moodle's teacher has since made it automatic.
    gw.runtime.tracker.catalog?.invalidate();
    const stale = replayMoodle(MOODLE_URL, syncRoutes({ contentsOverride: (raw) => raw.replace(/("id":6,[^{}]*?"completion":)2/, '$11') }));
    await gw.runtime.tracker.catalog?.activities();
    expect((await gw.runtime.tracker.catalog?.activities())?.find((a) => a.cmid === 6)?.completion).toBe(1);
    stale.stop();
    const moodle = replayMoodle(MOODLE_URL, [...syncRoutes(), 'error_completion_manual_on_auto_activity'], {
      tokens: { learner1: LEARNER1_MOODLE_TOKEN },
    });
    const answer = await gw.gql(MARK, { slug: 'role-du-bureau' }, { token });
    expect(codeOf(answer)).toBe('COMPLETION_NOT_MANUAL');
    expect(answer.body.errors?.[0]?.message).toMatch(/validé automatiquement dans Moodle/);
    expect(moodle.count('core_completion_update_activity_completion_status_manually')).toBe(1);
  });

  it('answers MOODLE_SESSION_EXPIRED when the learner token is gone (gateway restarted)', async () => {
    replayMoodle(MOODLE_URL, syncRoutes());
    const session = await gw.runtime.auth.sessions.create({ role: 'learner', learnerId: 'moodle-3', displayName: 'Alice Martin' });
    const answer = await gw.gql(MARK, { slug: 'bienvenue' }, { token: session.token });
    expect(codeOf(answer)).toBe('MOODLE_SESSION_EXPIRED');
    // Learners' Moodle tokens are not kept across restarts: the learner is told plainly, in French.
    expect(answer.body.errors?.[0]?.message).toBe('Pollen ne connaît plus votre session Moodle : reconnectez-vous, puis réessayez.');
  });

  it('answers BAD_USER_INPUT for an unknown module', async () => {
    expect(codeOf(await gw.gql(MARK, { slug: 'nope' }, { token }))).toBe('BAD_USER_INPUT');
  });
});

describeEachStore('embedded mode end to end (no Moodle)', (backend) => {
  let gw: TestGateway;
  let clock = new Date('2026-03-01T09:00:00Z');

  beforeAll(async () => {
    gw = await startGateway({ now: () => clock, backend });
    await addLearner(gw.store, { username: 'alice', displayName: 'Alice Martin', password: 'alice-secret-1' }, () => clock);
    await addLearner(gw.store, { username: 'bob', displayName: 'Bruno Dupont', password: 'bob-secret-22' }, () => clock);
  });
  afterAll(async () => {
    await gw.close();
  });

  it('learners mark modules done themselves, facilitators see the cohort, admins sync, stalled learners stand out', async () => {
    const alice = (await gw.gql(LOGIN, { u: 'alice', p: 'alice-secret-1' })).body.data?.login.token as string;
    for (const slug of ['bienvenue', 'types-associations', 'guide-pratique']) {
      expect((await gw.gql(MARK, { slug }, { token: alice })).body.errors).toBeUndefined();
    }
    const undone = await gw.gql(MARK, { slug: 'guide-pratique', done: false }, { token: alice });
    expect(undone.body.data?.markModuleDone.percent).toBe(29);

    const me = await gw.gql(ME, {}, { token: alice });
    expect(me.body.data?.me.progress).toMatchObject({ percent: 29, doneCount: 2, lastActivityAt: clock.toISOString(), stalled: false });
    expect(me.body.data?.me.progress.modules[0]).toEqual({
      module: { slug: 'bienvenue', title: 'Module bienvenue' }, state: 'DONE', completedAt: clock.toISOString(), via: 'SELF',
    });

    clock = new Date(clock.getTime() + 15 * 86_400_000);
    const sync = await gw.gql(SYNC, {}, { token: ADMIN_TOKEN });
    expect(sync.body.data?.syncProgress).toMatchObject({ source: 'EMBEDDED', learners: 2, stalled: 2, moodleRequests: 0 });

    const cohort = (await gw.gql(COHORT, {}, { token: FACILITATOR_TOKEN })).body.data?.cohort;
    expect(cohort.snapshotAt).toBe(clock.toISOString());
    expect(cohort.stalledAfterDays).toBe(14);
    expect(cohort.learners.map((l: { username: string; progress: { percent: number } }) => [l.username, l.progress.percent])).toEqual([
      ['alice', 29],
      ['bob', 0],
    ]);
    expect(cohort.stalled.map((s: { username: string }) => s.username)).toEqual(['alice', 'bob']);
    expect(cohort.modules[0]).toEqual({ module: { slug: 'bienvenue' }, completedCount: 1, learnerCount: 2 });
    expect(cohort.modules[2]).toEqual({ module: { slug: 'guide-pratique' }, completedCount: 0, learnerCount: 2 });
  });
});
