/**
 * `npm run bench -- store`: the same workloads on SQLite and on PostgreSQL (a throwaway local
 * cluster), in one run: 500 notes published to a local wiki, a progress sync of 500 learners
 * against the fake Moodle; then two notes workers on one PostgreSQL publishing 200 notes, each
 * counted on the wiki. Prints the three lines, plus the figures behind them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startPostgresCluster } from '../scripts/postgres/cluster.js';
import { publishPendingNotes } from '../src/notes/publisher.js';
import { NoteQueue } from '../src/notes/queue.js';
import { MoodleClient } from '../src/moodle/index.js';
import { ProgressTracker } from '../src/progress/tracker.js';
import { openDatabase, type StoreDb } from '../src/store/database.js';
import type { StoreLocation } from '../src/store/url.js';
import { openPollenStore } from '../src/store-schema.js';
import { WikiClient } from '../src/wiki/client.js';
import { benchNote } from './notes.js';
import { benchCurriculum, COURSE_ID, LEARNERS, startFakeMoodle } from './progress.js';
import { printTable, startBenchWiki } from './support.js';

const NOTES = Number(process.env.BENCH_STORE_NOTES ?? 500);
const REPLICA_NOTES = Number(process.env.BENCH_REPLICA_NOTES ?? 200);

async function publishNotes(location: StoreLocation, client: WikiClient, tag: string): Promise<{ ms: number; published: number }> {
  const store = await openPollenStore(location);
  try {
    const queue = new NoteQueue(store);
    const started = performance.now();
    for (let i = 0; i < NOTES; i++) await queue.enqueue(benchNote(tag, i));
    const run = await publishPendingNotes(client, queue, { batchSize: 50 });
    return { ms: performance.now() - started, published: run.results.filter((r) => r.state === 'published').length };
  } finally {
    await store.close();
  }
}

async function syncProgress(location: StoreLocation, moodleUrl: string): Promise<number> {
  const store = await openPollenStore(location);
  try {
    const client = new MoodleClient({ url: moodleUrl, token: 'bench-token' });
    const tracker = new ProgressTracker({ store, curriculum: benchCurriculum(), moodle: { client, courseId: COURSE_ID } });
    const started = performance.now();
    const report = await tracker.sync();
    if (report.learners !== LEARNERS) throw new Error(`synced ${report.learners} learners, expected ${LEARNERS}`);
    return performance.now() - started;
  } finally {
    await store.close();
  }
}

/** Two workers, each with its own connection and wiki client, publishing one queue fed alternately. */
async function twoWorkers(url: string, connect: () => Promise<WikiClient>): Promise<{ once: number; ms: number; byWorker: number[] }> {
  const a = await openPollenStore({ kind: 'postgres', url });
  const b: StoreDb = await openDatabase({ kind: 'postgres', url });
  try {
    const [queueA, queueB] = [new NoteQueue(a), new NoteQueue(b)];
    const titles: string[] = [];
    for (let i = 0; i < REPLICA_NOTES; i++) titles.push((await (i % 2 ? queueB : queueA).enqueue(benchNote('replicas', i))).entry.pageTitle ?? '');
    const [clientA, clientB] = [await connect(), await connect()];
    const started = performance.now();
    const runs = await Promise.all([
      publishPendingNotes(clientA, queueA, { worker: 'worker-A', batchSize: 10 }),
      publishPendingNotes(clientB, queueB, { worker: 'worker-B', batchSize: 10 }),
    ]);
    const ms = performance.now() - started;
    let once = 0;
    for (const title of titles) {
      const raw = (await clientA.request({ action: 'query', prop: 'revisions', titles: title, rvprop: ['ids'], rvlimit: 'max' })) as {
        query?: { pages?: Array<{ revisions?: unknown[] }> };
      };
      if ((raw.query?.pages?.[0]?.revisions?.length ?? 0) === 1) once += 1;
    }
    const published = (await queueA.list({ limit: 1 })).counts.published;
    return { once: Math.min(once, published), ms, byWorker: runs.map((r) => r.results.filter((x) => x.state === 'published').length) };
  } finally {
    await a.close();
    await b.close();
  }
}

export default async function run(): Promise<void> {
  const cluster = await startPostgresCluster();
  const wiki = await startBenchWiki();
  const work = await mkdtemp(path.join(tmpdir(), 'pollen-bench-store-'));
  try {
    const connect = () => WikiClient.connect({ apiUrl: wiki.apiUrl, username: wiki.botUser, password: wiki.botPassword });
    const client = await connect();
    const sqlite = (name: string): StoreLocation => ({ kind: 'sqlite', path: path.join(work, `${name}.sqlite`) });
    const postgres = async (name: string): Promise<StoreLocation> => ({ kind: 'postgres', url: await cluster.createDatabase(name) });

    const notesSqlite = await publishNotes(sqlite('notes'), client, 'sqlite');
    const notesPostgres = await publishNotes(await postgres('bench_notes'), client, 'postgres');

    const moodle = await startFakeMoodle(LEARNERS);
    let progressSqlite: number;
    let progressPostgres: number;
    try {
      progressSqlite = await syncProgress(sqlite('progress'), moodle.url);
      progressPostgres = await syncProgress(await postgres('bench_progress'), moodle.url);
    } finally {
      await moodle.close();
    }

    const replicas = await twoWorkers(await cluster.createDatabase('bench_replicas'), connect);

    printTable(`Store: the same workloads on SQLite and PostgreSQL ${cluster.port ? '(local cluster)' : ''}`, [
      [`${NOTES} notes to the wiki, SQLite`, `${notesSqlite.ms.toFixed(0)} ms, ${notesSqlite.published} published`],
      [`${NOTES} notes to the wiki, PostgreSQL`, `${notesPostgres.ms.toFixed(0)} ms, ${notesPostgres.published} published`],
      [`progress sync of ${LEARNERS} learners, SQLite`, `${progressSqlite.toFixed(0)} ms`],
      [`progress sync of ${LEARNERS} learners, PostgreSQL`, `${progressPostgres.toFixed(0)} ms`],
      [`2 workers, ${REPLICA_NOTES} notes, one PostgreSQL`, `${replicas.ms.toFixed(0)} ms, published by each: ${replicas.byWorker.join(' + ')}`],
    ]);
    console.log(`store notes publish postgres/sqlite ratio ${(notesPostgres.ms / notesSqlite.ms).toFixed(2)}`);
    console.log(`store progress sync postgres/sqlite ratio ${(progressPostgres / progressSqlite).toFixed(2)}`);
    console.log(`replicas 2 notes exactly-once ${replicas.once}/${REPLICA_NOTES}`);
  } finally {
    await rm(work, { recursive: true, force: true });
    await wiki.stop();
    await cluster.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
