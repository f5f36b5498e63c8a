/**
 * Learners' Moodle tokens kept beside their session: sealed in the store with POLLEN_SECRET_KEY
 * (survives a restart, works on another replica, goes with the session), in memory without it.
 * And the dashboard's form key, shared by every process on one store.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { AuthService } from '../../src/auth/service.js';
import { hashToken } from '../../src/auth/tokens.js';
import { csrfTokensFor } from '../../src/web/csrf.js';
import type { Logger } from '../../src/log.js';
import { LearnerStore } from '../../src/progress/learners.js';
import { openDatabase, type StoreDb } from '../../src/store/database.js';
import { runMigrations } from '../../src/store/migrations.js';
import { ALL_MIGRATIONS } from '../../src/store-schema.js';
import type { StoreLocation } from '../../src/store/url.js';
import { replayMoodle } from '../support/moodle.js';
import { createTestDatabase, describeEachStore } from '../support/postgres.js';
import { capturingLogger, LEARNER1_MOODLE_TOKEN, MOODLE_URL } from '../progress/support.js';

const KEY = randomBytes(32);
const OTHER_KEY = randomBytes(32);

describeEachStore("learners' Moodle tokens and the form key across processes", (backend) => {
  let dir: string;
  let location: StoreLocation;
  const opened: StoreDb[] = [];

  /** One process's connection to the shared store. */
  async function connect(): Promise<StoreDb> {
    const store = await openDatabase(location);
    await runMigrations(store, ALL_MIGRATIONS);
    opened.push(store);
    return store;
  }

  function auth(store: StoreDb, secretKey?: Buffer, logger?: Logger): AuthService {
    return new AuthService({ store, learners: new LearnerStore(store), moodle: { url: MOODLE_URL }, secretKey, logger });
  }

  async function signIn(service: AuthService) {
    const moodle = replayMoodle(MOODLE_URL, ['login_token', 'core_webservice_get_site_info.learner1'], { tokens: { learner1: LEARNER1_MOODLE_TOKEN } });
    try {
      return await service.loginLearner('learner1', 'Learner1-Pass!');
    } finally {
      moodle.stop();
    }
  }

  async function sessionRow(store: StoreDb, tokenHash: string) {
    return store.db.selectFrom('auth_sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pollen-secrets-'));
    location = backend.name === 'sqlite' ? { kind: 'sqlite', path: path.join(dir, 'pollen.sqlite') } : { kind: 'postgres', url: await createTestDatabase() };
  });
  afterEach(async () => {
    nock.cleanAll();
    for (const store of opened.splice(0)) await store.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('with POLLEN_SECRET_KEY: the token survives a restart and works on a second replica', async () => {
    const first = await connect();
    const session = await signIn(auth(first, KEY));
    expect(await auth(first, KEY).moodleTokenOf(session.tokenHash)).toBe(LEARNER1_MOODLE_TOKEN);

    const replica = await connect();
    expect(await auth(replica, KEY).moodleTokenOf(session.tokenHash)).toBe(LEARNER1_MOODLE_TOKEN);

    await first.close();
    const restarted = await connect();
    expect(await auth(restarted, KEY).moodleTokenOf(session.tokenHash)).toBe(LEARNER1_MOODLE_TOKEN);
  });

  it('stores only ciphertext, a new one each time, bound to its session', async () => {
    const store = await connect();
    const { logger, lines } = capturingLogger();
    const service = auth(store, KEY, logger);
    const one = await signIn(service);
    const two = await signIn(service);
    const rowOne = await sessionRow(store, one.tokenHash);
    const rowTwo = await sessionRow(store, two.tokenHash);
    const sealed = String(rowOne?.moodle_token_sealed);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    for (const row of [rowOne, rowTwo]) {
      const text = JSON.stringify(row);
      expect(text).not.toContain(LEARNER1_MOODLE_TOKEN);
      expect(text).not.toContain(Buffer.from(LEARNER1_MOODLE_TOKEN).toString('base64'));
      expect(text).not.toContain(Buffer.from(LEARNER1_MOODLE_TOKEN).toString('hex'));
    }
    // Same token, random nonce: two different ciphertexts.
    expect(rowTwo?.moodle_token_sealed).not.toBe(sealed);
    // A ciphertext moved to another session does not decrypt there (the session hash is its associated data).
    await store.db.updateTable('auth_sessions').set({ moodle_token_sealed: sealed }).where('token_hash', '=', two.tokenHash).execute();
    expect(await service.moodleTokenOf(two.tokenHash)).toBeUndefined();
    expect(await service.moodleTokenOf(one.tokenHash)).toBe(LEARNER1_MOODLE_TOKEN);
    // Signing in was logged, the token never.
    expect(lines.join('\n')).toContain('Learner signed in');
    expect(lines.join('\n')).not.toContain(LEARNER1_MOODLE_TOKEN);
  });

  it('a different key: no token (the learner signs in again) and a warning that holds no secret', async () => {
    const store = await connect();
    const session = await signIn(auth(store, KEY));
    const { logger, lines } = capturingLogger();
    expect(await auth(store, OTHER_KEY, logger).moodleTokenOf(session.tokenHash)).toBeUndefined();
    const logged = lines.join('\n');
    expect(logged).toContain('"level":40');
    expect(logged).toContain('moodle_token_unreadable');
    for (const secret of [LEARNER1_MOODLE_TOKEN, KEY.toString('base64'), OTHER_KEY.toString('base64'), KEY.toString('hex'), session.token]) {
      expect(logged).not.toContain(secret);
    }
  });

  it('without POLLEN_SECRET_KEY: the token stays in memory, nothing in the store, gone after a restart', async () => {
    const store = await connect();
    const service = auth(store);
    expect(service.moodleTokenKeeping).toBe('memory');
    const session = await signIn(service);
    expect(await service.moodleTokenOf(session.tokenHash)).toBe(LEARNER1_MOODLE_TOKEN);
    expect((await sessionRow(store, session.tokenHash))?.moodle_token_sealed).toBeNull();
    // The session itself is shared; the token is not.
    const other = auth(await connect());
    expect((await other.authenticate({ headers: { authorization: `Bearer ${session.token}` } })).sessionHash).toBe(session.tokenHash);
    expect(await other.moodleTokenOf(session.tokenHash)).toBeUndefined();
  });

  it('without POLLEN_SECRET_KEY: tokens of sessions that expired unseen leave memory at the next sign-in', async () => {
    const store = await connect();
    let now = Date.UTC(2026, 2, 1, 9);
    const service = new AuthService({ store, learners: new LearnerStore(store), moodle: { url: MOODLE_URL }, sessionTtlMinutes: 60, now: () => now });
    const first = await signIn(service);
    await signIn(service);
    expect(service.moodleTokensInMemory).toBe(2);
    now += 61 * 60_000; // both sessions expire, and nobody asks for their tokens again
    const third = await signIn(service);
    expect(service.moodleTokensInMemory).toBe(1);
    expect(await service.moodleTokenOf(third.tokenHash)).toBe(LEARNER1_MOODLE_TOKEN);
    expect(await service.moodleTokenOf(first.tokenHash)).toBeUndefined();
  });

  it('logout deletes the stored token with the session, for every replica', async () => {
    const store = await connect();
    const session = await signIn(auth(store, KEY));
    const replica = auth(await connect(), KEY);
    expect(await replica.moodleTokenOf(session.tokenHash)).toBe(LEARNER1_MOODLE_TOKEN);
    expect(await auth(store, KEY).logout(session.token)).toBe(true);
    expect(await sessionRow(store, session.tokenHash)).toBeUndefined();
    expect(await replica.moodleTokenOf(session.tokenHash)).toBeUndefined();
  });

  it('an expired session keeps no token, and the purge removes its row', async () => {
    const store = await connect();
    let now = Date.UTC(2026, 2, 1, 9);
    const at = (secretKey: Buffer) =>
      new AuthService({ store, learners: new LearnerStore(store), moodle: { url: MOODLE_URL }, secretKey, sessionTtlMinutes: 60, now: () => now });
    const session = await signIn(at(KEY));
    expect(await at(KEY).moodleTokenOf(session.tokenHash)).toBe(LEARNER1_MOODLE_TOKEN);
    now += 61 * 60_000;
    expect(await at(KEY).moodleTokenOf(session.tokenHash)).toBeUndefined();
    await at(KEY).sessions.purgeExpired();
    expect(await sessionRow(store, session.tokenHash)).toBeUndefined();
  });

  it('a session opened before the upgrade keeps working, and asks for a new sign-in only to write to Moodle', async () => {
    const store = await openDatabase(location);
    opened.push(store);
    const before = ALL_MIGRATIONS.filter((m) => !['auth/003-session-moodle-tokens', 'auth/004-keys'].includes(m.id));
    await runMigrations(store, before);
    const created = Date.now();
    const legacy = 'legacy-session-token-0123456789';
    const hash = hashToken(legacy);
    await store.db
      .insertInto('auth_sessions')
      .values({ token_hash: hash, role: 'learner', learner_id: 'moodle-3', display_name: 'Alice Martin', created_at: created, expires_at: created + 3_600_000 })
      .execute();
    expect(await runMigrations(store, ALL_MIGRATIONS)).toEqual(['auth/003-session-moodle-tokens', 'auth/004-keys']);
    const service = auth(store, KEY);
    expect(await service.authenticate({ headers: { authorization: `Bearer ${legacy}` } })).toMatchObject({
      viewer: { role: 'learner', learnerId: 'moodle-3' },
      sessionHash: hash,
    });
    expect(await service.moodleTokenOf(hash)).toBeUndefined();
  });

  it('without a key, a form token made by one process is accepted by another and after a reopen', async () => {
    const first = await connect();
    const second = await connect();
    const madeByFirst = csrfTokensFor(auth(first));
    await madeByFirst.ready();
    const formToken = madeByFirst.tokenFor('session-cookie-value');

    const onSecond = csrfTokensFor(auth(second));
    await onSecond.ready();
    expect(onSecond.verify('session-cookie-value', formToken)).toBe(true);
    expect(onSecond.verify('another-session', formToken)).toBe(false);

    await first.close();
    const reopened = csrfTokensFor(auth(await connect()));
    await reopened.ready();
    expect(reopened.verify('session-cookie-value', formToken)).toBe(true);
    // One key in the store, written once.
    expect(await second.db.selectFrom('pollen_keys').select('name').execute()).toEqual([{ name: 'dashboard-csrf' }]);
  });

  it('with POLLEN_SECRET_KEY, the form key comes from it (nothing stored) and differs from the token key', async () => {
    const first = await connect();
    const withKey = csrfTokensFor(auth(first, KEY));
    await withKey.ready();
    const formToken = withKey.tokenFor('session-cookie-value');
    expect(await first.db.selectFrom('pollen_keys').selectAll().execute()).toEqual([]);

    // Another store entirely, same key: still accepted (replicas need only the same setting).
    const elsewhere = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    opened.push(elsewhere);
    await runMigrations(elsewhere, ALL_MIGRATIONS);
    const sameKey = csrfTokensFor(auth(elsewhere, KEY));
    await sameKey.ready();
    expect(sameKey.verify('session-cookie-value', formToken)).toBe(true);
    const otherKey = csrfTokensFor(auth(elsewhere, OTHER_KEY));
    await otherKey.ready();
    expect(otherKey.verify('session-cookie-value', formToken)).toBe(false);
    expect(await auth(first, KEY).csrfKey()).not.toEqual(KEY);
  });
});
