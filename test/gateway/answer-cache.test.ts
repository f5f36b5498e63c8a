/**
 * The answer cache (src/graphql/answer-cache): whole answers to anonymous queries kept by
 * document hash, operation name and variables, served with Cache-Control and an ETag; never
 * shared with signed-in requests; dropped exactly when a wiki title they read shows in the
 * change feed. Against a real MediaWiki, the gateway built as `npm start` builds it.
 */
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRuntime, type Runtime } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { createGateway, type Gateway } from '../../src/server.js';
import { readChangeVersions } from '../../src/store/changes.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';

const TOKEN = 'answer-cache-facilitator-token-0123456789abcdef';
const PAGE = 'query Page($t: String!) { wikiPage(title: $t) { title summary lastRevision { id } } }';
const CURRICULUM = '{ curriculum { moduleCount modules { slug title } } }';

let wiki: LocalWiki;
let runtime: Runtime;
let gateway: Gateway;
let server: Server;
let url: string;

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, any> | undefined;
}

async function answerOf(res: Response): Promise<Answer> {
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

async function post(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}, operationName?: string): Promise<Answer> {
  return answerOf(await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables, operationName }),
  }));
}

async function get(params: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const search = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  return answerOf(await fetch(`${url}/graphql?${search}`, { headers: { 'apollo-require-preflight': 'true', ...headers } }));
}

const signedIn = { authorization: `Bearer ${TOKEN}` };
const stats = () => ({ ...gateway.answers!.stats });
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

