/**
 * `npm run bench -- scale` (issue 29): Pollen at a national network's size. The network (10,000
 * learners, 5,000 providers with 20,000 recommendations, 1,000 sessions with 30,000
 * registrations) is seeded once through Pollen's own services into a SQLite file
 * (bench/scale-seed.ts), and copied to PostgreSQL with `store:migrate`'s copy when PostgreSQL 15
 * is installed. On each backend a gateway is started as `npm start` starts it (compiled dist/,
 * its variables and node options, 128 MB heap) against a fresh local wiki, and measured:
 * - its RSS 20 s after « ready » (the directory's first publication running in the background)
 *   beside the same with an empty store, and the event loop's longest delay over those 20 s (the
 *   gateway's own /metrics, `pollen_nodejs_eventloop_lag_max_seconds`, scraped every second);
 * - `/dashboard`, a learner's page, the directory's moderation page (p50 of 20 loads each);
 * - `/dashboard/export.xlsx` of the 10,000 rows (time, peak RSS sampled every 10 ms);
 * - `/annuaire` alone, then while 4 clients load `/dashboard` in a loop (p50 of 20 each, ratio).
 * Prints the issue's contract lines, one set per backend (suffix `(sqlite)`, `(postgres)`).
 * Asserts nothing.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { postgresAvailable, startPostgresCluster, type PostgresCluster } from '../scripts/postgres/cluster.js';
import { loadCurriculum } from '../src/curriculum/loader.js';
import { openPollenStore } from '../src/store-schema.js';
import { copyStore } from '../src/store/copy.js';
import { SCALE, seedNationalNetwork } from './scale-seed.js';
import { freePort, measure, median, startBenchWiki } from './support.js';

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
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

/** GET `url`, its status checked; milliseconds. */
async function timedGet(gateway: RunningGateway, url: string): Promise<number> {
  const started = performance.now();
  await get(gateway, url);
  return performance.now() - started;
}

/** The gateway's longest event-loop delay since the previous scrape (prom-client resets it on each). */
async function eventLoopMaxMs(gateway: RunningGateway): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('pollen_nodejs_eventloop_lag_max_seconds'));
  return Number(line?.split(/\s+/)[1] ?? NaN) * 1000;
}

/** The first `seconds` after ready: RSS at the end, RSS peak, longest event-loop delay. */
async function startWindow(gateway: RunningGateway, seconds: number): Promise<{ rssMb: number; peakMb: number; loopMaxMs: number }> {
  const pid = gateway.child.pid!;
  let peak = rssMb(pid);
  let loopMax = await eventLoopMaxMs(gateway);
  for (let s = 0; s < seconds; s++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    peak = Math.max(peak, rssMb(pid));
    loopMax = Math.max(loopMax, await eventLoopMaxMs(gateway));
  }
  return { rssMb: rssMb(pid), peakMb: peak, loopMaxMs: loopMax };
}

const START_WINDOW_S = 20;

interface Backend {
  label: 'sqlite' | 'postgres';
  /** The seeded store's gateway settings, and an empty store's. */
  seeded: Record<string, string>;
  empty: Record<string, string>;
}

