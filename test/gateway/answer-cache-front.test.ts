/**
 * The answer cache's front (src/graphql/answer-cache/front.ts): an anonymous request whose answer
 * is cached is answered before Express's router and body parser, with the same bytes and headers
 * as the GraphQL route, after the rate limit (one token per request, wherever it is answered);
 * what the front reads and cannot parse is refused as express.json refuses it; a client that goes
 * away mid-body costs nothing. Against a real MediaWiki, the gateway built as `npm start` builds it.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRuntime, type Runtime } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/server.js';
import { sendRaw, type RawAnswer } from '../support/net.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';

const CURRICULUM = '{ curriculum { moduleCount modules { slug title } } }';

let wiki: LocalWiki;
let runtime: Runtime;
const servers: Array<{ server: Server; gateway: Gateway }> = [];

/** One request on its own connection, from `from` (a loopback address), body sent as given. */
function send(url: string, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer; from?: string }): Promise<RawAnswer> {
  return sendRaw(`${url}${options.path ?? '/graphql'}`, { method: options.method ?? 'POST', headers: options.headers ?? {}, body: options.body, from: options.from ?? '127.0.0.1' });
}

const json = { 'content-type': 'application/json' };
const postBody = (query: string, variables?: Record<string, unknown>) => JSON.stringify({ query, variables });

async function serve(options: GatewayOptions = {}): Promise<{ url: string; gateway: Gateway }> {
  const gateway = await createGateway(runtime.deps, { answerCache: { maxEntries: 100, maxBytes: 2 ** 20 }, ...options });
  const server: Server = await new Promise((resolve) => {
    const s = gateway.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push({ server, gateway });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, gateway };
}

beforeAll(async () => {
  wiki = await startWiki();
  const config = loadConfig({ WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword, POLLEN_STORE_PATH: ':memory:' });
  runtime = await buildRuntime(config, pino({ level: 'silent' }));
});

afterAll(async () => {
  for (const { server, gateway } of servers) {
    await new Promise((resolve) => server.close(resolve));
    await gateway.apollo.stop();
  }
  runtime?.close();
  await wiki?.stop();
});

/** The headers two answers of the same content must share (not Date, not Age, which follow the clock). */
function lasting(headers: IncomingHttpHeaders): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'date' && name !== 'age' && name !== 'connection' && name !== 'keep-alive'));
}

describe('answers before the router', () => {
  it('answers a cached POST before the router with the bytes and headers the GraphQL route sends for the same answer', async () => {
    const { url, gateway } = await serve();
    const stats = gateway.answers!.stats;
    const body = postBody(CURRICULUM);
    const executed = await send(url, { headers: json, body });
    expect(executed.status).toBe(200);
    expect(stats.misses).toBe(1);
    const front = await send(url, { headers: json, body });
    expect(stats.beforeRouter).toBe(1);
    // A gzip body is Express's to read: the same answer, from the GraphQL route.
    const routed = await send(url, { headers: { ...json, 'content-encoding': 'gzip' }, body: gzipSync(body) });
    expect(stats.beforeRouter).toBe(1);
    expect(stats.hits).toBe(2);
    expect(front.body).toBe(executed.body);
    expect(routed.body).toBe(executed.body);
    expect(lasting(front.headers)).toEqual(lasting(routed.headers));
    expect(front.headers['cache-control']).toBe('public, max-age=3600');
    expect(front.headers['content-type']).toBe('application/json; charset=utf-8');
    // A conditional request is answered 304 there too.
    const conditional = await send(url, { headers: { ...json, 'if-none-match': front.headers.etag as string }, body });
    expect(conditional.status).toBe(304);
    expect(conditional.body).toBe('');
    expect(stats.beforeRouter).toBe(2);
  });

  it('answers a GET with only the persisted hash before the router, and leaves one without the preflight header to Apollo’s CSRF refusal', async () => {
    const { url, gateway } = await serve();
    const stats = gateway.answers!.stats;
    const hash = createHash('sha256').update(CURRICULUM).digest('hex');
    const extensions = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }));
    // Registered by a POST carrying the text and its hash, as Apollo clients do.
    const registered = await send(url, { headers: json, body: JSON.stringify({ query: CURRICULUM, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }) });
    expect(registered.status).toBe(200);
    const hit = await send(url, { method: 'GET', path: `/graphql?extensions=${extensions}`, headers: { 'apollo-require-preflight': 'true' } });
    expect(hit.status).toBe(200);
    expect(hit.body).toBe(registered.body);
    expect(stats.beforeRouter).toBe(1);
    const simple = await send(url, { method: 'GET', path: `/graphql?extensions=${extensions}` });
    expect(simple.status).toBe(400);
    // A browser asking for HTML without a query text gets the explorer, as without the cache.
    const browser = await send(url, { method: 'GET', path: `/graphql?extensions=${extensions}`, headers: { 'apollo-require-preflight': 'true', accept: 'text/html,application/xhtml+xml' } });
    expect(browser.headers['content-type']).toMatch(/^text\/html/);
    expect(stats.beforeRouter).toBe(1);
  });

  it('never answers a request with a cookie or a token there: those go to the GraphQL route', async () => {
    const { url, gateway } = await serve();
    const stats = gateway.answers!.stats;
    const body = postBody(CURRICULUM);
    await send(url, { headers: json, body });
    await send(url, { headers: json, body });
    expect(stats.beforeRouter).toBe(1);
    const withCookie = await send(url, { headers: { ...json, cookie: 'pollen_session=inconnu' }, body });
    const withToken = await send(url, { headers: { ...json, authorization: 'Bearer inconnu-0123456789abcdef0123456789' }, body });
    expect(stats.beforeRouter).toBe(1);
    for (const answer of [withCookie, withToken]) expect(answer.headers['cache-control']).toBeUndefined();
  });

  it('answers twenty identical requests sent at once, each with the same bytes', async () => {
    const { url } = await serve();
    const body = postBody('query($s: String!) { module(slug: $s) { title } }', { s: 'logiciel-libre' });
    const answers = await Promise.all(Array.from({ length: 20 }, () => send(url, { headers: json, body })));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(JSON.parse(answers[0]!.body).data.module.title).toBeTruthy();
  });
});

