/**
 * Two gateway replicas and two notes workers, as real processes, on one PostgreSQL and one wiki
 * (README, "Plus d'une machine"). The gateways run exactly what `npm start` runs
 * (package.json's start command over the dist/ the test run built), the workers exactly what
 * `npm run notes -- watch DIR` runs. Every process reports, in its own output, each note it
 * published (gateways: LOG_LEVEL=debug, component "notes"; workers: their per-note lines): that
 * is how the spec knows who published what, and that no note was published twice even where
 * the wiki would hide it (the same text saved again is no new revision).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addLearner } from '../../bots/progress-sync.js';
import { openPollenStore } from '../../src/store-schema.js';
import type { WikiClient } from '../../src/wiki/client.js';
import { revisionsOf } from '../notes-publish/support.js';
import { freePort } from '../support/net.js';
import { createTestDatabase, postgresAdminUrl } from '../support/postgres.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FACILITATOR_TOKEN = 'replicas-facilitator-token-0123456789abcdef';
const NOTES = 200;
/** Submissions in flight at once (half to each gateway). */
const BATCH = 10;
const MAX_FAILURES = 3;
const PUBLISHED = 'publiée';

let wiki: LocalWiki;
let client: WikiClient;
let databaseUrl: string;
let work: string;
/** Every process still running (a failed or timed-out spec must not leave one behind). */
const running = new Set<ChildProcess>();

interface Proc {
  name: string;
  child: ChildProcess;
  /** Everything the process wrote so far, stdout and stderr. */
  output: () => string;
  exited: Promise<number | null>;
}

interface Gateway extends Proc {
  url: string;
}

/** The environment every Pollen process of the spec shares: the wiki, the store, the tokens. */
function pollenEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
  for (const name of Object.keys(env)) if (name.startsWith('WIKI_') || name.startsWith('MOODLE_') || name.startsWith('POLLEN_')) delete env[name];
  return {
    ...env,
    WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword,
    POLLEN_DATABASE_URL: databaseUrl, POLLEN_FACILITATOR_TOKENS: FACILITATOR_TOKEN,
    POLLEN_CURRICULUM_DIR: path.join(ROOT, 'course-modules'), POLLEN_LOGIN_MAX_FAILURES: String(MAX_FAILURES),
    ...extra,
  };
}

/** Starts `args` (node's arguments) in its own scratch folder; resolves once `ready` shows in its output. */
async function startProcess(name: string, args: string[], env: NodeJS.ProcessEnv, ready: string): Promise<Proc> {
  const cwd = path.join(work, name);
  mkdirSync(cwd, { recursive: true });
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child);
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  void exited.then(() => running.delete(child));
  await new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer): void => {
      output += c.toString();
      if (output.includes(ready)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => reject(new Error(`${name} exited (${code}) before "${ready}":\n${output}`)));
  });
  return { name, child, output: () => output, exited };
}

/** package.json's start command (NODE_ENV=production node <flags> dist/src/main.js), as `npm start` runs it. */
async function startGateway(name: string): Promise<Gateway> {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const [envSetting, nodeBin, ...nodeArgs] = pkg.scripts.start!.split(/\s+/);
  expect([envSetting, nodeBin]).toEqual(['NODE_ENV=production', 'node']);
  const port = await freePort();
  const env = pollenEnv({ PORT: String(port), LOG_LEVEL: 'debug', POLLEN_NOTES_INTERVAL_SECONDS: '2', POLLEN_WIKI_CACHE_STALENESS_SECONDS: '2' });
  const proc = await startProcess(name, nodeArgs.map((a) => (a.startsWith('dist/') ? path.join(ROOT, a) : a)), env, 'Pollen gateway ready');
  return { ...proc, url: `http://127.0.0.1:${port}` };
}

/** `npm run notes -- watch DIR` (package.json: node dist/bots/notes.js) on an empty folder: it publishes the shared queue. */
async function startWorker(name: string): Promise<Proc> {
  const dir = path.join(work, `${name}-notes`);
  mkdirSync(dir, { recursive: true });
  return startProcess(name, [path.join(ROOT, 'dist/bots/notes.js'), 'watch', dir, '--interval', '300'], pollenEnv({}), 'Surveillance de');
}

async function stop(proc: Proc): Promise<void> {
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGTERM');
  await proc.exited;
}

