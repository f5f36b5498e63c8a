/**
 * Issue 20, item 6: one client cannot take the whole gateway. Each client address has a request
 * budget (a token bucket); past it, 429 with Retry-After and a French body, while other addresses
 * are still served. Signed-in facilitators have their own, larger budget. Two addresses on
 * loopback: 127.0.0.1 and 127.0.0.2 (Linux routes all of 127/8 to lo).
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRuntime, type Runtime } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { TokenBuckets, addressKey } from '../../src/rate-limit.js';
import { sendRaw, type RawAnswer } from '../support/net.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { startGateway, type RunningGateway } from './http.js';

const FACILITATOR_TOKEN = 'rate-facilitator-token-0123456789abcdef';
const QUERY = JSON.stringify({ query: '{ curriculum { moduleCount } }' });

let wiki: LocalWiki;
let runtime: Runtime;
const gateways: RunningGateway[] = [];

type Answer = RawAnswer;

/** One request on a new connection from `from` (a loopback address). */
function send(url: string, options: { from: string; path?: string; method?: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  const method = options.method ?? 'POST';
  return sendRaw(`${url}${options.path ?? '/graphql'}`, {
    method, from: options.from,
    headers: { 'content-type': 'application/json', ...options.headers },
    body: method === 'GET' ? undefined : options.body ?? QUERY,
  });
}

function graphql(url: string, from: string, headers: Record<string, string> = {}): Promise<Answer> {
  return send(url, { from, headers });
}

/** A gateway with these settings; refusals answered at once unless `held` (the default hold, up to 5 s). */
async function gatewayWith(env: Record<string, string>, options: { trustProxy?: string; held?: boolean } = {}): Promise<RunningGateway> {
  const config = loadConfig({ POLLEN_STORE_PATH: ':memory:', ...env });
  const rateLimit = options.held ? config.rateLimit : { ...config.rateLimit, refusalDelayMs: 0 };
  const gateway = await startGateway(runtime.deps, { rateLimit, trustProxy: options.trustProxy });
  gateways.push(gateway);
  return gateway;
}

beforeAll(async () => {
  wiki = await startWiki();
  const config = loadConfig({
    WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword, POLLEN_STORE_PATH: ':memory:',
    POLLEN_FACILITATOR_TOKENS: FACILITATOR_TOKEN,
  });
  runtime = await buildRuntime(config, pino({ level: 'silent' }));
});

afterAll(async () => {
  for (const gateway of gateways) await gateway.close();
  runtime?.close();
  await wiki?.stop();
});

/** Budgets small enough to exhaust in a spec: 5 requests, then one per 100 s. */
const SMALL = {
  POLLEN_RATE_LIMIT_ANONYMOUS_PER_SECOND: '0.01', POLLEN_RATE_LIMIT_ANONYMOUS_BURST: '5',
  POLLEN_RATE_LIMIT_FACILITATOR_PER_SECOND: '0.01', POLLEN_RATE_LIMIT_FACILITATOR_BURST: '30',
};

describe('per-address request budget', () => {
  it('has defaults in the configuration schema', () => {
    expect(loadConfig({}).rateLimit).toEqual({ anonymous: { perSecond: 10, burst: 100 }, facilitator: { perSecond: 50, burst: 500 } });
  });

  it('answers a flooding address 429 with Retry-After and RATE_LIMITED in French, while another address is answered 200', async () => {
    const gateway = await gatewayWith(SMALL, { held: true });
    // 40 connections at once from one address: its 5 tokens go, the rest is refused.
    const flood = await Promise.all(Array.from({ length: 40 }, () => graphql(gateway.url, '127.0.0.1')));
    const polite = await graphql(gateway.url, '127.0.0.2');
    expect(polite.status).toBe(200);
    expect(JSON.parse(polite.body).data.curriculum.moduleCount).toBeGreaterThan(0);

    const served = flood.filter((a) => a.status === 200);
    const refused = flood.filter((a) => a.status === 429);
    expect(served).toHaveLength(5);
    expect(refused).toHaveLength(35);
    for (const answer of refused) {
      expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number.isInteger(Number(answer.headers['retry-after']))).toBe(true);
      const body = JSON.parse(answer.body);
      expect(body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: Number(answer.headers['retry-after']) });
      expect(body.errors[0].message).toMatch(/^Trop de requêtes depuis votre adresse.*Réessayez dans \d+ s\.$/);
    }
    // The flooding address is still refused; the other one still served.
    expect((await graphql(gateway.url, '127.0.0.1')).status).toBe(429);
    expect((await graphql(gateway.url, '127.0.0.2')).status).toBe(200);
  });

  it('answers a browser a French page, and leaves /health, /metrics and the probes to operators', async () => {
    const gateway = await gatewayWith(SMALL);
    for (let i = 0; i < 5; i++) expect((await graphql(gateway.url, '127.0.0.3')).status).toBe(200);
    const page = await send(gateway.url, { from: '127.0.0.3', path: '/dashboard', method: 'GET', headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(page.status).toBe(429);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['retry-after']).toMatch(/^\d+$/);
    expect(page.body).toContain('<html lang="fr"');
    expect(page.body).toContain('Trop de requêtes');
    expect((await send(gateway.url, { from: '127.0.0.3', path: '/metrics', method: 'GET' })).status).toBe(200);
    expect([200, 503]).toContain((await send(gateway.url, { from: '127.0.0.3', path: '/health', method: 'GET' })).status);
    // A balancer polls the probes from its own address: they never run out.
    for (let i = 0; i < 10; i++) {
      expect((await send(gateway.url, { from: '127.0.0.3', path: '/livez', method: 'GET' })).status).toBe(200);
      expect((await send(gateway.url, { from: '127.0.0.3', path: '/readyz', method: 'GET' })).status).toBe(200);
    }
  });

  it('gives a signed-in facilitator their own larger budget, even from a flooded address', async () => {
    const gateway = await gatewayWith(SMALL);
    for (let i = 0; i < 5; i++) await graphql(gateway.url, '127.0.0.4');
    expect((await graphql(gateway.url, '127.0.0.4')).status).toBe(429);
    // A wrong token does not buy a budget: the address's applies.
    expect((await graphql(gateway.url, '127.0.0.4', { authorization: 'Bearer not-a-token' })).status).toBe(429);
    const auth = { authorization: `Bearer ${FACILITATOR_TOKEN}` };
    const answers = await Promise.all(Array.from({ length: 35 }, () => graphql(gateway.url, '127.0.0.4', auth)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(30);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(5);
  });

  it('counts the visitor’s address behind a trusted proxy (req.ip), not the proxy’s', async () => {
    const behindProxy = await gatewayWith(SMALL, { trustProxy: 'loopback' });
    const from = (client: string) => ({ 'x-forwarded-for': client });
    for (let i = 0; i < 5; i++) expect((await graphql(behindProxy.url, '127.0.0.5', from('203.0.113.7'))).status).toBe(200);
    expect((await graphql(behindProxy.url, '127.0.0.5', from('203.0.113.7'))).status).toBe(429);
    // Same proxy socket, another visitor: served.
    expect((await graphql(behindProxy.url, '127.0.0.5', from('203.0.113.8'))).status).toBe(200);
    // Without trust proxy, the header is ignored: the socket's address is the budget's.
    const direct = await gatewayWith(SMALL);
    for (let i = 0; i < 5; i++) await graphql(direct.url, '127.0.0.6', from(`198.51.100.${i}`));
    expect((await graphql(direct.url, '127.0.0.6', from('198.51.100.99'))).status).toBe(429);
  });

  it('does not limit at all without settings (createGateway for specs and embedding)', async () => {
    const gateway = await startGateway(runtime.deps);
    gateways.push(gateway);
    const answers = await Promise.all(Array.from({ length: 120 }, () => graphql(gateway.url, '127.0.0.7')));
    expect(answers.every((a) => a.status === 200)).toBe(true);
  });
});

describe('token buckets', () => {
  it('refills at the rate, up to the burst, and keeps at most maxBuckets addresses', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perSecond: 2, burst: 3 }, 100, () => now);
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 0]);
    // Refused: the refusal costs a token too, so the next one is 2 tokens (1 s) away.
    expect(buckets.take('a')).toBeCloseTo(1);
    now += 500;
    expect(buckets.take('a')).toBeCloseTo(1);
    // Refusals stop at -burst: a flood waits (burst + 1) / perSecond at most.
    for (let i = 0; i < 10; i++) buckets.take('a');
    expect(buckets.take('a')).toBeCloseTo(2);
    now += 2000;
    expect(buckets.take('a')).toBe(0);
    now += 60_000;
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a'), buckets.take('a') > 0]).toEqual([0, 0, 0, true]);
    for (let i = 0; i < 1000; i++) buckets.take(`address ${i}`);
    expect(buckets.size).toBeLessThanOrEqual(100);
  });

  it('keys IPv4 (mapped or not) by address and IPv6 by /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});
