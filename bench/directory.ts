/**
 * Directory benchmark.
 * 1. 2,000 providers and 10,000 recommendations in the store (SQLite file, the default backend);
 *    `providers` with a service + territory filter through the gateway (HTTP, Apollo, resolvers)
 *    against the same search's SQL alone (the two queries searchProviders runs), same run.
 * 2. Publishing 200 listed providers to a fresh local wiki against 200 raw mwbot edits of the
 *    same wikitext; then the unchanged re-publish (edits and wiki calls).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { directoryMigrations } from '../src/directory/migrations.js';
import { providerFilterSchema } from '../src/directory/inputs.js';
import { searchProviders } from '../src/directory/search.js';
import { DirectoryService } from '../src/directory/service.js';
import { publishDirectory } from '../src/directory/wiki.js';
import { directoryPages } from '../src/directory/wiki.js';
import { createContext, type GatewayDeps } from '../src/graphql/context.js';
import { createGateway } from '../src/server.js';
import { openDatabase } from '../src/store/database.js';
import { runMigrations } from '../src/store/migrations.js';
import { WikiClient } from '../src/wiki/client.js';
import { allTerritories } from '../src/directory/territories.js';
import { SERVICES, type ServiceId } from '../src/directory/model.js';
import { rawMwbot } from './notes.js';
import { measure, median, printTable, startBenchWiki } from './support.js';

const PROVIDERS = 2000;
const RECOMMENDATIONS_EACH = 5;
const RUNS = 200;

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const yes = { answer: 'yes', comment: null };

/** Declares, approves and recommends `count` providers through the service. */
async function seed(directory: DirectoryService, count: number, recsEach: number, seedValue: number): Promise<void> {
  const rnd = random(seedValue);
  const departements = allTerritories().filter((t) => t.kind === 'departement');
  const services = Object.keys(SERVICES) as ServiceId[];
  const staff = { role: 'facilitator' as const, learnerId: null, displayName: 'Banc d’essai' };
  for (let i = 0; i < count; i++) {
    const dep = departements[Math.floor(rnd() * departements.length)]!;
    const picked = services.filter(() => rnd() < 0.35);
    const p = await directory.declare(staff, {
      name: `Structure ${i} ${dep.name}`, kind: (['chatons', 'entreprise', 'association', 'autre'] as const)[i % 4],
      description: `Accompagnement numérique des associations, structure ${i}.`, services: picked.length ? picked : ['accompagnement'],
      territories: [dep.id], address: { street: null, postalCode: null, city: dep.name, lat: 43 + rnd() * 7, lon: -4 + rnd() * 11 },
      website: `https://structure-${i}.example.org`,
    }, `bench:${i}`);
    await directory.approveProvider(staff, p.slug);
    for (let k = 0; k < recsEach; k++) {
      const r = await directory.recommend({ role: 'anonymous', learnerId: null, displayName: null }, {
        providerSlug: p.slug, associationName: `Association ${i}-${k}`, verificationContact: `bureau@asso-${i}-${k}.example.net`, periodStart: '2025-03',
        work: 'Migration des outils.', tools: ['Nextcloud'], questionnaire: { delivered: yes, usersTrained: yes, documentationLeft: yes, supportAfter: yes, wouldRecommend: yes },
        quote: k === 0 ? 'Très bon accompagnement.' : null, quoteConsent: k === 0,
      }, `bench:${i}:${k}`);
      // Two of each provider's recommendations are verified; the others wait, as in real life.
      if (k < 2) await directory.verifyRecommendation(staff, r.id);
    }
  }
}