interface GraphQLAnswer {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

async function graphql(gateway: Gateway, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphQLAnswer> {
  const res = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphQLAnswer;
}

/** Polls `probe` until it returns a value (not undefined); fails with `what` after `ms`. */
async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Titles of the notes a process says it published: gateways' JSON log lines, workers' plain lines. */
function publishedBy(proc: Proc): string[] {
  const titles: string[] = [];
  for (const line of proc.output().split('\n')) {
    let text = line;
    if (line.startsWith('{')) {
      let entry: { component?: string; msg?: string };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue; // the last line, still being written
      }
      if (entry.component !== 'notes') continue;
      text = entry.msg ?? '';
    }
    if (text.startsWith(`${PUBLISHED} `)) titles.push(text.slice(PUBLISHED.length).trim());
  }
  return titles;
}

let gatewayA: Gateway;
let gatewayB: Gateway;
let workers: Proc[] = [];

beforeAll(async () => {
  if (!postgresAdminUrl()) return;
  wiki = await startWiki();
  client = await wiki.botClient();
  databaseUrl = await createTestDatabase();
  work = mkdtempSync(path.join(tmpdir(), 'pollen-replicas-'));
  // Both gateways start together on the empty database: one creates the tables, under the lock.
  [gatewayA, gatewayB] = await Promise.all([startGateway('gateway-A'), startGateway('gateway-B')]);
  workers = await Promise.all([startWorker('worker-1'), startWorker('worker-2')]);
  const store = await openPollenStore({ kind: 'postgres', url: databaseUrl });
  try {
    await addLearner(store, { username: 'alice', displayName: 'Alice Martin', password: 'alice-secret-1' });
    await addLearner(store, { username: 'bruno', displayName: 'Bruno Petit', password: 'bruno-secret-1' });
  } finally {
    await store.close();
  }
}, 300_000);

afterAll(async () => {
  for (const child of running) {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  await wiki?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const LOGIN = `mutation($username: String!, $password: String!) { login(username: $username, password: $password) { token me { role displayName } } }`;
const ME = '{ me { role displayName } }';

describe('two gateway replicas and two notes workers on one PostgreSQL', () => {
  it('accepts on gateway B a session opened on gateway A; logging out on B ends it on A', async () => {
    if (!postgresAdminUrl()) throw new Error('PostgreSQL 15 is not installed: this spec did not run');
    const login = await graphql(gatewayA, LOGIN, { username: 'alice', password: 'alice-secret-1' });
    expect(login.errors).toBeUndefined();
    const token = (login.data?.login as { token: string }).token;
    expect(await graphql(gatewayB, ME, {}, token)).toEqual({ data: { me: { role: 'LEARNER', displayName: 'Alice Martin' } } });

    expect(await graphql(gatewayB, 'mutation { logout }', {}, token)).toEqual({ data: { logout: true } });
    const after = await graphql(gatewayA, ME, {}, token);
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await graphql(gatewayB, ME, {}, token)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses on gateway B, with the same code, an account whose login limit was reached through gateway A', async () => {
    if (!postgresAdminUrl()) throw new Error('PostgreSQL 15 is not installed: this spec did not run');
    const codes: string[] = [];
    let refusal: GraphQLAnswer | undefined;
    for (let attempt = 0; attempt < 10 && !refusal; attempt++) {
      const answer = await graphql(gatewayA, LOGIN, { username: 'bruno', password: `mauvais-${attempt}` });
      const code = answer.errors?.[0]?.extensions?.code ?? 'none';
      codes.push(code);
      if (code === 'LOGIN_RATE_LIMITED') refusal = answer;
    }
    // POLLEN_LOGIN_MAX_FAILURES wrong passwords, then refused.
    expect(codes).toEqual([...Array<string>(MAX_FAILURES).fill('LOGIN_FAILED'), 'LOGIN_RATE_LIMITED']);
    const onB = await graphql(gatewayB, LOGIN, { username: 'bruno', password: 'bruno-secret-1' });
    expect(onB.data).toBeNull();
    expect(onB.errors?.[0]?.extensions?.code).toBe('LOGIN_RATE_LIMITED');
    expect(onB.errors?.[0]?.message).toMatch(/^Trop de tentatives de connexion échouées\. Réessayez dans \d+ minutes?\.$/);
  });

  it(`publishes ${NOTES} notes sent alternately to both gateways once each: one revision per page, one publisher per note`, async () => {
    if (!postgresAdminUrl()) throw new Error('PostgreSQL 15 is not installed: this spec did not run');
    const SUBMIT = 'mutation($source: String!, $fileName: String) { submitNote(source: $source, fileName: $fileName) { state id pageTitle reason code } }';
    const titles: string[] = [];
    const states = new Map<string, number>();
    for (let start = 0; start < NOTES; start += BATCH) {
      const answers = await Promise.all(Array.from({ length: Math.min(BATCH, NOTES - start) }, async (_, k) => {
        const i = start + k;
        const n = String(i + 1).padStart(3, '0');
        const source = `---\ntitle: Atelier réplique ${n}\ndate: 2025-10-01\nanimateurs: [Camille]\n---\nCompte-rendu n° ${n}, envoyé à la passerelle ${i % 2 === 0 ? 'A' : 'B'}.\n`;
        return graphql(i % 2 === 0 ? gatewayA : gatewayB, SUBMIT, { source, fileName: `replique-${n}.md` }, FACILITATOR_TOKEN);
      }));
      for (const answer of answers) {
        expect(answer.errors).toBeUndefined();
        const submission = answer.data?.submitNote as { state: string; pageTitle: string; code: string | null };
        // Published by the gateway that received it, or queued/publishing while another process has it: never refused.
        expect(submission.code).toBeNull();
        expect(['PUBLISHED', 'QUEUED', 'PUBLISHING']).toContain(submission.state);
        titles.push(submission.pageTitle);
        states.set(submission.state, (states.get(submission.state) ?? 0) + 1);
      }
    }
    expect(new Set(titles).size).toBe(NOTES);

    // The queue empties: whatever a gateway did not publish during the request, a worker or a
    // gateway's background run did.
    const counts = await waitFor('every note published', 240_000, async () => {
      const answer = await graphql(gatewayB, '{ notesQueue { total counts { queued publishing published failed conflict } } }', {}, FACILITATOR_TOKEN);
      const queue = answer.data?.notesQueue as { total: number; counts: Record<string, number> } | undefined;
      return queue && queue.counts.queued === 0 && queue.counts.publishing === 0 ? queue : undefined;
    });
    expect(counts).toEqual({ total: NOTES, counts: { queued: 0, publishing: 0, published: NOTES, failed: 0, conflict: 0 } });

    // The wiki: every page there, with exactly one revision, the bot's.
    const onWiki = (await client.allPageTitles()).filter((t) => t.startsWith('Comptes-rendus/'));
    expect(onWiki.sort()).toEqual([...titles].sort());
    for (const title of titles) expect((await revisionsOf(client, title)).map((r) => r.user), title).toEqual([wiki.botUser.split('@')[0]]);

    // Each note published by exactly one process, by its own account. A process writes its line
    // once the queue has the outcome: wait until every note's line has come through the pipes.
    const processes = [gatewayA, gatewayB, ...workers];
    await waitFor('every process reported what it published', 60_000, async () => {
      const reported = new Set(processes.flatMap(publishedBy));
      return titles.every((t) => reported.has(t)) ? true : undefined;
    });
    const publisherOf = new Map<string, string[]>();
    for (const proc of processes) for (const title of publishedBy(proc)) publisherOf.set(title, [...(publisherOf.get(title) ?? []), proc.name]);
    expect([...publisherOf.keys()].sort()).toEqual([...titles].sort());
    expect([...publisherOf.entries()].filter(([, by]) => by.length !== 1)).toEqual([]);
    // A gateway answers PUBLISHED after its own run or another process's: the count tells nothing
    // of who published. The processes' own lines do; each gateway publishes what it receives
    // unless another process claimed the note first, so the work is never one process's alone.
    const share = Object.fromEntries(processes.map((p) => [p.name, publishedBy(p).length]));
    expect(Object.values(share).reduce((a, b) => a + b, 0)).toBe(NOTES);
    expect(Object.values(share).filter((n) => n > 0).length, JSON.stringify({ share, states: Object.fromEntries(states) })).toBeGreaterThan(1);
  }, 600_000);

  it('shows on gateway B, once its read cache catches up, a note page published through gateway A that B had read as missing', async () => {
    if (!postgresAdminUrl()) throw new Error('PostgreSQL 15 is not installed: this spec did not run');
    const title = 'Comptes-rendus/2025-10-02 Atelier lu par l’autre passerelle';
    const PAGE = 'query($title: String!) { wikiPage(title: $title) { exists lastRevision { user } } }';
    expect(await graphql(gatewayB, PAGE, { title })).toEqual({ data: { wikiPage: { exists: false, lastRevision: null } } });
    const source = '---\ntitle: Atelier lu par l’autre passerelle\ndate: 2025-10-02\nanimateurs: [Camille]\n---\nPublié par A, lu par B.\n';
    const sent = await graphql(gatewayA, 'mutation($source: String!) { submitNote(source: $source) { pageTitle code } }', { source }, FACILITATOR_TOKEN);
    expect(sent.data?.submitNote).toEqual({ pageTitle: title, code: null });
    const page = await waitFor('gateway B shows the new page', 60_000, async () => {
      const answer = await graphql(gatewayB, PAGE, { title });
      return (answer.data?.wikiPage as { exists: boolean } | null)?.exists ? answer.data?.wikiPage : undefined;
    });
    expect(page).toEqual({ exists: true, lastRevision: { user: wiki.botUser.split('@')[0] } });
  }, 120_000);

  it('keeps serving, sessions included, while one gateway restarts', async () => {
    if (!postgresAdminUrl()) throw new Error('PostgreSQL 15 is not installed: this spec did not run');
    const login = await graphql(gatewayA, LOGIN, { username: 'alice', password: 'alice-secret-1' });
    const token = (login.data?.login as { token: string }).token;
    await stop(gatewayA);
    expect(await graphql(gatewayB, ME, {}, token)).toEqual({ data: { me: { role: 'LEARNER', displayName: 'Alice Martin' } } });
    gatewayA = await startGateway('gateway-A-restarted');
    expect(await graphql(gatewayA, ME, {}, token)).toEqual({ data: { me: { role: 'LEARNER', displayName: 'Alice Martin' } } });
  }, 180_000);
});
