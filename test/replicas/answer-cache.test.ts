/**
 * The answer cache across replicas: two gateways, each with its own connection to one store
 * (a SQLite file, or PostgreSQL as a network runs it). A directory or agenda write made on
 * replica A raises the store's change marker (src/store/changes.ts, triggers); replica B, which
 * holds the anonymous answer, sees it before serving that answer again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAgenda } from '../../src/agenda/index.js';
import type { AgendaService } from '../../src/agenda/service.js';
import type { DirectoryService } from '../../src/directory/service.js';
import { createGateway, type Gateway } from '../../src/server.js';
import { readChangeVersions } from '../../src/store/changes.js';
import type { StoreDb } from '../../src/store/database.js';
import { openPollenStore } from '../../src/store-schema.js';
import { directoryOn, listedProvider } from '../directory/fixtures.js';
import { upstreamFreeDeps } from '../gateway/http.js';
import { createTestDatabase, describeEachStore } from '../support/postgres.js';

const PROVIDERS = '{ providers { totalCount edges { node { name } } } }';
const SESSIONS = '{ sessions { totalCount nodes { title seatsLeft } } }';

describeEachStore('answer cache across replicas', (backend) => {
  let work: string;
  let storeA: StoreDb;
  let storeB: StoreDb;
  let directoryA: DirectoryService;
  let agendaA: AgendaService;
  let gatewayB: Gateway;
  let server: Server;

  async function ask(query: string): Promise<{ data: Record<string, any>; cacheControl: string | null }> {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }),
    });
    const body = (await res.json()) as { data: Record<string, any>; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return { data: body.data, cacheControl: res.headers.get('cache-control') };
  }

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'pollen-answer-cache-'));
    const location = backend.name === 'postgres'
      ? { kind: 'postgres' as const, url: await createTestDatabase() }
      : { kind: 'sqlite' as const, path: path.join(work, 'pollen.sqlite') };
    // Two replicas: two connections (pools) to the same store, nothing else shared.
    storeA = await openPollenStore(location);
    storeB = await openPollenStore(location);
    const deps = await upstreamFreeDeps();
    directoryA = await directoryOn(storeA);
    agendaA = await createAgenda(storeA, { modules: deps.curriculum });
    gatewayB = await createGateway(
      { ...deps, directory: await directoryOn(storeB), agenda: await createAgenda(storeB, { modules: deps.curriculum }) },
      // Replica B reads the marker before every directory or agenda answer it serves from its cache.
      { answerCache: { storeChanges: () => readChangeVersions(storeB), storeCheckMs: 0 } },
    );
    server = await new Promise((resolve) => {
      const s = gatewayB.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    await listedProvider(directoryA, 'Hébergeur Alpha');
    await agendaA.createSession({ title: 'Atelier un', startsAt: '2027-03-12T14:00', endsAt: '2027-03-12T16:00', capacity: 12, onlineUrl: 'https://visio.example.org/a' });
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await gatewayB?.apollo.stop();
    await storeA?.close();
    await storeB?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('serves replica B its cached directory answer until replica A writes, then the new one', async () => {
    const names = (answer: { data: Record<string, any> }) => answer.data.providers.edges.map((e: { node: { name: string } }) => e.node.name);
    const first = await ask(PROVIDERS);
    expect(names(first)).toEqual(['Hébergeur Alpha']);
    expect(first.cacheControl).toBe('public, max-age=300');
    // B read the marker when it started, before the set-up's writes: its first answer goes at
    // the first check (one extra execution), the second is kept.
    await ask(PROVIDERS);
    // Kept and served again while nothing changes (the marker is read each time, unchanged).
    const stats = gatewayB.answers!.stats;
    const hits = stats.hits;
    expect(names(await ask(PROVIDERS))).toEqual(['Hébergeur Alpha']);
    expect(names(await ask(PROVIDERS))).toEqual(['Hébergeur Alpha']);
    expect(stats.hits - hits).toBe(2);
    // A write on replica A, through its own connection: B answers with it at once.
    await listedProvider(directoryA, 'Hébergeur Beta');
    const invalidations = stats.invalidations;
    expect(names(await ask(PROVIDERS))).toEqual(['Hébergeur Alpha', 'Hébergeur Beta']);
    expect(stats.invalidations - invalidations).toBe(1);
    expect(stats.hits - hits).toBe(2);
  });

  it('drops only the agenda answers when the agenda changes on replica A', async () => {
    const sessions = await ask(SESSIONS);
    expect(sessions.data.sessions.nodes).toEqual([{ title: 'Atelier un', seatsLeft: 12 }]);
    await ask(PROVIDERS);
    await ask(SESSIONS);
    const stats = gatewayB.answers!.stats;
    const hits = stats.hits;
    const [session] = (await agendaA.list({ limit: 1, includePrivate: true })).sessions;
    // A visitor takes a seat once they confirm (double opt-in): that write is the change B must see.
    const { token } = await agendaA.registerVisitor(session!.id, { name: 'Camille', email: 'camille@example.org' });
    await agendaA.confirmRegistration(token);
    expect((await ask(SESSIONS)).data.sessions.nodes).toEqual([{ title: 'Atelier un', seatsLeft: 11 }]);
    // The directory answer did not read the agenda: still served from the cache.
    await ask(PROVIDERS);
    expect(stats.hits - hits).toBe(1);
  });
});
