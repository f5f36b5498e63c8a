/**
 * What the gateway keeps between requests stays bounded however many distinct keys clients send:
 * Apollo's parsed documents (one per query text) and automatic persisted queries (one per hash)
 * stop at their caps, least recently used first, instead of growing with every new text.
 */
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayDeps } from '../../src/graphql/context.js';
import { DOCUMENT_CACHE_LIMITS, PERSISTED_QUERY_LIMITS } from '../../src/graphql/document-cache.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/server.js';
import { upstreamFreeDeps } from './http.js';

let deps: GatewayDeps;
const running: Array<{ server: Server; gateway: Gateway }> = [];

beforeAll(async () => {
  // No wiki answers there: these queries read the curriculum only.
  deps = await upstreamFreeDeps();
});

afterAll(async () => {
  for (const { server, gateway } of running) {
    await new Promise((resolve) => server.close(resolve));
    await gateway.apollo.stop();
  }
});

async function start(options: GatewayOptions = {}): Promise<{ gateway: Gateway; base: string; post: (body: unknown) => Promise<{ status: number; body: any }> }> {
  const gateway = await createGateway(deps, options);
  const server: Server = await new Promise((resolve) => {
    const s = gateway.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  running.push({ server, gateway });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    gateway,
    base,
    async post(body) {
      const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    },
  };
}

/** A distinct query text per `i` (an alias), all answering the module count. */
function distinctQuery(i: number): string {
  return `{ q${i}: curriculum { moduleCount } }`;
}

/** Sends `count` requests, `parallel` at a time. */
async function sendAll(count: number, parallel: number, send: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < count) await send(next++);
  }));
}

describe('parsed documents', () => {
  it('keeps at most the default number of documents, however many distinct query texts come', async () => {
    const { gateway, base, post } = await start();
    const sent = DOCUMENT_CACHE_LIMITS.maxEntries + 200;
    await sendAll(sent, 8, async (i) => {
      const { status, body } = await post({ query: distinctQuery(i) });
      expect(status).toBe(200);
      expect(body.data[`q${i}`].moduleCount).toBe(deps.curriculum.length);
    });
    const { stats } = gateway.documents;
    expect(stats.misses).toBeGreaterThanOrEqual(sent);
    expect(stats.entries).toBe(DOCUMENT_CACHE_LIMITS.maxEntries);
    expect(stats.evictions).toBe(sent - DOCUMENT_CACHE_LIMITS.maxEntries);
    expect(stats.bytes).toBeLessThanOrEqual(DOCUMENT_CACHE_LIMITS.maxBytes);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`^pollen_graphql_document_cache_entries ${DOCUMENT_CACHE_LIMITS.maxEntries}$`, 'm'));
    expect(metrics).toMatch(new RegExp(`^pollen_graphql_document_cache_evictions_total ${sent - DOCUMENT_CACHE_LIMITS.maxEntries}$`, 'm'));
    expect(metrics).toMatch(new RegExp(`^pollen_graphql_document_cache_bytes ${stats.bytes}$`, 'm'));
  }, 120_000);

  it('stays within its byte bound, dropping the least recently used documents first', async () => {
    const maxBytes = 60_000;
    const { gateway, post } = await start({ documentCache: { maxEntries: 1000, maxBytes } });
    for (let i = 0; i < 60; i++) {
      expect((await post({ query: distinctQuery(i) })).status).toBe(200);
      expect(gateway.documents.stats.bytes).toBeLessThanOrEqual(maxBytes);
    }
    const { entries, evictions } = gateway.documents.stats;
    expect(evictions).toBeGreaterThan(0);
    expect(entries).toBeGreaterThan(0);
    expect(entries + evictions).toBe(60);
    // The last text sent is still there (no new miss); the first one was dropped (a miss, parsed again).
    let { hits, misses } = gateway.documents.stats;
    expect((await post({ query: distinctQuery(59) })).body.data.q59.moduleCount).toBe(deps.curriculum.length);
    expect(gateway.documents.stats).toMatchObject({ hits: hits + 1, misses });
    ({ hits, misses } = gateway.documents.stats);
    expect((await post({ query: distinctQuery(0) })).body.data.q0.moduleCount).toBe(deps.curriculum.length);
    expect(gateway.documents.stats).toMatchObject({ hits, misses: misses + 1 });
  });
});

describe('automatic persisted queries', () => {
  it('keeps at most the default number of registered query texts, however many distinct hashes come', async () => {
    const { gateway, base, post } = await start();
    const sent = PERSISTED_QUERY_LIMITS.maxEntries + 200;
    await sendAll(sent, 8, async (i) => {
      const query = distinctQuery(i);
      const sha256Hash = createHash('sha256').update(query).digest('hex');
      const { status, body } = await post({ query, extensions: { persistedQuery: { version: 1, sha256Hash } } });
      expect(status).toBe(200);
      expect(body.data[`q${i}`].moduleCount).toBe(deps.curriculum.length);
    });
    expect(gateway.persistedQueries.stats.entries).toBe(PERSISTED_QUERY_LIMITS.maxEntries);
    expect(gateway.persistedQueries.stats.evictions).toBe(sent - PERSISTED_QUERY_LIMITS.maxEntries);
    expect(gateway.persistedQueries.stats.bytes).toBeLessThanOrEqual(PERSISTED_QUERY_LIMITS.maxBytes);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`^pollen_graphql_persisted_query_cache_entries ${PERSISTED_QUERY_LIMITS.maxEntries}$`, 'm'));
    expect(metrics).toMatch(new RegExp(`^pollen_graphql_persisted_query_cache_bytes ${gateway.persistedQueries.stats.bytes}$`, 'm'));
    expect(metrics).toMatch(new RegExp(`^pollen_graphql_persisted_query_cache_evictions_total ${sent - PERSISTED_QUERY_LIMITS.maxEntries}$`, 'm'));
    // A registered hash alone is served from the cache; an evicted one is asked for again.
    const recent = distinctQuery(sent - 1);
    const byHash = (query: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } } });
    expect((await post(byHash(recent))).body.data[`q${sent - 1}`].moduleCount).toBe(deps.curriculum.length);
    expect((await post(byHash(distinctQuery(0)))).body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  }, 120_000);
});
