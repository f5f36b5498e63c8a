import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRuntime, type Runtime } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import type { WikiClient } from '../../src/wiki/index.js';
import { relay } from '../support/relay.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { startGateway, type RunningGateway } from './http.js';

let wiki: LocalWiki;
let proxy: Awaited<ReturnType<typeof relay>>;
let runtime: Runtime;
let gateway: RunningGateway;

beforeAll(async () => {
  wiki = await startWiki();
  proxy = await relay(wiki.port);
  await proxy.cut(); // the wiki is unreachable when Pollen starts
  const config = loadConfig({
    WIKI_API_URL: `http://127.0.0.1:${proxy.port}/api.php`,
    WIKI_BOT_USER: wiki.botUser,
    WIKI_BOT_PASSWORD: wiki.botPassword,
    POLLEN_STORE_PATH: ':memory:',
  });
  runtime = await buildRuntime(config, pino({ level: 'silent' }));
  gateway = await startGateway(runtime.deps);
});

afterAll(async () => {
  await gateway?.close();
  runtime?.close();
  await proxy?.cut();
  await wiki?.stop();
});

describe('a wiki that is down when the gateway starts', () => {
  it('does not keep the gateway down: the curriculum answers, wiki fields say WIKI_UNAVAILABLE after a few quick tries', async () => {
    const client = runtime.deps.wiki as WikiClient;
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
    expect(runtime.deps.wiki).toMatchObject({ userName: 'Robot' });
  });
});
