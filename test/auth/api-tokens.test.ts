import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatTokenList, runTokenCommand } from '../../bots/token.js';
import { ApiTokenStore, StoredApiTokens } from '../../src/auth/api-tokens.js';
import { ensureDashboardAccess } from '../../src/auth/first-start.js';
import { AuthService } from '../../src/auth/service.js';
import { hashToken } from '../../src/auth/tokens.js';
import { LearnerStore } from '../../src/progress/learners.js';
import { openDatabase } from '../../src/store/database.js';
import { openPollenStore } from '../../src/store-schema.js';
import { describeEachStore } from '../support/postgres.js';

describeEachStore('API tokens in the store', (backend) => {
  it('keeps only the SHA-256 of a token, and lists tokens without their value', async () => {
    const store = await backend.open();
    const tokens = await ApiTokenStore.open(store);
    const { token, info } = await tokens.create({ role: 'facilitator', name: 'Camille' });
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    const rows = await store.db.selectFrom('auth_api_tokens').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0]?.token_hash).toBe(hashToken(token));
    expect(await tokens.list()).toEqual([{ id: info.id, role: 'facilitator', name: 'Camille', createdAt: info.createdAt, revokedAt: null }]);
    await store.close();
  });

  it('signs a facilitator in with a stored token under their name, and refuses it once revoked', async () => {
    const store = await backend.open();
    const tokens = await ApiTokenStore.open(store);
    const stored = new StoredApiTokens(tokens);
    const authStore = await openPollenStore({ kind: 'sqlite', path: ':memory:' });
    const auth = new AuthService({ store: authStore, learners: new LearnerStore(authStore), storedTokens: stored });
    const { token, info } = await tokens.create({ role: 'facilitator', name: 'Camille' });
    await auth.refreshStoredTokens();
    expect((await auth.loginWithApiToken(token)).viewer).toEqual({ role: 'facilitator', learnerId: null, displayName: 'Camille' });
    expect((await auth.viewerFromRequest({ headers: { authorization: `Bearer ${token}` } })).role).toBe('facilitator');
    expect(await tokens.revoke(info.id)).toBe(true);
    expect(await tokens.revoke(info.id)).toBe(false);
    await auth.refreshStoredTokens();
    await expect(auth.loginWithApiToken(token)).rejects.toThrowError(expect.objectContaining({ code: 'LOGIN_FAILED' }));
    expect((await auth.viewerFromRequest({ headers: { authorization: `Bearer ${token}` } })).role).toBe('anonymous');
    await authStore.close();
    await store.close();
  });

  it('ends the sessions a token opened when it is revoked, or when a configured token leaves the configuration', async () => {
    const store = await backend.open();
    const tokens = await ApiTokenStore.open(store);
    const stored = new StoredApiTokens(tokens);
    const configured = 'configured-facilitator-token-0123456789abcdef';
    const auth = new AuthService({ store, learners: new LearnerStore(store), storedTokens: stored, facilitatorTokens: [configured] });
    const { token, info } = await tokens.create({ role: 'facilitator', name: 'Camille' });
    const other = await tokens.create({ role: 'admin', name: 'Dominique' });
    await auth.refreshStoredTokens();
    const cookie = (session: { token: string }) => ({ headers: { cookie: `pollen_session=${session.token}` } });
    const camille = await auth.loginWithApiToken(token);
    const dominique = await auth.loginWithApiToken(other.token);
    const fromConfig = await auth.loginWithApiToken(configured);
    expect((await auth.viewerFromRequest(cookie(camille))).role).toBe('facilitator');
    // Revoked by `npm run token` (another process): this process has not refreshed its tokens yet.
    expect(await (await ApiTokenStore.open(store)).revoke(info.id)).toBe(true);
    expect((await auth.viewerFromRequest(cookie(camille))).role).toBe('anonymous');
    expect((await auth.viewerFromRequest(cookie(dominique))).role).toBe('admin');
    // Restarted without the configured token: its session ends; the others stay.
    const restarted = new AuthService({ store, learners: new LearnerStore(store), storedTokens: new StoredApiTokens(tokens) });
    expect((await restarted.viewerFromRequest(cookie(fromConfig))).role).toBe('anonymous');
    expect((await restarted.viewerFromRequest(cookie(dominique))).role).toBe('admin');
    // A token created by another process since this one refreshed: its new session is accepted.
    const late = await tokens.create({ role: 'facilitator', name: 'Noé' });
    const noe = await auth.loginWithApiToken(late.token).catch(() => undefined);
    expect(noe).toBeUndefined(); // not yet known for sign-in here (refreshed before each sign-in form)
    await restarted.refreshStoredTokens();
    const noeSession = await restarted.loginWithApiToken(late.token);
    expect((await auth.viewerFromRequest(cookie(noeSession))).role).toBe('facilitator');
    await store.close();
  });

  it('creates one facilitator token at first start, never again once one existed, and says when there is no way in', async () => {
    const store = await backend.open();
    const tokens = await ApiTokenStore.open(store);
    const stored = new StoredApiTokens(tokens);
    const none = { facilitators: 0, admins: 0 };
    const first = await ensureDashboardAccess({ configured: none, tokens, stored });
    expect(first.kind).toBe('created');
    if (first.kind !== 'created') return;
    expect(stored.viewerFor(first.token)?.role).toBe('facilitator');
    expect(await ensureDashboardAccess({ configured: none, tokens, stored })).toEqual({ kind: 'ready', facilitators: 1, admins: 0 });
    // The only token revoked: the next start creates nothing (revoking must stay revoking) and warns.
    await tokens.revoke((await tokens.list())[0]!.id);
    expect(await ensureDashboardAccess({ configured: none, tokens, stored })).toEqual({ kind: 'none' });
    expect(await tokens.list()).toHaveLength(1);
    // Tokens from the configuration: nothing is created.
    const other = await ApiTokenStore.open(await backend.open());
    expect(await ensureDashboardAccess({ configured: { facilitators: 1, admins: 0 }, tokens: other, stored: new StoredApiTokens(other) })).toEqual({
      kind: 'ready', facilitators: 1, admins: 0,
    });
    expect(await other.list()).toEqual([]);
    await store.close();
  });
});

