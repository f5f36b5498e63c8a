import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/app.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { startRuntimeGateway, type RunningGateway } from './http.js';

let wiki: LocalWiki;
let runtime: Runtime;
let gateway: RunningGateway;
let close: () => Promise<void>;

beforeAll(async () => {
  wiki = await startWiki();
  ({ runtime, gateway, close } = await startRuntimeGateway(wiki.apiUrl, wiki));
});

afterAll(async () => {
  await close?.();
  await wiki?.setLag(0);
  await wiki?.stop();
});

describe('a lagged wiki (maxlag refusals with Retry-After: 5)', () => {
  it('answers a gateway read with WIKI_UNAVAILABLE at once instead of waiting out Retry-After', async () => {
    const client = runtime.gatewayWiki;
    // The read cache's first look at the change feed goes through the same client: let it finish.
    await runtime.wikiCache.poll();
    await client.ensureLoggedIn();
    await wiki.setLag(30);
    const before = client.stats.apiCalls;
    const { errors } = await gateway.query('{ wikiPage(title: "Accueil") { exists } }');
    const attempts = client.stats.apiCalls - before;
    await wiki.setLag(0);
    expect(errors?.[0]?.extensions?.code).toBe('WIKI_UNAVAILABLE');
    // One refused request: the wiki asks for 5 s, over the gateway's 1 s cap, so no retry waits.
    expect(attempts).toBe(1);
  }, 30_000);
});
