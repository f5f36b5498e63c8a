/**
 * Two gateway replicas and two notes workers, as real processes, on one PostgreSQL and one wiki
 * (README, "Plus d'une machine"). The gateways run exactly what `npm start` runs
 * (package.json's start command over the dist/ the test run built), the workers exactly what
 * `npm run notes -- watch DIR` runs. Every process reports, in its own output, each note it
 * published (gateways: LOG_LEVEL=debug, component "notes"; workers: their per-note lines): that
 * is how the spec knows who published what, and that no note was published twice even where
 * the wiki would hide it (the same text saved again is no new revision).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addLearner } from '../../bots/progress-sync.js';
import { openPollenStore } from '../../src/store-schema.js';
import type { WikiClient } from '../../src/wiki/client.js';
import { revisionsOf } from '../notes-publish/support.js';
import { createTestDatabase, postgresAdminUrl } from '../support/postgres.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { killAll, logLines, pollenEnv, ROOT, startGateway, startProcess, stop, waitFor, type Gateway, type Proc } from '../support/processes.js';

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

/** What every Pollen process of the spec shares: the wiki, the store, the tokens. */
function shared(): Record<string, string> {
  return {
    WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword,
    POLLEN_DATABASE_URL: databaseUrl, POLLEN_FACILITATOR_TOKENS: FACILITATOR_TOKEN, POLLEN_LOGIN_MAX_FAILURES: String(MAX_FAILURES),
  };
}

/** A gateway replica; LOG_LEVEL=debug: it logs each note it publishes. */
function gateway(name: string): Promise<Gateway> {
  return startGateway(name, path.join(work, name), {
    ...shared(), LOG_LEVEL: 'debug', POLLEN_NOTES_INTERVAL_SECONDS: '2', POLLEN_WIKI_CACHE_STALENESS_SECONDS: '2',
  });
}

/** `npm run notes -- watch DIR` (package.json: node dist/bots/notes.js) on an empty folder: it publishes the shared queue. */
function worker(name: string): Promise<Proc> {
  const dir = path.join(work, `${name}-notes`);
  mkdirSync(dir, { recursive: true });
  return startProcess(name, path.join(work, name), [path.join(ROOT, 'dist/bots/notes.js'), 'watch', dir, '--interval', '300'], pollenEnv(shared()), 'Surveillance de');
}

interface GraphQLAnswer {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

async function graphql(to: Gateway, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphQLAnswer> {
  const res = await fetch(`${to.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphQLAnswer;
}

/** Titles of the notes a process says it published: gateways' JSON log lines, workers' plain lines. */
function publishedBy(proc: Proc): string[] {
  const lines = proc.name.startsWith('gateway')
    ? logLines(proc).filter((l) => l.component === 'notes').map((l) => l.msg ?? '')
    : proc.output().split('\n');
  return lines.filter((l) => l.startsWith(`${PUBLISHED} `)).map((l) => l.slice(PUBLISHED.length).trim());
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
  [gatewayA, gatewayB] = await Promise.all([gateway('gateway-A'), gateway('gateway-B')]);
  workers = await Promise.all([worker('worker-1'), worker('worker-2')]);
  const store = await openPollenStore({ kind: 'postgres', url: databaseUrl });
  try {
    await addLearner(store, { username: 'alice', displayName: 'Alice Martin', password: 'alice-secret-1' });
    await addLearner(store, { username: 'bruno', displayName: 'Bruno Petit', password: 'bruno-secret-1' });
  } finally {
    await store.close();
  }
}, 300_000);

afterAll(async () => {
  killAll();
  await wiki?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const LOGIN = `mutation($username: String!, $password: String!) { login(username: $username, password: $password) { token me { role displayName } } }`;
const ME = '{ me { role displayName } }';

describe('two gateway replicas and two notes workers on one PostgreSQL', () => {
  it('each process says at start its role and its store', () => {
    if (!postgresAdminUrl()) throw new Error('PostgreSQL 15 is not installed: this spec did not run');
    for (const w of workers) expect(w.output()).toMatch(/Surveillance de .* : travailleur de notes, magasin PostgreSQL /);
    for (const g of [gatewayA, gatewayB]) {
      const ready = logLines(g).find((l) => String(l.msg).startsWith('Pollen gateway ready'));
      expect(ready).toMatchObject({ role: 'gateway', store: 'postgres' });
    }
  });

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
        // Published by the gateway that received it, or queued/publishing while another process
        // has it; FAILED only if the wiki, slow under load, did not answer in time (retried later).
        // Never refused.
        expect(submission.code).toBeNull();
        expect(['PUBLISHED', 'QUEUED', 'PUBLISHING', 'FAILED']).toContain(submission.state);
        titles.push(submission.pageTitle);
        states.set(submission.state, (states.get(submission.state) ?? 0) + 1);
      }
    }
    expect(new Set(titles).size).toBe(NOTES);

    // The queue empties: whatever a gateway did not publish during the request, a worker or a
    // gateway's background run did (a note failed for a slow wiki: after its retry delay, 1 minute).
    let last: unknown;
    const counts = await waitFor('every note published', 420_000, async () => {
      const answer = await graphql(gatewayB, '{ notesQueue { total counts { queued publishing published failed conflict } } }', {}, FACILITATOR_TOKEN);
      last = answer;
      const queue = answer.data?.notesQueue as { total: number; counts: { published: number; conflict: number } } | undefined;
      return queue && queue.counts.published + queue.counts.conflict === queue.total ? queue : undefined;
    }).catch((err: Error) => {
      throw new Error(`${err.message}; the queue: ${JSON.stringify(last)}`);
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
  }, 900_000);

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
    gatewayA = await gateway('gateway-A-restarted');
    expect(await graphql(gatewayA, ME, {}, token)).toEqual({ data: { me: { role: 'LEARNER', displayName: 'Alice Martin' } } });
  }, 180_000);
});
