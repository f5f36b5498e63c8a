import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addLearner } from '../../bots/progress-sync.js';
import { replayMoodle } from '../support/moodle.js';
import { describeEachStore } from '../support/postgres.js';
import {
  ADMIN_TOKEN, FACILITATOR_TOKEN, LEARNER1_MOODLE_TOKEN, LOGIN, ME, MOODLE_URL, SITE_TOKEN, capturingLogger, codeOf, startGateway,
  type TestGateway,
} from '../progress/support.js';

afterEach(() => nock.cleanAll());

describeEachStore('learner sign-in, embedded mode (local accounts)', (backend) => {
  let gw: TestGateway;
  const captured = capturingLogger();

  beforeAll(async () => {
    gw = await startGateway({ logger: captured.logger, backend });
    await addLearner(gw.store, { username: 'alice', displayName: 'Alice Martin', password: 'correct horse battery' });
    await addLearner(gw.store, { username: 'carla', displayName: 'Carla Diaz', password: 'carla-password-9' });
  });
  afterAll(async () => {
    await gw.close();
  });

  it('signs in with the right password and returns a session token to its owner', async () => {
    const answer = await gw.gql(LOGIN, { u: 'alice', p: 'correct horse battery' });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.login.me).toEqual({ role: 'LEARNER', displayName: 'Alice Martin' });
    expect(answer.body.data?.login.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('gives the same error for an unknown user and a wrong password', async () => {
    const unknown = await gw.gql(LOGIN, { u: 'nobody', p: 'whatever-password' });
    const wrong = await gw.gql(LOGIN, { u: 'carla', p: 'not-her-password' });
    expect(codeOf(unknown)).toBe('LOGIN_FAILED');
    expect(unknown.body.errors?.[0]?.message).toBe(wrong.body.errors?.[0]?.message);
    expect(unknown.body.errors?.[0]?.extensions).toEqual(wrong.body.errors?.[0]?.extensions);
  });

  it('ends the session cookie the client held when the login mutation opens a new one', async () => {
    const first = await gw.gql(LOGIN, { u: 'alice', p: 'correct horse battery' });
    const held = first.body.data!.login.token as string;
    const second = await gw.gql(LOGIN, { u: 'carla', p: 'carla-password-9' }, { cookie: `pollen_session=${held}` });
    expect(second.body.data?.login.token).not.toBe(held);
    expect(await gw.runtime.auth.sessions.find(held)).toBeUndefined();
    expect(codeOf(await gw.gql(ME, {}, { token: held }))).toBe('UNAUTHENTICATED');
  });

  it('stores passwords as scrypt hashes only', async () => {
    const rows = JSON.stringify(await gw.store.db.selectFrom('progress_learners').selectAll().execute());
    expect(rows).not.toContain('correct horse battery');
    expect(rows).toContain('scrypt$');
  });

  it('refuses a username after 5 failures in 15 minutes, even with the right password, whatever the IP', async () => {
    await addLearner(gw.store, { username: 'dora', displayName: 'Dora', password: 'dora-password-1' });
    const auth = gw.runtime.auth;
    for (let i = 0; i < 5; i++) {
      await expect(auth.loginLearner('dora', `guess-${i}`, { ip: `198.51.100.${i}` })).rejects.toMatchObject({ code: 'LOGIN_FAILED' });
    }
    await expect(auth.loginLearner('dora', 'dora-password-1', { ip: '198.51.100.99' })).rejects.toMatchObject({
      code: 'LOGIN_RATE_LIMITED',
      extensions: expect.objectContaining({ retryAfterSeconds: expect.any(Number) }),
    });
  });

  it('over HTTP, answers LOGIN_RATE_LIMITED to the client address that kept failing', async () => {
    // Every request here comes from 127.0.0.1: the earlier failures count against it too.
    let answer;
    for (let i = 0; i < 6; i++) answer = await gw.gql(LOGIN, { u: 'erin', p: `guess-${i}` });
    expect(codeOf(answer!)).toBe('LOGIN_RATE_LIMITED');
    expect(answer!.body.errors?.[0]?.message).toMatch(/^Trop de tentatives de connexion échouées\. Réessayez dans 15 minutes\.$/);
  });

  it('lets a room share an address: 5 mistyped accounts do not block another learner there', async () => {
    const auth = gw.runtime.auth;
    const ip = '203.0.113.9';
    for (let i = 0; i < 5; i++) {
      await expect(auth.loginLearner(`room${i}`, 'x-password', { ip })).rejects.toMatchObject({ code: 'LOGIN_FAILED' });
    }
    await expect(auth.loginLearner('alice', 'correct horse battery', { ip })).resolves.toMatchObject({ viewer: { role: 'learner' } });
  });

  it('refuses an address after 50 failures (POLLEN_LOGIN_MAX_FAILURES_PER_ADDRESS), whatever the usernames tried', async () => {
    const auth = gw.runtime.auth;
    const ip = '203.0.113.7';
    for (let i = 0; i < 50; i++) {
      await expect(auth.loginLearner(`user${i}`, '', { ip })).rejects.toMatchObject({ code: 'LOGIN_FAILED' });
    }
    await expect(auth.loginLearner('alice', 'correct horse battery', { ip })).rejects.toMatchObject({ code: 'LOGIN_RATE_LIMITED' });
    await expect(auth.loginLearner('alice', 'correct horse battery', { ip: '203.0.113.8' })).resolves.toBeDefined();
  });

  it('one address mistypes a token 5 times: another facilitator, and the same address with the right token, still sign in', async () => {
    const auth = gw.runtime.auth;
    const room = '192.0.2.44';
    for (let i = 0; i < 5; i++) await expect(auth.loginWithApiToken(`mistyped-token-${i}`, { ip: room })).rejects.toMatchObject({ code: 'LOGIN_FAILED' });
    expect((await auth.loginWithApiToken(FACILITATOR_TOKEN, { ip: '192.0.2.45' })).viewer.role).toBe('facilitator');
    expect((await auth.loginWithApiToken(FACILITATOR_TOKEN, { ip: room })).viewer.role).toBe('facilitator');
    // Past the address threshold, wrong tokens are refused outright; the right one still is not.
    for (let i = 5; i < 50; i++) await auth.loginWithApiToken(`mistyped-token-${i}`, { ip: room }).catch(() => {});
    await expect(auth.loginWithApiToken('another-wrong-token', { ip: room })).rejects.toMatchObject({
      code: 'LOGIN_RATE_LIMITED',
      message: expect.stringMatching(/^Trop de tentatives de connexion échouées\. Réessayez dans 15 minutes\.$/),
    });
    expect((await auth.loginWithApiToken(FACILITATOR_TOKEN, { ip: room })).viewer.role).toBe('facilitator');
  });

  it('never writes a password or token in the logs', async () => {
    await gw.gql(LOGIN, { u: 'carla', p: 'carla-password-9' });
    const logs = captured.lines.join('\n');
    expect(logs).toContain('login');
    for (const secret of ['correct horse battery', 'carla-password-9', 'not-her-password', FACILITATOR_TOKEN, ADMIN_TOKEN]) {
      expect(logs).not.toContain(secret);
    }
  });
});

describe('learner sign-in with Moodle', () => {
  let gw: TestGateway;
  const captured = capturingLogger();

  beforeAll(async () => {
    gw = await startGateway({ moodle: true, logger: captured.logger });
  });
  afterAll(async () => {
    await gw.close();
  });

  it('exchanges username and password for a Moodle token, then issues its own session', async () => {
    const moodle = replayMoodle(MOODLE_URL, ['login_token', 'core_webservice_get_site_info.learner1'], {
      tokens: { learner1: LEARNER1_MOODLE_TOKEN },
    });
    const answer = await gw.gql(LOGIN, { u: 'learner1', p: 'Learner1-Pass!' });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.login.me).toEqual({ role: 'LEARNER', displayName: 'Alice Martin' });
    expect(moodle.unmatched).toEqual([]);
    expect(moodle.requests[0]?.form.get('service')).toBe('moodle_mobile_app');
    // The gateway's session is not the Moodle token, and the Moodle token never comes back.
    expect(answer.text).not.toContain(LEARNER1_MOODLE_TOKEN);
    const viewer = await gw.runtime.auth.viewerFromRequest({ headers: { authorization: `Bearer ${answer.body.data?.login.token}` } });
    expect(viewer).toEqual({ role: 'learner', learnerId: 'moodle-3', displayName: 'Alice Martin' });
  });

  it('answers LOGIN_FAILED when Moodle says invalidlogin, as for an unknown user', async () => {
    replayMoodle(MOODLE_URL, [{ path: '/login/token.php', body: JSON.stringify((await import('../support/moodle.js')).loadFixture('error_login_token_invalidlogin').response) }]);
    const answer = await gw.gql(LOGIN, { u: 'learner1', p: 'Wrong-Pass-123' });
    expect(codeOf(answer)).toBe('LOGIN_FAILED');
    expect(answer.body.errors?.[0]?.message).toBe('Identifiant inconnu ou mot de passe erroné.');
  });

  it('answers LOGIN_UNAVAILABLE when Moodle is down, without counting a failure', async () => {
    const failures = async () => Number((await gw.store.db.selectFrom('auth_login_failures').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await failures();
    replayMoodle(MOODLE_URL, [{ path: '/login/token.php', status: 503, body: 'down' }]);
    expect(codeOf(await gw.gql(LOGIN, { u: 'learner2', p: 'Some-Pass-123' }))).toBe('LOGIN_UNAVAILABLE');
    expect(await failures()).toBe(before);
    // A wrong password, by contrast, is counted: the counter above is the one that limits.
    nock.cleanAll();
    replayMoodle(MOODLE_URL, [{ path: '/login/token.php', body: JSON.stringify((await import('../support/moodle.js')).loadFixture('error_login_token_invalidlogin').response) }]);
    expect(codeOf(await gw.gql(LOGIN, { u: 'learner2', p: 'Wrong-Pass-456' }))).toBe('LOGIN_FAILED');
    expect(await failures()).toBeGreaterThan(before);
  });

  it('keeps the password, the Moodle token and the site token out of logs, errors and the store', async () => {
    const logs = captured.lines.join('\n');
    const stored = JSON.stringify([
      await gw.store.db.selectFrom('auth_sessions').selectAll().execute(),
      await gw.store.db.selectFrom('progress_learners').selectAll().execute(),
    ]);
    for (const secret of ['Learner1-Pass!', 'Wrong-Pass-123', 'Some-Pass-123', LEARNER1_MOODLE_TOKEN, SITE_TOKEN]) {
      expect(logs).not.toContain(secret);
      expect(stored).not.toContain(secret);
    }
  });
});

describe('behind a reverse proxy (POLLEN_TRUST_PROXY=loopback)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ env: { POLLEN_TRUST_PROXY: 'loopback', POLLEN_LOGIN_MAX_FAILURES_PER_ADDRESS: '5' } });
  });
  afterAll(async () => {
    await gw.close();
  });

  it('counts failures per visitor address from X-Forwarded-For, not per proxy', async () => {
    const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
    let answer;
    for (let i = 0; i < 6; i++) answer = await gw.gql(LOGIN, { u: `nobody${i}`, p: 'wrong-password' }, from('198.51.100.20'));
    expect(codeOf(answer!)).toBe('LOGIN_RATE_LIMITED');
    // Another visitor through the same proxy is not locked out.
    expect(codeOf(await gw.gql(LOGIN, { u: 'nobody-else', p: 'wrong-password' }, from('198.51.100.21')))).toBe('LOGIN_FAILED');
  });
});
