import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/app.js';
import { relay } from '../support/relay.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { startRuntimeGateway, type RunningGateway } from './http.js';

let wiki: LocalWiki;
let proxy: Awaited<ReturnType<typeof relay>>;
let runtime: Runtime;
let gateway: RunningGateway;
let close: () => Promise<void>;

beforeAll(async () => {
  wiki = await startWiki();
  proxy = await relay(wiki.port);
  await proxy.cut(); // the wiki is unreachable when Pollen starts
  ({ runtime, gateway, close } = await startRuntimeGateway(`http://127.0.0.1:${proxy.port}/api.php`, wiki));
});

afterAll(async () => {
  await close?.();
  await proxy?.cut();
  await wiki?.stop();
});

describe('a wiki that is down when the gateway starts', () => {
  it('does not keep the gateway down: the curriculum answers, wiki fields say WIKI_UNAVAILABLE after a few quick tries', async () => {
    const client = runtime.gatewayWiki;
    // The read cache's first look at the change feed goes through the same client: let it finish.
    await runtime.wikiCache.poll();
    const before = client.stats.apiCalls;
    const { data, errors } = await gateway.query('{ curriculum { moduleCount } wikiPage(title: "Accueil") { exists } }');
    expect(data!.curriculum.moduleCount).toBeGreaterThanOrEqual(17);
    expect(data!.wikiPage).toBeNull();
    expect(errors?.[0]?.extensions?.code).toBe('WIKI_UNAVAILABLE');
    // The gateway's client gives up after two short retries (the bots' client would try six times).
    expect(client.stats.apiCalls - before).toBe(3);
  });

  it('logs in and answers by itself once the wiki is back', async () => {
    await proxy.restore();
    const { data, errors } = await gateway.query('{ wikiPage(title: "Page inexistante") { exists } }');
    expect(errors).toBeUndefined();
    expect(data!.wikiPage).toEqual({ exists: false });
    expect(runtime.gatewayWiki).toMatchObject({ userName: 'Robot' });
  });
});
