/**
 * Agenda bench, on SQLite and (when installed) PostgreSQL:
 * - 1,000 sessions: `/agenda.ics` generation time (median of 20) and size, against serialising the
 *   same sessions to JSON in the same run;
 * - a registration burst: 200 concurrent registerForSession requests over HTTP for 20 seats
 *   (seats given, latency p50/p99), against a burst of 200 concurrent reads of the same session.
 */
import type { AddressInfo } from 'node:net';
import { createAgenda, type AgendaService } from '../src/agenda/index.js';
import { agendaFeed } from '../src/agenda/routes.js';
import type { GatewayDeps } from '../src/graphql/context.js';
import { createGateway } from '../src/server.js';
import { openDatabase, type StoreDb } from '../src/store/database.js';
import { postgresAvailable, startPostgresCluster } from '../scripts/postgres/cluster.js';
import { measure, median, printTable } from './support.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SESSIONS = 1000;
const BURST = 200;
const SEATS = 20;
const MODULES = [{ slug: 'logiciel-libre', title: 'Le logiciel libre et ses quatre libertés', wikiPage: 'Parcours de formation/Le logiciel libre' }];

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function seed(agenda: AgendaService): Promise<void> {
  for (let i = 0; i < SESSIONS; i++) {
    const day = new Date(Date.UTC(2026, 0, 1) + i * 8 * 3600_000);
    const iso = (h: number) => new Date(day.getTime() + h * 3600_000).toISOString();
    await agenda.createSession({
      moduleSlug: 'logiciel-libre', title: `Atelier ${i} : logiciel libre, données ouvertes; communs`, description: 'Apportez un ordinateur portable.\nCafé offert.',
      startsAt: iso(0), endsAt: iso(2), address: `${i} rue des Lilas, 69001 Lyon`, latitude: 45.76, longitude: 4.83,
      facilitators: ['Camille Martin', 'Sami Haddad'], capacity: 20, isPublic: true,
    });
  }
}

async function gateway(agenda: AgendaService) {
  const deps: GatewayDeps = {
    wiki: { apiUrl: 'http://wiki.invalid/api.php', getPages: async () => new Map(), searchPages: async () => [], categoryMembers: async () => [], recentChanges: async () => [], siteInfo: async () => ({ generator: 'none' }), request: async () => ({}) },
    wikiMode: 'none', moodle: undefined, curriculum: [], moodleActivityMap: new Map(), probes: [], agenda,
  };
  const { app, apollo } = await createGateway(deps);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const post = async (query: string, variables: Record<string, unknown>) => {
    const started = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: Record<string, any>; errors?: unknown[] };
    return { ms: performance.now() - started, body };
  };
  return { post, close: async () => { await new Promise((r) => server.close(r)); await apollo.stop(); } };
}

async function run(name: string, store: StoreDb): Promise<void> {
  const agenda = await createAgenda(store, { modules: MODULES, now: () => new Date('2025-12-01T00:00:00Z') });
  await seed(agenda);
  const [{ sessions }] = await Promise.all([agenda.list({ includePrivate: false, limit: 5000 })]);
  let ics = '';
  const icsTimes = await measure(20, 3, async () => void (ics = await agendaFeed(agenda)));
  const jsonTimes = await measure(20, 3, async () => void JSON.stringify((await agenda.list({ includePrivate: false, limit: 5000 })).sessions));
  const gw = await gateway(agenda);
  try {
    const target = sessions[0]!.id;
    const reads = await Promise.all(Array.from({ length: BURST }, () => gw.post('query ($id: Int!) { session(id: $id) { id seatsLeft } }', { id: target })));
    const burst = await Promise.all(
      Array.from({ length: BURST }, (_, i) => gw.post('mutation ($id: Int!, $n: String!, $e: String!) { registerForSession(sessionId: $id, name: $n, email: $e) { registration { status } } }', { id: target, n: `Personne ${i}`, e: `p${i}@exemple.org` })),
    );
    const confirmed = burst.filter((r) => r.body.data?.registerForSession?.registration.status === 'CONFIRMED').length;
    const waiting = burst.filter((r) => r.body.data?.registerForSession?.registration.status === 'WAITING').length;
    const regMs = burst.map((r) => r.ms);
    const errorCodes = [...new Set(burst.flatMap((r) => (r.body.errors ?? []).map((e) => (e as { extensions?: { code?: string } }).extensions?.code ?? '?')))];
    const readMs = reads.map((r) => r.ms);
    printTable(`agenda (${name})`, [
      [`/agenda.ics, ${SESSIONS} sessions`, `${median(icsTimes).toFixed(1)} ms median, ${(Buffer.byteLength(ics) / 1024).toFixed(0)} KiB (${ics.split('\r\n').length} lines)`],
      ['baseline: same sessions to JSON', `${median(jsonTimes).toFixed(1)} ms median; ratio iCal/JSON ${(median(icsTimes) / median(jsonTimes)).toFixed(2)}`],
      [`registration burst ${BURST} for ${SEATS} seats`, `${confirmed} seats given, ${waiting} waiting, ${BURST - confirmed - waiting} errors${errorCodes.length ? ` (${errorCodes.join(', ')})` : ''}; p50 ${median(regMs).toFixed(0)} ms, p99 ${percentile(regMs, 99).toFixed(0)} ms`],
      [`baseline: ${BURST} concurrent reads`, `p50 ${median(readMs).toFixed(0)} ms, p99 ${percentile(readMs, 99).toFixed(0)} ms; p99 ratio ${(percentile(regMs, 99) / percentile(readMs, 99)).toFixed(2)}`],
    ]);
  } finally {
    await gw.close();
  }
}

export default async function agendaBench(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pollen-bench-agenda-'));
  const sqlite = await openDatabase({ kind: 'sqlite', path: path.join(dir, 'agenda.sqlite') });
  try {
    await run('SQLite', sqlite);
  } finally {
    await sqlite.close();
    await rm(dir, { recursive: true, force: true });
  }
  if (!postgresAvailable()) {
    console.log('  PostgreSQL 15 not installed: the PostgreSQL run is skipped.');
    return;
  }
  const cluster = await startPostgresCluster();
  try {
    const pg = await openDatabase({ kind: 'postgres', url: await cluster.createDatabase('pollen_bench_agenda') });
    try {
      await run('PostgreSQL', pg);
    } finally {
      await pg.close();
    }
  } finally {
    await cluster.stop();
  }
}