async function runOn(backend: Backend, work: string): Promise<void> {
  const wiki = await startBenchWiki();
  const wikiSettings = { WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword, POLLEN_FACILITATOR_TOKENS: TOKEN };
  try {
    const emptyGateway = await startGateway(work, { ...wikiSettings, ...backend.empty });
    let empty: Awaited<ReturnType<typeof startWindow>>;
    try {
      empty = await startWindow(emptyGateway, START_WINDOW_S);
    } finally {
      await emptyGateway.stop();
    }
    const gateway = await startGateway(work, { ...wikiSettings, ...backend.seeded });
    try {
      const start = await startWindow(gateway, START_WINDOW_S);
      const dashboard = median(await measure(20, 2, () => get(gateway, '/dashboard')));
      let n = 0;
      const learner = median(await measure(20, 2, () => get(gateway, `/dashboard/apprenant/moodle-${1 + ((n++ * 997) % SCALE.learners)}`)));
      const moderation = median(await measure(20, 2, () => get(gateway, '/dashboard/annuaire')));
      const xlsx = await download(gateway, '/dashboard/export.xlsx');
      let k = 0;
      const annuaireUrl = () => ['/annuaire', '/annuaire?service=hebergement', '/annuaire?territoire=bretagne', '/annuaire?q=numerique'][k++ % 4]!;
      const alone = median(await measure(20, 2, () => get(gateway, annuaireUrl())));
      // Four facilitators load the dashboard over and over while a visitor reads /annuaire.
      let loading = true;
      let dashboardLoads = 0;
      const loaders = Array.from({ length: 4 }, async () => {
        while (loading) {
          await get(gateway, '/dashboard');
          dashboardLoads++;
        }
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const duringTimes: number[] = [];
      for (let i = 0; i < 20; i++) duringTimes.push(await timedGet(gateway, annuaireUrl()));
      const during = median(duringTimes);
      loading = false;
      await Promise.all(loaders);
      const progressLines = gateway.output().split('\n').filter((l) => l.includes('Directory publishing to the wiki in progress'));
      const lastProgress = progressLines.at(-1)?.match(/"checked":(\d+),"edits":(\d+)/);
      const publication = lastProgress ? `directory publication in the background: ${lastProgress[1]} pages checked, ${lastProgress[2]} edits when last logged (${progressLines.length} progress lines)` : 'no directory progress line yet (one every 30 s of a publication)';
      const alive = xlsx.alive ? '' : ', GATEWAY DIED';
      const tag = `(${backend.label})`;
      console.log(`scale dashboard p50 ${dashboard.toFixed(0)} ms, learner page p50 ${learner.toFixed(0)} ms, export.xlsx ${SCALE.learners} rows ${xlsx.seconds.toFixed(1)} s peak rss ${xlsx.peakMb.toFixed(0)} MB, moderation page p50 ${moderation.toFixed(0)} ms, /annuaire p50 during 4 dashboard loads ${during.toFixed(0)} ms (alone ${alone.toFixed(0)} ms, ratio ${(during / alone).toFixed(2)}) ${tag}`);
      console.log(`scale rss at start ${start.rssMb.toFixed(0)} MB (empty store ${empty.rssMb.toFixed(0)} MB) ${tag}`);
      console.log(`  ${tag} first ${START_WINDOW_S} s after ready: rss peak ${start.peakMb.toFixed(0)} MB (empty store ${empty.peakMb.toFixed(0)} MB), event loop longest delay ${start.loopMaxMs.toFixed(0)} ms (empty store ${empty.loopMaxMs.toFixed(0)} ms); export rss before ${xlsx.beforeMb.toFixed(0)} MB, ${(xlsx.bytes / 1e6).toFixed(1)} MB file${alive}; ${dashboardLoads} dashboard loads beside /annuaire; ${publication}`);
    } finally {
      await gateway.stop();
    }
  } finally {
    await wiki.stop();
  }
}

export default async function run(): Promise<void> {
  await execFileAsync('npm', ['run', 'build', '--silent'], { cwd: ROOT, timeout: 600_000 });
  const work = await mkdtemp(path.join(tmpdir(), 'pollen-bench-scale-'));
  let cluster: PostgresCluster | undefined;
  try {
    const file = path.join(work, 'pollen.sqlite');
    const curriculum = await loadCurriculum(path.join(ROOT, 'course-modules'));
    // POLLEN_BENCH_SCALE_STORE=<file>: a store seeded by an earlier run, copied instead of seeding
    // again (11 minutes on a busy machine); a missing file is seeded and kept there.
    const kept = process.env.POLLEN_BENCH_SCALE_STORE;
    if (kept && existsSync(kept)) {
      copyFileSync(kept, file);
      console.log(`  (store seeded by an earlier run of bench/scale-seed.ts, copied from ${kept})`);
    } else {
      const store = await openPollenStore({ kind: 'sqlite', path: file });
      const seeded = performance.now();
      try {
        const counts = await seedNationalNetwork(store, curriculum, new Date(), (line) => console.log(line));
        console.log(`  (${counts.learners} learners, ${counts.modulesDone} modules done, ${counts.providers} providers, ${counts.recommendations} recommendations, ${counts.sessions} sessions, ${counts.registrations} registrations, seeded in ${((performance.now() - seeded) / 1000).toFixed(0)} s)`);
      } finally {
        await store.close();
      }
      if (kept) copyFileSync(file, kept);
    }
    // Copied to PostgreSQL before the SQLite run: both gateways start from the same seeded store.
    let postgres: Backend | undefined;
    if (postgresAvailable()) {
      cluster = await startPostgresCluster();
      const url = await cluster.createDatabase('bench_scale');
      const emptyUrl = await cluster.createDatabase('bench_scale_empty');
      const from = await openPollenStore({ kind: 'sqlite', path: file });
      const to = await openPollenStore({ kind: 'postgres', url });
      try {
        const copied = performance.now();
        await copyStore(from, to);
        // A server that has run a while has its planner statistics (autovacuum); a bulk copy has none yet.
        await sql`ANALYZE`.execute(to.db);
        console.log(`  (postgres: copied with store:migrate's copy in ${((performance.now() - copied) / 1000).toFixed(0)} s)`);
      } finally {
        await from.close();
        await to.close();
      }
      postgres = { label: 'postgres', seeded: { POLLEN_DATABASE_URL: url }, empty: { POLLEN_DATABASE_URL: emptyUrl } };
    }
    await runOn({ label: 'sqlite', seeded: { POLLEN_STORE_PATH: file }, empty: { POLLEN_STORE_PATH: path.join(work, 'empty.sqlite') } }, work);
    if (postgres) await runOn(postgres, work);
    else console.log('scale postgres: not run (PostgreSQL 15 is not installed)');
  } finally {
    await cluster?.stop();
    await rm(work, { recursive: true, force: true });
  }
}
