/**
 * The store out of reach, on both executors: every operation that needs the store answers
 * STORE_UNAVAILABLE with the same French message from the compiled (graphql-jit) and the
 * interpreted (graphql-js) gateway over the same runtime, with its path, never "Internal server
 * error" nor a wiki code; each failure is logged once with its cause; the dashboard answers a
 * French 503 page. PostgreSQL: the spec's own cluster, stopped (pg_ctl). SQLite: the file held
 * locked by another connection (the only way an open SQLite store fails: as root, and with the
 * file open, permissions and renames change nothing), so writes fail after the busy timeout.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresCluster, type PostgresCluster } from '../../scripts/postgres/cluster.js';
import { buildRuntime, type Runtime } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { createGateway, type Gateway } from '../../src/server.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';

const TOKEN = 'admin-token-store-down-0123456789abcdef';
const FRENCH = 'La base de données de Pollen est injoignable pour le moment : réessayez dans un instant.';

interface Served { url: string; gateway: Gateway; server: Server }
interface Answer { status: number; body: { data?: unknown; errors?: Array<{ message: string; path?: string[]; extensions?: { code?: string } }> } }

/** Signed-in reads and writes (an admin token may do all of them), and anonymous ones that read the store. */
const READS: Array<[string, string]> = [
  ['cohort', '{ cohort { stalledAfterDays } }'],
  ['notesQueue', '{ notesQueue(limit: 1) { total } }'],
  ['directoryModeration', '{ directoryModeration { pendingProviders { slug } } }'],
  ['sessionsMissingMinutes', '{ sessionsMissingMinutes { id } }'],
  ['providers', '{ providers { totalCount } }'],
  ['sessions', '{ sessions { totalCount } }'],
];
const WRITES: Array<[string, string]> = [
  ['login', 'mutation { login(username: "camille", password: "mot-de-passe") { token } }'],
  ['submitNote', 'mutation { submitNote(source: "---\\ntitle: Atelier\\ndate: 2026-01-01\\n---\\nTexte.") { state } }'],
  ['createSession', 'mutation { createSession(input: { title: "Atelier", startsAt: "2027-03-12T14:00", endsAt: "2027-03-12T16:00", capacity: 12, onlineUrl: "https://visio.example.org/a" }) { session { id } } }'],
  ['approveProvider', 'mutation { approveProvider(slug: "structure-inconnue") { slug } }'],
  ['registerForSession', 'mutation { registerForSession(sessionId: 1, name: "Camille", email: "camille@example.org") { waitingPosition } }'],
];

/** Operations that write before anything they read could refuse them. */
const SQLITE_WRITES = new Set(['login', 'submitNote', 'createSession']);

let wiki: LocalWiki;

beforeAll(async () => {
  wiki = await startWiki();
});
afterAll(async () => {
  await wiki?.stop();
});

async function serve(runtime: Runtime, execution: 'compiled' | 'interpreted', logger: pino.Logger): Promise<Served> {
  const gateway = await createGateway(runtime.deps, { execution, logger });
  const server: Server = await new Promise((resolve) => {
    const s = gateway.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, gateway, server };
}

async function post(target: Served, query: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${target.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers }, body: JSON.stringify({ query }) });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

/** A logger whose lines the spec reads. */
function capture(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

function storeBackend(name: 'postgres' | 'sqlite') {
  let runtime: Runtime;
  let compiled: Served;
  let interpreted: Served;
  let cookie = '';
  const logs = capture();
  let cluster: PostgresCluster | undefined;
  let work = '';
  let locker: Database.Database | undefined;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'pollen-store-down-'));
    const store: Record<string, string> = {};
    if (name === 'postgres') {
      cluster = await startPostgresCluster();
      store.POLLEN_DATABASE_URL = await cluster.createDatabase('pollen_store_down');
    } else {
      store.POLLEN_STORE_PATH = path.join(work, 'pollen.sqlite');
    }
    const config = loadConfig({ WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword, POLLEN_ADMIN_TOKENS: TOKEN, POLLEN_CURRICULUM_DIR: 'course-modules', ...store });
    runtime = await buildRuntime(config, pino({ level: 'silent' }));
    compiled = await serve(runtime, 'compiled', logs.logger);
    interpreted = await serve(runtime, 'interpreted', logs.logger);
    // A dashboard session, opened while the store is up.
    const signIn = await fetch(`${compiled.url}/dashboard/connexion`, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: compiled.url },
      body: new URLSearchParams({ token: TOKEN }).toString(),
    });
    expect(signIn.status).toBe(303);
    cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect(cookie).toMatch(/=/);
    // The store goes away.
    if (cluster) await cluster.stop();
    else {
      // Another process's long write transaction: the gateway's writes wait, then fail.
      runtime.database.sqlite!.pragma('busy_timeout = 200');
      locker = new Database(store.POLLEN_STORE_PATH!);
      locker.exec('BEGIN IMMEDIATE');
    }
  }, 120_000);

  afterAll(async () => {
    locker?.exec('ROLLBACK');
    locker?.close();
    for (const served of [compiled, interpreted]) {
      if (!served) continue;
      await new Promise((resolve) => served.server.close(resolve));
      await served.gateway.apollo.stop();
    }
    runtime?.close();
    await cluster?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  // SQLite still reads while another connection writes (WAL): there, the operations that write.
  const cases = name === 'postgres' ? [...READS, ...WRITES] : WRITES.filter(([field]) => SQLITE_WRITES.has(field));
  it.each(cases)(`${name}: %s answers STORE_UNAVAILABLE in French, the same on both executors`, async (field, query) => {
    const before = logs.lines.length;
    const [fromCompiled, fromInterpreted] = [await post(compiled, query), await post(interpreted, query)];
    expect(fromCompiled).toEqual(fromInterpreted);
    const error = fromCompiled.body.errors?.[0];
    expect(error).toMatchObject({ message: FRENCH, path: [field], extensions: { code: 'STORE_UNAVAILABLE' } });
    expect(fromCompiled.body.errors).toHaveLength(1);
    // Logged once per answer, with its cause (which the client never sees).
    const logged = logs.lines.slice(before).filter((l) => l.code === 'STORE_UNAVAILABLE');
    expect(logged).toHaveLength(2);
    expect(String(logged[0]!.cause)).toMatch(name === 'postgres' ? /ECONNREFUSED|57P|terminat/i : /SQLITE_BUSY|locked/i);
    expect(JSON.stringify(fromCompiled.body)).not.toMatch(/ECONNREFUSED|SQLITE|terminat/i);
  });

  it(`${name}: the dashboard answers a French 503 page, not Express's English 500`, async () => {
    if (name === 'sqlite') {
      // Reading still works while another connection writes (WAL): what fails is the sign-in's write.
      const res = await fetch(`${compiled.url}/dashboard/connexion`, {
        method: 'POST', redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: compiled.url, accept: 'text/html' },
        body: new URLSearchParams({ token: TOKEN }).toString(),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('30');
      const html = await res.text();
      expect(html).toContain('<html lang="fr">');
      expect(html).toContain(FRENCH);
      return;
    }
    const res = await fetch(`${compiled.url}/dashboard`, { headers: { cookie, accept: 'text/html' } });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('30');
    const html = await res.text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('Service momentanément indisponible');
    expect(html).toContain(FRENCH);
    expect(html).not.toMatch(/Internal Server Error|ECONNREFUSED|at .*\.(ts|js):\d+/);
  });
}

describe('PostgreSQL stopped', () => storeBackend('postgres'));
describe('SQLite held locked by another process', () => storeBackend('sqlite'));