describe('npm run token', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pollen-token-'));
  const file = path.join(dir, 'pollen.sqlite');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function run(...argv: string[]): Promise<{ code: number; out: string }> {
    const lines: string[] = [];
    const code = await runTokenCommand(argv, { store: () => openDatabase({ kind: 'sqlite', path: file }), out: (l) => lines.push(l) });
    return { code, out: lines.join('\n') };
  }

  it('creates, lists and revokes tokens in French, the value shown once at creation only', async () => {
    const created = await run('create', '--role', 'admin', '--name', 'Synchronisation nocturne');
    expect(created.code).toBe(0);
    const token = /\b([0-9a-f]{48})\b/.exec(created.out)?.[1];
    expect(token).toBeDefined();
    expect(created.out).toContain('Il ne sera plus affiché');
    const listed = await run('list');
    expect(listed.out).not.toContain(token);
    expect(listed.out).toMatch(/1 jeton \(1 actif\)/);
    expect(listed.out).toMatch(/n° 1 {2}administration {2}« Synchronisation nocturne » {2}créé le .+ \(heure de Paris\) {2}actif/);
    expect((await run('revoke', '1')).out).toContain('Jeton n° 1 révoqué');
    const again = await run('revoke', '1');
    expect(again).toEqual({ code: 1, out: 'Aucun jeton actif n° 1 : voyez npm run token -- list.' });
    expect((await run('list')).out).toMatch(/1 jeton \(0 actif\)[\s\S]*révoqué le/);
  });

  it('refuses a role it does not know, in French, and creates nothing', async () => {
    const before = (await run('list')).out;
    const refused = await run('create', '--role', 'superuser', '--name', 'X');
    expect(refused).toEqual({ code: 2, out: 'Jeton non créé : Le rôle est « facilitator » ou « admin ».' });
    // Nothing created: the list (count and every line) is what it was.
    expect((await run('list')).out).toBe(before);
    expect(before).not.toContain('« X »');
  });

  it('says which command to run when the store has no token', () => {
    expect(formatTokenList([])).toContain('npm run token -- create --role facilitator');
  });
});
