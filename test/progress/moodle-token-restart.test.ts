/**
 * markModuleDone after a gateway restart or on another replica, over HTTP, against the recorded
 * Moodle: with POLLEN_SECRET_KEY the learner's own Moodle token is found in the store; without
 * it (or with another key) the learner is told, in French, to sign in again.
 */
import { randomBytes } from 'node:crypto';
import nock from 'nock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { StoreDb } from '../../src/store/database.js';
import { replayMoodle } from '../support/moodle.js';
import { describeEachStore } from '../support/postgres.js';
import { openTestStore } from '../support/store.js';
import { LEARNER1_MOODLE_TOKEN, LOGIN, MARK, ME, MOODLE_URL, codeOf, startGateway, syncRoutes, type TestGateway } from './support.js';

const KEY = randomBytes(32).toString('base64');
const SIGN_IN_AGAIN = 'Pollen ne connaît plus votre session Moodle : reconnectez-vous, puis réessayez.';

describeEachStore('markModuleDone after a restart or on another replica', (backend) => {
  const clock = new Date(1795417552 * 1000 + 86_400_000);
  let store: StoreDb;
  const gateways: TestGateway[] = [];

  /** One gateway process on the shared store. */
  async function gateway(env: Record<string, string>): Promise<TestGateway> {
    const gw = await startGateway({ moodle: true, now: () => clock, env, store });
    gateways.push(gw);
    return gw;
  }

  async function signIn(gw: TestGateway): Promise<string> {
    const login = replayMoodle(MOODLE_URL, ['login_token', 'core_webservice_get_site_info.learner1'], { tokens: { learner1: LEARNER1_MOODLE_TOKEN } });
    const answer = await gw.gql(LOGIN, { u: 'learner1', p: 'Learner1-Pass!' });
    login.stop();
    expect(answer.body.errors).toBeUndefined();
    return answer.body.data?.login.token as string;
  }

  beforeEach(async () => {
    store = await openTestStore(backend);
  });
  afterEach(async () => {
    nock.cleanAll();
    for (const gw of gateways.splice(0)) await gw.close();
    await store.close();
  });

  it("with POLLEN_SECRET_KEY, another gateway process writes the completion with the learner's own token", async () => {
    const first = await gateway({ POLLEN_SECRET_KEY: KEY });
    const token = await signIn(first);
    await first.close();
    gateways.splice(gateways.indexOf(first), 1);

    const restarted = await gateway({ POLLEN_SECRET_KEY: KEY });
    const moodle = replayMoodle(MOODLE_URL, [...syncRoutes(), 'core_completion_update_activity_completion_status_manually'], {
      tokens: { learner1: LEARNER1_MOODLE_TOKEN },
    });
    const answer = await restarted.gql(MARK, { slug: 'bienvenue' }, { token });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.markModuleDone.percent).toBe(57);
    const update = moodle.requests.find((r) => r.wsfunction === 'core_completion_update_activity_completion_status_manually');
    expect(update?.form.get('wstoken')).toBe(LEARNER1_MOODLE_TOKEN);
    expect(answer.text).not.toContain(LEARNER1_MOODLE_TOKEN);
  });

  it('without POLLEN_SECRET_KEY, the other process asks the learner to sign in again, in French, without calling Moodle', async () => {
    const first = await gateway({});
    const token = await signIn(first);
    const other = await gateway({});
    const moodle = replayMoodle(MOODLE_URL, [...syncRoutes(), 'core_completion_update_activity_completion_status_manually'], {
      tokens: { learner1: LEARNER1_MOODLE_TOKEN },
    });
    const answer = await other.gql(MARK, { slug: 'bienvenue' }, { token });
    expect(codeOf(answer)).toBe('MOODLE_SESSION_EXPIRED');
    expect(answer.body.errors?.[0]?.message).toBe(SIGN_IN_AGAIN);
    expect(moodle.count('core_completion_update_activity_completion_status_manually')).toBe(0);
    // Reading progress does not need the learner's token: it still works there.
    const me = await other.gql(ME, {}, { token });
    expect(me.body.errors).toBeUndefined();
    expect(me.body.data?.me.progress).toMatchObject({ percent: 57, doneCount: 4 });
    // The process that signed the learner in still has the token in memory.
    const same = await first.gql(MARK, { slug: 'bienvenue' }, { token });
    expect(same.body.errors).toBeUndefined();
    expect(moodle.count('core_completion_update_activity_completion_status_manually')).toBe(1);
  });

  it('with another POLLEN_SECRET_KEY, the stored token does not open: sign in again', async () => {
    const first = await gateway({ POLLEN_SECRET_KEY: KEY });
    const token = await signIn(first);
    const other = await gateway({ POLLEN_SECRET_KEY: randomBytes(32).toString('hex') });
    replayMoodle(MOODLE_URL, syncRoutes());
    const answer = await other.gql(MARK, { slug: 'bienvenue' }, { token });
    expect(codeOf(answer)).toBe('MOODLE_SESSION_EXPIRED');
    expect(answer.body.errors?.[0]?.message).toBe(SIGN_IN_AGAIN);
  });
});
