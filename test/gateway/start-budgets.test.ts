/**
 * Issue 20, items 2 and 6, over the real start path (package.json's start command on the built
 * dist/): the upstream budget and the per-address request budget are on in `npm start`, and set
 * by their variables.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAll, startGateway, stop } from '../support/processes.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';

let wiki: LocalWiki;
let work: string;

beforeAll(async () => {
  wiki = await startWiki();
  work = mkdtempSync(path.join(tmpdir(), 'pollen-start-budgets-'));
});
afterAll(async () => {
  killAll();
  await wiki?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function post(url: string, query: string): Promise<{ status: number; retryAfter: string | null; body: any }> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

describe('npm start budgets', () => {
  it('refuses over the configured upstream budget, then over the configured request budget, and keeps /health open', async () => {
    const gateway = await startGateway('npm start', work, {
      WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword,
      POLLEN_STORE_PATH: path.join(work, 'pollen.sqlite'),
      POLLEN_UPSTREAM_BUDGET_ANONYMOUS: '2',
      POLLEN_RATE_LIMIT_ANONYMOUS_PER_SECOND: '0.01', POLLEN_RATE_LIMIT_ANONYMOUS_BURST: '3',
    });
    try {
      const costly = await post(gateway.url, '{ a: search(text: "un") { __typename } b: search(text: "deux") { __typename } c: search(text: "trois") { __typename } }');
      expect(costly.status).toBe(400);
      expect(costly.body.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', upstreamCalls: 3, maxUpstreamCalls: 2 });
      for (let i = 0; i < 2; i++) expect((await post(gateway.url, '{ curriculum { moduleCount } }')).status).toBe(200);
      const refused = await post(gateway.url, '{ curriculum { moduleCount } }');
      expect(refused.status).toBe(429);
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(refused.body.errors[0].extensions.code).toBe('RATE_LIMITED');
      expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    } finally {
      await stop(gateway);
    }
  });
});