describe('the rate limit', () => {
  const budget = (burst: number): GatewayOptions['rateLimit'] => ({ anonymous: { perSecond: 0.001, burst }, facilitator: { perSecond: 0.001, burst: 10 }, refusalDelayMs: 0 });

  it('takes one token per request wherever it is answered: executed, then from the cache, then 429', async () => {
    const { url, gateway } = await serve({ rateLimit: budget(3) });
    const body = postBody(CURRICULUM);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await send(url, { headers: json, body })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(gateway.answers!.stats.beforeRouter).toBe(2);
    const refused = await send(url, { headers: json, body });
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body).errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Another address has its own budget.
    expect((await send(url, { headers: json, body, from: '127.0.0.2' })).status).toBe(200);
  });

  it('counts the forwarded address behind a trusted proxy, as Express’s req.ip does', async () => {
    const { url } = await serve({ rateLimit: budget(2), trustProxy: 'loopback' });
    const body = postBody(CURRICULUM);
    const from = (address: string) => send(url, { headers: { ...json, 'x-forwarded-for': address }, body });
    expect([(await from('203.0.113.7')).status, (await from('203.0.113.7')).status, (await from('203.0.113.7')).status]).toEqual([200, 200, 429]);
    expect((await from('198.51.100.4')).status).toBe(200);
  });
});

describe('bodies the front reads', () => {
  it('refuses what is not a JSON object as express.json does, and reads a body with a byte order mark', async () => {
    const { url, gateway } = await serve();
    for (const body of ['"texte"', '{"query": ', '   ', 'null']) {
      const refused = await send(url, { headers: json, body });
      expect(refused.status, body).toBe(400);
      expect(JSON.parse(refused.body).errors[0].extensions.code).toBe('BAD_REQUEST');
    }
    const body = postBody(CURRICULUM);
    await send(url, { headers: json, body });
    const withBom = await send(url, { headers: { 'content-type': 'application/json; charset=UTF-8' }, body: `\ufeff${body}` });
    expect(withBom.status).toBe(200);
    expect(gateway.answers!.stats.beforeRouter).toBe(1);
  });

  it('answers variables nested 200,000 deep with a GraphQL error and keeps serving (the cache key is not built past 32 levels)', async () => {
    const { url } = await serve();
    const depth = 200_000;
    const body = `{"query":"query($a: [Int]) { curriculum { moduleCount } }","variables":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    const deep = await send(url, { headers: json, body });
    expect(deep.status).toBe(400);
    expect(JSON.parse(deep.body).errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const after = await send(url, { headers: json, body: postBody(CURRICULUM) });
    expect(after.status).toBe(200);
  });

  it('keeps serving after clients that send half a body and go away', async () => {
    const { url } = await serve();
    const { port } = new URL(url);
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"query": "{ curr');
          setTimeout(() => socket.destroy(), 20);
        });
        socket.on('close', () => resolve());
        socket.on('error', () => undefined);
      });
    }
    const answer = await send(url, { headers: json, body: postBody(CURRICULUM) });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).data.curriculum.moduleCount).toBeGreaterThan(10);
  });
});