async function gatewayVsSql(work: string): Promise<Array<[string, string]>> {
  const store = await openDatabase({ kind: 'sqlite', path: path.join(work, 'directory.sqlite') });
  await runMigrations(store, directoryMigrations);
  const directory = new DirectoryService(store, { rateLimit: { max: 1_000_000, windowMinutes: 1 } });
  let started = performance.now();
  await seed(directory, PROVIDERS, RECOMMENDATIONS_EACH, 42);
  const seedMs = performance.now() - started;

  const filter = { service: 'hebergement', territory: 'auvergne-rhone-alpes' } as const;
  const deps: GatewayDeps = { wiki: { apiUrl: 'http://127.0.0.1:9/api.php' } as GatewayDeps['wiki'], wikiMode: 'none', moodle: undefined, curriculum: [], moodleActivityMap: new Map(), probes: [], directory };
  const { app, apollo } = await createGateway(deps);
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  // Idle keep-alive sockets stay open between the measured series (Node's default is 5 s).
  server.keepAliveTimeout = 120_000;
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const body = JSON.stringify({
    query: 'query($f: ProviderFilter) { providers(filter: $f, first: 20) { totalCount edges { node { slug name kind services { label } territories { name } verifiedRecommendationCount } } pageInfo { hasNextPage endCursor } } }',
    variables: { f: { service: 'HEBERGEMENT', territory: filter.territory } },
  });
  let total = 0;
  const gateway = await measure(RUNS, 20, async () => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    total = ((await res.json()) as { data: { providers: { totalCount: number } } }).data.providers.totalCount;
  });
  const parsed = providerFilterSchema.parse(filter);
  const sqlOnly = await measure(RUNS, 20, () => searchProviders(directory.db, parsed, 20, null));
  // Where the time goes: the same operation executed in process (no HTTP), and the HTTP floor.
  const { query, variables } = JSON.parse(body) as { query: string; variables: Record<string, unknown> };
  const executed = await measure(RUNS, 20, async () => apollo.executeOperation({ query, variables }, { contextValue: await createContext(deps) }));
  const floorBody = JSON.stringify({ query: '{ __typename }' });
  const floor = await measure(RUNS, 20, async () => (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: floorBody })).json());
  await new Promise((resolve) => server.close(resolve));
  await apollo.stop();
  await store.close();
  const g = median(gateway);
  const s = median(sqlOnly);
  const e = median(executed);
  const f = median(floor);
  return [
    [`seed ${PROVIDERS} providers, ${PROVIDERS * RECOMMENDATIONS_EACH} recommendations`, `${(seedMs / 1000).toFixed(1)} s through the service`],
    [`providers(service, territory) through the gateway`, `median ${g.toFixed(2)} ms over ${RUNS} (${total} matches, page of 20)`],
    ['same search, SQL alone', `median ${s.toFixed(2)} ms`],
    ['ratio gateway / SQL', `${(g / s).toFixed(2)} (aim <= 2, gateway under 20 ms)`],
    ['same operation executed in process (Apollo, no HTTP)', `median ${e.toFixed(2)} ms, ratio to SQL ${(e / s).toFixed(2)}`],
    ['HTTP floor: { __typename } through the gateway', `median ${f.toFixed(2)} ms`],
    ['load average during the run', loadavg().map((l) => l.toFixed(1)).join(' ')],
  ];
}

async function wikiPublishing(work: string): Promise<Array<[string, string]>> {
  const wiki = await startBenchWiki();
  const store = await openDatabase({ kind: 'sqlite', path: path.join(work, 'wiki.sqlite') });
  try {
    await runMigrations(store, directoryMigrations);
    const directory = new DirectoryService(store, { rateLimit: { max: 1_000_000, windowMinutes: 1 } });
    await seed(directory, 200, 1, 7);
    const client = await WikiClient.connect({ apiUrl: wiki.apiUrl, username: wiki.botUser, password: wiki.botPassword });
    const edit = await rawMwbot(wiki.apiUrl, wiki.botUser, wiki.botPassword);
    // The baseline saves exactly the pages publishDirectory writes (provider pages, index, template,
    // categories), under other titles, with one raw edit each.
    const allPages = await directoryPages(directory);
    const providerPages = allPages.filter((p) => p.title.startsWith('Annuaire/'));
    let started = performance.now();
    for (const p of allPages) await edit(`Brut/${p.title.replace(':', ' ')}`, p.text, 'Annuaire (mwbot brut)');
    const rawMs = performance.now() - started;
    started = performance.now();
    const report = await publishDirectory(client, directory);
    const pollenMs = performance.now() - started;
    started = performance.now();
    const again = await publishDirectory(client, directory);
    const againMs = performance.now() - started;
    return [
      [`${allPages.length} raw mwbot edits (${providerPages.length} provider pages + index, template, categories)`, `${rawMs.toFixed(0)} ms (${(rawMs / allPages.length).toFixed(1)} ms/edit, ${allPages.length} calls)`],
      ['publishDirectory, same pages', `${pollenMs.toFixed(0)} ms, ${report.edits} edits, ${report.apiCalls} wiki calls`],
      ['ratio publish / raw', `${(pollenMs / rawMs).toFixed(2)} (aim <= 1.2)`],
      ['re-publish unchanged', `${againMs.toFixed(0)} ms, ${again.edits} edits, ${again.apiCalls} wiki calls`],
    ];
  } finally {
    await store.close();
    await wiki.stop();
  }
}

export default async function run(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'pollen-bench-directory-'));
  try {
    printTable('Directory: providers search, gateway vs SQL (SQLite)', await gatewayVsSql(work));
    printTable('Directory: wiki publishing vs raw edits', await wikiPublishing(work));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