beforeAll(async () => {
  wiki = await startWiki();
  await wiki.createPages([
    { title: 'Fiche Nextcloud', text: 'Nextcloud partage des fichiers.' },
    { title: 'Fiche Framadate', text: 'Framadate organise des rendez-vous.' },
  ]);
  const config = loadConfig({
    WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword, POLLEN_STORE_PATH: ':memory:',
    POLLEN_FACILITATOR_TOKENS: TOKEN,
    // The spec reads the change feed itself (poll()), when it has edited the wiki.
    POLLEN_WIKI_CACHE_STALENESS_SECONDS: '600',
  });
  runtime = await buildRuntime(config, pino({ level: 'silent' }));
  await runtime.wikiCache.poll();
  gateway = await createGateway(runtime.deps, {
    metrics: runtime.metrics,
    answerCache: { ...config.answerCache, storeChanges: () => readChangeVersions(runtime.database), storeCheckMs: 0 },
  });
  server = await new Promise((resolve) => {
    const s = gateway.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await gateway?.apollo.stop();
  runtime?.close();
  await wiki?.stop();
});

describe('anonymous answers', () => {
  it('answers a repeated anonymous query from the cache, same bytes, with Cache-Control public and max-age from the hints and one ETag', async () => {
    const before = stats();
    const first = await post(CURRICULUM);
    expect(first.status).toBe(200);
    expect(first.json!.data.curriculum.moduleCount).toBeGreaterThan(10);
    expect(first.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(first.headers.get('vary')).toBe('Authorization, Cookie');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const second = await post(CURRICULUM);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('etag')).toBe(etag);
    expect(second.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(stats().misses - before.misses).toBe(1);
    expect(stats().hits - before.hits).toBe(1);
  });

  it('answers 304 without a body to a conditional request naming the ETag', async () => {
    const { headers } = await post(CURRICULUM);
    const etag = headers.get('etag')!;
    const before = stats();
    const conditional = await post(CURRICULUM, undefined, { 'if-none-match': etag });
    expect(conditional.status).toBe(304);
    expect(conditional.text).toBe('');
    expect(conditional.headers.get('etag')).toBe(etag);
    expect(stats().notModified - before.notModified).toBe(1);
    // Another ETag: the whole answer.
    const changed = await post(CURRICULUM, undefined, { 'if-none-match': '"autre"' });
    expect(changed.status).toBe(200);
    expect(changed.json!.data.curriculum.moduleCount).toBeGreaterThan(10);
  });

  it('keeps nothing of an answer with errors, of a mutation, or of a query with a field that has no hint', async () => {
    const before = stats();
    for (let i = 0; i < 2; i++) {
      const invalid = await post('{ wikiPage(title: "") { title } }');
      expect(invalid.json!.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(invalid.headers.get('cache-control')).toBeNull();
      const mutation = await post('mutation { logout }');
      expect(mutation.json!.data.logout).toBe(false);
      expect(mutation.headers.get('cache-control')).toBeNull();
      // `health` has no hint: its latencies change with every call.
      const health = await post('{ curriculum { moduleCount } health { ok } }');
      expect(health.headers.get('cache-control')).toBeNull();
    }
    expect(stats().hits - before.hits).toBe(0);
    expect(stats().entries).toBe(before.entries);
  });
});

describe('anonymous and signed-in requests', () => {
  it('never gives a signed-in request the anonymous answer, nor an anonymous request a signed-in one', async () => {
    const create = 'mutation ($input: SessionInput!) { createSession(input: $input) { session { id } } }';
    const base = { startsAt: '2027-03-12T14:00', endsAt: '2027-03-12T16:00', capacity: 12, onlineUrl: 'https://visio.example.org/a' };
    expect((await post(create, { input: { ...base, title: 'Atelier public' } }, signedIn)).json!.errors).toBeUndefined();
    expect((await post(create, { input: { ...base, title: 'Réunion interne', public: false } }, signedIn)).json!.errors).toBeUndefined();
    const SESSIONS = '{ sessions { totalCount nodes { title } } }';

    // The anonymous answer is cached (the first one may go at once: the change marker moved with
    // the sessions just created, after the cache last read it)...
    const anonymous = await post(SESSIONS);
    expect(anonymous.json!.data.sessions.nodes.map((n: { title: string }) => n.title)).toEqual(['Atelier public']);
    expect(anonymous.headers.get('cache-control')).toBe('public, max-age=60');
    expect((await post(SESSIONS)).text).toBe(anonymous.text);
    const before = stats();
    expect((await post(SESSIONS)).text).toBe(anonymous.text);
    expect(stats().hits - before.hits).toBe(1);
    // ...and a facilitator asking the same document gets their own, executed, with no public header.
    const staff = await post(SESSIONS, undefined, signedIn);
    expect(staff.json!.data.sessions.totalCount).toBe(2);
    expect(staff.headers.get('cache-control')).toBeNull();
    expect(stats().hits - before.hits).toBe(1);
    // A signed-in answer first: never stored, so the next anonymous request gets its own.
    const STAFF_FIRST = 'query Staff { sessions { nodes { title public } } }';
    expect((await post(STAFF_FIRST, undefined, signedIn)).json!.data.sessions.nodes).toHaveLength(2);
    expect((await post(STAFF_FIRST, undefined, signedIn)).json!.data.sessions.nodes).toHaveLength(2);
    expect(stats().hits - before.hits).toBe(1);
    expect((await post(STAFF_FIRST)).json!.data.sessions.nodes).toEqual([{ title: 'Atelier public', public: true }]);
    // A request with a cookie (any) is not anonymous either: executed, not served from the cache.
    const withCookie = await post(SESSIONS, undefined, { cookie: 'pollen_session=expiree' });
    expect(withCookie.json!.data.sessions.totalCount).toBe(1);
    expect(withCookie.headers.get('cache-control')).toBeNull();
    expect(stats().hits - before.hits).toBe(1);
  });
});

describe('wiki changes', () => {
  it('drops exactly the answers that read a title the change feed names, and no other', async () => {
    for (let i = 0; i < 2; i++) {
      await post(PAGE, { t: 'Fiche Nextcloud' });
      await post(PAGE, { t: 'Fiche Framadate' });
      await post(CURRICULUM);
    }
    const first = await post(PAGE, { t: 'Fiche Nextcloud' });
    expect(first.json!.data.wikiPage.summary).toBe('Nextcloud partage des fichiers.');
    // Wiki answers live no longer than the read cache's staleness, and the hints' 60 s at most.
    expect(first.headers.get('cache-control')).toBe('public, max-age=60');
    const before = stats();
    const { revid } = await wiki.humanEdit('Fiche Nextcloud', 'Nextcloud partage des fichiers et des agendas.');
    // The change feed (MediaWiki writes it in a deferred update) is read until it names the page.
    for (let attempt = 0; attempt < 50 && stats().invalidations === before.invalidations; attempt++) {
      await runtime.wikiCache.poll();
      if (stats().invalidations === before.invalidations) await new Promise((r) => setTimeout(r, 200));
    }
    expect(stats().invalidations - before.invalidations).toBe(1);
    const after = stats();
    const edited = await post(PAGE, { t: 'Fiche Nextcloud' });
    expect(edited.json!.data.wikiPage).toMatchObject({ summary: 'Nextcloud partage des fichiers et des agendas.', lastRevision: { id: revid } });
    expect(edited.headers.get('etag')).not.toBe(first.headers.get('etag'));
    expect(stats().misses - after.misses).toBe(1);
    // The other page and the curriculum are still answered from the cache.
    expect((await post(PAGE, { t: 'Fiche Framadate' })).json!.data.wikiPage.summary).toBe('Framadate organise des rendez-vous.');
    await post(CURRICULUM);
    expect(stats().hits - after.hits).toBe(2);
    expect(stats().misses - after.misses).toBe(1);
  });
});

describe('GET requests and persisted queries', () => {
  it('answers a GET naming only the persisted hash from the answer a POST stored, with the same ETag, and 304 when it matches', async () => {
    const query = 'query Module($s: String!) { module(slug: $s) { title order } }';
    const posted = await post(query, { s: 'logiciel-libre' }, {}, 'Module');
    expect(posted.json!.data.module.order).toBeGreaterThan(0);
    // The POST registered the text under its hash (automatic persisted queries) the way a client does.
    await get({ query, operationName: 'Module', variables: { s: 'logiciel-libre' }, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } });
    const before = stats();
    const byHash = { operationName: 'Module', variables: { s: 'logiciel-libre' }, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } };
    const viaGet = await get(byHash);
    expect(viaGet.status).toBe(200);
    expect(viaGet.text).toBe(posted.text);
    expect(viaGet.headers.get('etag')).toBe(posted.headers.get('etag'));
    expect(viaGet.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(stats().hits - before.hits).toBe(1);
    const conditional = await get(byHash, { 'if-none-match': posted.headers.get('etag')! });
    expect(conditional.status).toBe(304);
    expect(conditional.text).toBe('');
    // Other variables are another answer.
    const other = await get({ ...byHash, variables: { s: 'donnees-ouvertes' } });
    expect(other.json!.data.module?.title ?? null).not.toBe(posted.json!.data.module.title);
    expect(stats().hits - before.hits).toBe(2);
  });

  it('stores the answer of a GET and serves it to the same query sent as a POST', async () => {
    const query = 'query Minutes { curriculum { totalMinutes } }';
    const before = stats();
    const viaGet = await get({ query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } });
    expect(viaGet.json!.data.curriculum.totalMinutes).toBeGreaterThan(0);
    const viaPost = await post(query);
    expect(viaPost.text).toBe(viaGet.text);
    expect(stats().misses - before.misses).toBe(1);
    expect(stats().hits - before.hits).toBe(1);
  });
});

describe('bounds and metrics', () => {
  it('counts hits, misses, evictions and bytes on /metrics', async () => {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const value = (name: string) => Number(/^(\S+) (\S+)$/m.exec(metrics.split('\n').find((l) => l.startsWith(`${name} `)) ?? '')?.[2]);
    expect(value('pollen_answer_cache_hits_total')).toBe(gateway.answers!.stats.hits);
    expect(value('pollen_answer_cache_misses_total')).toBe(gateway.answers!.stats.misses);
    expect(value('pollen_answer_cache_entries')).toBe(gateway.answers!.stats.entries);
    expect(value('pollen_answer_cache_bytes')).toBeGreaterThan(1000);
    expect(metrics).toContain('pollen_answer_cache_evictions_total 0');
  });

  it('keeps at most POLLEN_ANSWER_CACHE_MAX_ENTRIES answers, dropping the least recently used', async () => {
    const small = await createGateway(runtime.deps, { answerCache: { maxEntries: 2 } });
    const listening: Server = await new Promise((resolve) => {
      const s = small.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const ask = (slug: string) => fetch(`http://127.0.0.1:${(listening.address() as AddressInfo).port}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ curriculum { moduleCount } }', variables: { s: slug } }),
    });
    try {
      for (const slug of ['a', 'b', 'c']) await ask(slug);
      expect(small.answers!.stats).toMatchObject({ entries: 2, evictions: 1, misses: 3 });
      await ask('c');
      await ask('a');
      expect(small.answers!.stats).toMatchObject({ hits: 1, misses: 4 });
      const metrics = await (await fetch(`http://127.0.0.1:${(listening.address() as AddressInfo).port}/metrics`)).text();
      expect(metrics).toContain('pollen_answer_cache_evictions_total 2');
    } finally {
      await new Promise((resolve) => listening.close(resolve));
      await small.apollo.stop();
    }
  });
});
