/**
 * `npm run bench -- scale` (issue 29): the dashboard side at a national network's size. 10,000
 * learners seeded through the progress store's own classes (test/support/cohort-seed.ts), on
 * SQLite, then on PostgreSQL when installed; a gateway started as `npm start` starts it (the
 * compiled dist/, its variables and node options, 128 MB heap). Measured: `/dashboard` and a
 * learner's page (p50 of 20 loads each), both exports (time, peak RSS sampled every 10 ms from
 * /proc). Only the parts built so far are measured; the other figures (moderation page,
 * `/annuaire` under dashboard load, RSS at start) are not printed. Asserts nothing.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { postgresAvailable, startPostgresCluster, type PostgresCluster } from '../scripts/postgres/cluster.js';
import { loadCurriculum } from '../src/curriculum/loader.js';
import { openPollenStore } from '../src/store-schema.js';
import type { StoreLocation } from '../src/store/url.js';
import { seedCohort } from '../test/support/cohort-seed.js';
import { freePort, measure, median, startBenchWiki, type BenchWiki } from './support.js';

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LEARNERS = 10_000;
const TOKEN = 'bench-scale-facilitator-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

interface RunningGateway {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** The gateway as package.json's start command runs it, with `settings` added. */
async function startGateway(cwd: string, settings: Record<string, string>): Promise<RunningGateway> {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = pkg.scripts.start!.split(/\s+/);
  const assignments = words.slice(0, words.findIndex((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)));
  const [, ...nodeArgs] = words.slice(assignments.length);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (/^(WIKI_|MOODLE_|POLLEN_)/.test(name)) delete env[name];
  for (const a of assignments) env[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
  const port = await freePort();
  Object.assign(env, { PORT: String(port), POLLEN_CURRICULUM_DIR: path.join(ROOT, 'course-modules'), ...settings });
  const child = spawn(process.execPath, nodeArgs.map((a) => (a.startsWith('dist/') ? path.join(ROOT, a) : a)), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer) => {
      output += c.toString();
      if (output.includes('Pollen gateway ready')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`the gateway exited before it was ready:\n${output.slice(-3000)}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`, child, output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
}

/** Downloads `url` whole, sampling the gateway's RSS meanwhile: seconds, bytes, peak RSS. */
async function download(gateway: RunningGateway, url: string): Promise<{ seconds: number; bytes: number; beforeMb: number; peakMb: number; alive: boolean }> {
  const pid = gateway.child.pid!;
  const beforeMb = rssMb(pid);
  let peak = beforeMb;
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(pid));
    } catch {
      /* the process is gone: reported below */
    }
  }, 10);
  const started = performance.now();
  try {
    const response = await fetch(`${gateway.url}${url}`, { headers: auth });
    const bytes = (await response.arrayBuffer()).byteLength;
    return { seconds: (performance.now() - started) / 1000, bytes, beforeMb, peakMb: peak, alive: gateway.child.exitCode === null && gateway.child.signalCode === null };
  } finally {
    clearInterval(sampler);
  }
}

async function get(gateway: RunningGateway, url: string): Promise<void> {
  const response = await fetch(`${gateway.url}${url}`, { headers: auth });
  if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
  await response.text();
}

async function runOn(label: 'sqlite' | 'postgres', location: StoreLocation, settings: Record<string, string>, wiki: BenchWiki, work: string): Promise<void> {
  const curriculum = await loadCurriculum(path.join(ROOT, 'course-modules'));
  const store = await openPollenStore(location);
  const seeded = performance.now();
  let modulesDone: number;
  try {
    modulesDone = (await seedCohort(store, { count: LEARNERS, curriculum, now: new Date() })).modulesDone;
    // A server that has run a while has its planner statistics (autovacuum); a bulk seed has none yet.
    if (label === 'postgres') await sql`ANALYZE`.execute(store.db);
  } finally {
    await store.close();
  }
  console.log(`  (${label}: ${LEARNERS} learners, ${modulesDone} modules done, seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s)`);
  const gateway = await startGateway(work, {
    WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword,
    POLLEN_FACILITATOR_TOKENS: TOKEN, ...settings,
  });
  try {
    const dashboard = median(await measure(20, 2, () => get(gateway, '/dashboard')));
    let n = 0;
    const learner = median(await measure(20, 2, () => get(gateway, `/dashboard/apprenant/moodle-${1 + ((n++ * 997) % LEARNERS)}`)));
    const stalled = median(await measure(20, 2, () => get(gateway, '/dashboard?bloques=40')));
    const xlsx = await download(gateway, '/dashboard/export.xlsx');
    const csv = await download(gateway, '/dashboard/export.csv');
    console.log(`scale ${label} dashboard p50 ${dashboard.toFixed(0)} ms, learner page p50 ${learner.toFixed(0)} ms, stalled table page 40 p50 ${stalled.toFixed(0)} ms`);
    console.log(`scale ${label} export.xlsx ${LEARNERS} rows ${xlsx.seconds.toFixed(1)} s peak rss ${xlsx.peakMb.toFixed(0)} MB (rss before ${xlsx.beforeMb.toFixed(0)} MB, ${(xlsx.bytes / 1e6).toFixed(1)} MB file${xlsx.alive ? '' : ', GATEWAY DIED'})`);
    console.log(`scale ${label} export.csv ${LEARNERS} rows ${csv.seconds.toFixed(1)} s peak rss ${csv.peakMb.toFixed(0)} MB (rss before ${csv.beforeMb.toFixed(0)} MB, ${(csv.bytes / 1e6).toFixed(1)} MB file${csv.alive ? '' : ', GATEWAY DIED'})`);
  } finally {
    await gateway.stop();
  }
}

export default async function run(): Promise<void> {
  await execFileAsync('npm', ['run', 'build', '--silent'], { cwd: ROOT, timeout: 600_000 });
  const wiki = await startBenchWiki();
  const work = await mkdtemp(path.join(tmpdir(), 'pollen-bench-scale-'));
  let cluster: PostgresCluster | undefined;
  try {
    const file = path.join(work, 'pollen.sqlite');
    await runOn('sqlite', { kind: 'sqlite', path: file }, { POLLEN_STORE_PATH: file }, wiki, work);
    if (postgresAvailable()) {
      cluster = await startPostgresCluster();
      const url = await cluster.createDatabase('bench_scale');
      await runOn('postgres', { kind: 'postgres', url }, { POLLEN_DATABASE_URL: url }, wiki, work);
    } else {
      console.log('scale postgres: not run (PostgreSQL 15 is not installed)');
    }
    console.log('scale: moderation page, /annuaire during dashboard loads and rss at start are not measured by this bench yet');
  } finally {
    await cluster?.stop();
    await wiki.stop();
    await rm(work, { recursive: true, force: true });
  }
}
