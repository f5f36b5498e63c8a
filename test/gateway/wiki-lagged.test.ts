import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRuntime, type Runtime } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { startGateway, type RunningGateway } from './http.js';

let wiki: LocalWiki;
let runtime: Runtime;
let gateway: RunningGateway;

beforeAll(async () => {
  wiki = await startWiki();
  const config = loadConfig({
    WIKI_API_URL: wiki.apiUrl,
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
  await wiki?.setLag(0);
  await wiki?.stop();
});

describe('a lagged wiki (maxlag refusals with Retry-After: 5)', () => {
  it('answers a gateway read in about a second, not after waiting out Retry-After', async () => {
    await wiki.setLag(30);
    const started = Date.now();
    const { errors } = await gateway.query('{ wikiPage(title: "Accueil") { exists } }');
    const elapsed = Date.now() - started;
    await wiki.setLag(0);
    expect(errors?.[0]?.extensions?.code).toBe('WIKI_UNAVAILABLE');
    expect(elapsed).toBeLessThan(3000);
  }, 30_000);
});
