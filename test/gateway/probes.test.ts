/**
 * /livez and /readyz for balancers (README, "Plus d'une machine"): cheap, no wiki or Moodle
 * round trip; /readyz fails only when the gateway is stopping or its store is out of reach, and
 * reports the wiki as last seen without failing on it (GraphQL serves without the wiki).
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import { StoreUnavailableError } from '../../src/store/database.js';
import { WikiClient } from '../../src/wiki/index.js';
import { freePort } from '../support/net.js';
import { startGateway, type RunningGateway } from './http.js';

let gateway: RunningGateway;
let draining = false;
let storeUp = true;
let wikiCalls = 0;
let fakeWiki: http.Server;

beforeAll(async () => {
  // A "wiki" that counts what it is asked and answers 503: the probes must not ask it.
  fakeWiki = http.createServer((_req, res) => {
    wikiCalls += 1;
    res.writeHead(503).end();
  });
  const port = await freePort();
  await new Promise<void>((resolve) => fakeWiki.listen(port, '127.0.0.1', resolve));
  const wiki = WikiClient.lazy({ apiUrl: `http://127.0.0.1:${port}/api.php`, maxRetries: 0 });
  gateway = await startGateway(
    { wiki, wikiMode: 'none', moodle: undefined, curriculum: await loadCurriculum('course-modules'), moodleActivityMap: new Map(), probes: [] },
    { readiness: { draining: () => draining, checkStore: async () => { if (!storeUp) throw new StoreUnavailableError('down'); return 'SQLite'; } } },
  );
});
afterAll(async () => {
  await gateway?.close();
  await new Promise((resolve) => fakeWiki?.close(resolve));
});

describe('probes', () => {
  it('/livez answers while the process runs, whatever the upstreams', async () => {
    const res = await fetch(`${gateway.url}/livez`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ live: true });
  });

  it('/readyz is ready with the wiki unreachable, not ready while draining or without the store, and asks no upstream', async () => {
    const ok = await fetch(`${gateway.url}/readyz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ready: true, draining: false, store: { ok: true } });
    storeUp = false;
    const noStore = await fetch(`${gateway.url}/readyz`);
    expect(noStore.status).toBe(503);
    expect(await noStore.json()).toMatchObject({ ready: false, store: { ok: false, error: 'unavailable' } });
    storeUp = true;
    draining = true;
    const stopping = await fetch(`${gateway.url}/readyz`);
    expect(stopping.status).toBe(503);
    expect(await stopping.json()).toMatchObject({ ready: false, draining: true });
    draining = false;
    expect(wikiCalls).toBe(0);
    // /health is the detailed view: it does ask the wiki.
    expect((await fetch(`${gateway.url}/health`)).status).toBe(503);
    expect(wikiCalls).toBeGreaterThan(0);
  });
});
