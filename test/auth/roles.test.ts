import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addLearner } from '../../bots/progress-sync.js';
import {
  ADMIN_TOKEN, COHORT, FACILITATOR_TOKEN, LOGIN, MARK, ME, SYNC, codeOf, startGateway, type TestGateway,
} from '../progress/support.js';

describe('roles over HTTP (embedded mode)', () => {
  let gw: TestGateway;
  let clock = new Date('2026-03-01T09:00:00Z');
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    gw = await startGateway({ now: () => clock });
    await addLearner(gw.store, { username: 'alice', displayName: 'Alice Martin', password: 'alice-secret-1' });
    await addLearner(gw.store, { username: 'bob', displayName: 'Bruno Dupont', password: 'bob-secret-22' });
    alice = (await gw.gql(LOGIN, { u: 'alice', p: 'alice-secret-1' })).body.data?.login.token;
    bob = (await gw.gql(LOGIN, { u: 'bob', p: 'bob-secret-22' })).body.data?.login.token;
  });
  afterAll(async () => {
    await gw.close();
  });

  describe('anonymous', () => {
    it.each([
      ['me', ME],
      ['cohort', COHORT],
      ['markModuleDone', `mutation { markModuleDone(slug: "bienvenue") { percent } }`],
      ['syncProgress', SYNC],
    ])('is told UNAUTHENTICATED when asking %s', async (_name, query) => {
      const answer = await gw.gql(query);
      expect(codeOf(answer)).toBe('UNAUTHENTICATED');
      expect(answer.body.data ?? null).toBeNull();
    });

    it('still reads the public curriculum', async () => {
      const answer = await gw.gql('{ curriculum { moduleCount } }');
      expect(answer.body.data?.curriculum.moduleCount).toBe(7);
    });
  });

  describe('a learner', () => {
    it('sees their own progress', async () => {
      const answer = await gw.gql(ME, {}, { token: alice });
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data?.me).toMatchObject({ role: 'LEARNER', displayName: 'Alice Martin', progress: { percent: 0 } });
    });

    it('is FORBIDDEN the cohort', async () => {
      expect(codeOf(await gw.gql(COHORT, {}, { token: alice }))).toBe('FORBIDDEN');
    });

    it('is FORBIDDEN syncProgress', async () => {
      expect(codeOf(await gw.gql(SYNC, {}, { token: alice }))).toBe('FORBIDDEN');
    });

    it('cannot name whose module markModuleDone marks: it only takes a slug and done', async () => {
      const answer = await gw.gql(`{ __type(name: "Mutation") { fields { name args { name } } } }`);
      const field = answer.body.data?.__type.fields.find((f: { name: string }) => f.name === 'markModuleDone');
      expect(field.args.map((a: { name: string }) => a.name)).toEqual(['slug', 'done']);
      const forged = await gw.gql(`mutation { markModuleDone(slug: "bienvenue", learnerId: "local-bob") { percent } }`, {}, { token: alice });
      expect(codeOf(forged)).toBe('GRAPHQL_VALIDATION_FAILED');
    });

    it("marks their own module done, and only theirs", async () => {
      const marked = await gw.gql(MARK, { slug: 'bienvenue' }, { token: alice });
      expect(marked.body.data?.markModuleDone.percent).toBe(14);
      const bobs = await gw.gql(ME, {}, { token: bob });
      expect(bobs.body.data?.me.progress.percent).toBe(0);
    });
  });

  describe('a facilitator', () => {
    it('reads the cohort with an API token', async () => {
      const answer = await gw.gql(COHORT, {}, { token: FACILITATOR_TOKEN });
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data?.cohort.learners.map((l: { username: string }) => l.username)).toEqual(['alice', 'bob']);
    });

    it('is FORBIDDEN syncProgress', async () => {
      expect(codeOf(await gw.gql(SYNC, {}, { token: FACILITATOR_TOKEN }))).toBe('FORBIDDEN');
    });

    it('is FORBIDDEN markModuleDone (no learner of their own)', async () => {
      expect(codeOf(await gw.gql(MARK, { slug: 'bienvenue' }, { token: FACILITATOR_TOKEN }))).toBe('FORBIDDEN');
    });

    it('sees `me` without progress', async () => {
      const answer = await gw.gql(ME, {}, { token: FACILITATOR_TOKEN });
      expect(answer.body.data?.me).toMatchObject({ role: 'FACILITATOR', progress: null });
    });

    it('signs in from a form with loginWithApiToken and then uses the HttpOnly SameSite=Strict cookie', async () => {
      const session = await gw.runtime.auth.loginWithApiToken(FACILITATOR_TOKEN);
      expect(session.token).not.toBe(FACILITATOR_TOKEN);
      const answer = await gw.gql(COHORT, {}, { cookie: `pollen_session=${session.token}` });
      expect(answer.body.errors).toBeUndefined();
      await expect(gw.runtime.auth.loginWithApiToken('not-a-token')).rejects.toMatchObject({ code: 'LOGIN_FAILED' });
    });
  });

  describe('an admin', () => {
    it('runs syncProgress', async () => {
      const answer = await gw.gql(SYNC, {}, { token: ADMIN_TOKEN });
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data?.syncProgress).toMatchObject({ source: 'EMBEDDED', learners: 2, moodleRequests: 0 });
    });
  });

  describe('credentials', () => {
    it('a wrong bearer token is UNAUTHENTICATED, and the message says the token was not recognised', async () => {
      const wrong = await gw.gql(ME, {}, { token: 'wrong-token' });
      expect(codeOf(wrong)).toBe('UNAUTHENTICATED');
      expect(wrong.body.errors?.[0]?.message).toMatch(/jeton n’est pas reconnu/);
      expect(wrong.text).not.toContain('wrong-token');
      expect(codeOf(await gw.gql(COHORT, {}, { token: `${FACILITATOR_TOKEN}x` }))).toBe('UNAUTHENTICATED');
    });

    it('login sets the session cookie HttpOnly and SameSite=Strict, and the cookie authenticates', async () => {
      const answer = await gw.gql(LOGIN, { u: 'alice', p: 'alice-secret-1' });
      const cookie = answer.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^pollen_session=[A-Za-z0-9_-]{43};/);
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('SameSite=Strict');
      const me = await gw.gql(ME, {}, { cookie: cookie.split(';')[0] });
      expect(me.body.data?.me.displayName).toBe('Alice Martin');
    });

    it('logout ends the session', async () => {
      const token = (await gw.gql(LOGIN, { u: 'bob', p: 'bob-secret-22' })).body.data?.login.token as string;
      const out = await gw.gql('mutation { logout }', {}, { token });
      expect(out.body.data?.logout).toBe(true);
      expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
      expect(codeOf(await gw.gql(ME, {}, { token }))).toBe('UNAUTHENTICATED');
    });

    it('an expired session is UNAUTHENTICATED', async () => {
      const token = (await gw.gql(LOGIN, { u: 'alice', p: 'alice-secret-1' })).body.data?.login.token as string;
      expect(codeOf(await gw.gql(ME, {}, { token }))).toBeUndefined();
      const before = clock;
      clock = new Date(clock.getTime() + 121 * 60_000);
      try {
        expect(codeOf(await gw.gql(ME, {}, { token }))).toBe('UNAUTHENTICATED');
      } finally {
        clock = before;
      }
    });

    it('stores session tokens only as hashes', async () => {
      const rows = await gw.store.db.selectFrom('auth_sessions').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(alice);
    });
  });
});
