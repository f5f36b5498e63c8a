/**
 * The token command on PostgreSQL, with two gateways on the same store (README, "Premier
 * démarrage" and "Plus d'une machine"): `npm run token` opens the store the configuration names,
 * so it lists the first-start token the gateway stored, creates tokens the gateways accept, and
 * revoking one ends every dashboard session it opened, on both gateways at once.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAdminUrl } from '../support/postgres.js';
import { killAll, pollenEnv, ROOT, startGateway, stop, type Gateway } from '../support/processes.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';

const execFileAsync = promisify(execFile);
let work: string;
let wiki: LocalWiki;
let settings: Record<string, string>;
const gateways: Gateway[] = [];

/** `npm run token -- <args>` as the package script runs it (node dist/bots/token.js), with the gateways' settings. */
async function token(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [path.join(ROOT, 'dist/bots/token.js'), ...args], { cwd: work, env: pollenEnv(settings), timeout: 60_000 });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

async function signIn(url: string, value: string): Promise<{ status: number; cookie: string }> {
  const res = await fetch(`${url}/dashboard/connexion`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
    body: new URLSearchParams({ token: value }).toString(),
  });
  return { status: res.status, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
}

/** The dashboard with this cookie: 200 when the session is live, a redirect to the sign-in page otherwise. */
async function dashboard(url: string, cookie: string): Promise<number> {
  return (await fetch(`${url}/dashboard`, { redirect: 'manual', headers: { cookie, accept: 'text/html' } })).status;
}

beforeAll(async () => {
  if (!postgresAdminUrl()) return;
  work = mkdtempSync(path.join(tmpdir(), 'pollen-tokens-pg-'));
  wiki = await startWiki();
  settings = { WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword, POLLEN_DATABASE_URL: await createTestDatabase(), LOG_LEVEL: 'info' };
  // One after the other: the first creates the first-start token, the second finds it.
  gateways.push(await startGateway('gateway-A', path.join(work, 'a'), settings));
  gateways.push(await startGateway('gateway-B', path.join(work, 'b'), settings));
}, 180_000);

afterAll(async () => {
  await Promise.all(gateways.map(stop));
  killAll();
  await wiki?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm run token on PostgreSQL, two gateways', () => {
  it('lists the first-start token, creates one both gateways accept, and revoking it ends its sessions on both', async () => {
    if (!postgresAdminUrl()) throw new Error('PostgreSQL 15 is not installed: this spec did not run');
    const [a, b] = gateways as [Gateway, Gateway];
    const first = /^ {3}([0-9a-f]{48})$/m.exec(a.output())?.[1];
    expect(first).toMatch(/^[0-9a-f]{48}$/);
    expect(b.output()).not.toContain('Premier démarrage');

    const listed = await token(['list']);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain('1 jeton (1 actif)');
    expect(listed.out).toMatch(/n° 1 {2}animation/);

    const created = await token(['create', '--role', 'facilitator', '--name', 'Camille']);
    expect(created.code).toBe(0);
    const camille = /^ {2}([0-9a-f]{48})$/m.exec(created.out)?.[1] ?? '';
    expect(camille).toMatch(/^[0-9a-f]{48}$/);

    // Signed in on A; the session works on B too (sessions live in the store).
    const onA = await signIn(a.url, camille);
    expect(onA.status).toBe(303);
    expect(await dashboard(a.url, onA.cookie)).toBe(200);
    expect(await dashboard(b.url, onA.cookie)).toBe(200);
    // Signed in on B with the first-start token: a session that must survive Camille's revocation.
    const firstOnB = await signIn(b.url, first!);
    expect(firstOnB.status).toBe(303);

    const revoked = await token(['revoke', '2']);
    expect(revoked.code).toBe(0);
    expect(revoked.out).toContain('Jeton n° 2 révoqué');
    // At once, on both gateways: the session opened with the revoked token is gone from the store.
    expect(await dashboard(a.url, onA.cookie)).toBe(303);
    expect(await dashboard(b.url, onA.cookie)).toBe(303);
    expect(await dashboard(a.url, firstOnB.cookie)).toBe(200);
    expect((await signIn(a.url, camille)).status).toBe(401);
    expect((await token(["list"])).out).toMatch(/n° 2 {2}animation {2}« Camille » .* révoqué le/);
  }, 120_000);
});
