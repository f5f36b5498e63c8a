/**
 * Fairness under a flood (issue 20, item 6), for bench/gateway.ts: the gateway in its own
 * process (dist/bench/gateway-server.js) with the default request budgets, a polite client on
 * 127.0.0.2 sending one request every POLITE_INTERVAL_MS on a new connection (under the default
 * 10 requests/s), alone, then while 200 connections from 127.0.0.1 (autocannon, its own process)
 * send requests back to back, in alternating rounds. The polite client's p99, flood versus alone,
 * is the figure.
 * Also measured: what a bucket costs in memory against the same bucket in the SQLite store.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { TokenBuckets } from '../src/rate-limit.js';
import { printTable } from './support.js';
import { startServerProcess } from './throughput.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const QUERY = JSON.stringify({ query: '{ curriculum { modules { slug title } } }' });
const FLOOD_CONNECTIONS = 200;
/** Polite requests alone and during the flood, in ROUNDS alternating rounds (drift on a busy machine hits both alike). */
const POLITE_REQUESTS = 200;
const ROUNDS = 2;
const POLITE_INTERVAL_MS = 100;

/** One POST on a new connection from `from`; resolves with the status and the time to the whole answer. */
function timedRequest(url: string, from: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(`${url}/graphql`, { method: 'POST', localAddress: from, agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on('error', reject);
    req.end(QUERY);
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))] ?? NaN;
}

async function politeRun(url: string, requests: number): Promise<{ times: number[]; failures: number }> {
  const times: number[] = [];
  let failures = 0;
  for (let i = 0; i < requests; i++) {
    const next = performance.now() + POLITE_INTERVAL_MS;
    const { status, ms } = await timedRequest(url, '127.0.0.2');
    if (status === 200) times.push(ms);
    else failures++;
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return { times, failures };
}

function summary(run: { times: number[]; failures: number }): { p50: number; p99: number; max: number; failures: number } {
  return { p50: percentile(run.times, 0.5), p99: percentile(run.times, 0.99), max: Math.max(...run.times), failures: run.failures };
}

/** autocannon in its own process: 200 connections from 127.0.0.1 for `seconds`; its JSON summary. */
function flood(url: string, seconds: number): { done: Promise<{ ok: number; refused: number }> } {
  const child = spawn(path.join(ROOT, 'node_modules/.bin/autocannon'), [
    '-j', '-c', String(FLOOD_CONNECTIONS), '-d', String(seconds), '-m', 'POST', '-H', 'content-type=application/json', '-b', QUERY, `${url}/graphql`,
  ], { stdio: ['ignore', 'pipe', 'ignore'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<{ ok: number; refused: number }>((resolve, reject) => {
    child.once('exit', () => {
      try {
        const result = JSON.parse(output) as { '2xx': number; non2xx: number };
        resolve({ ok: result['2xx'], refused: result.non2xx });
      } catch (error) {
        reject(new Error(`autocannon gave no summary: ${(error as Error).message}`));
      }
    });
  });
  return { done };
}

/** Microseconds per bucket take: in memory, and as an upsert in a SQLite file (WAL, as the store runs it). */
async function bucketCosts(): Promise<{ memoryUs: number; sqliteUs: number }> {
  const takes = 200_000;
  const buckets = new TokenBuckets({ perSecond: 10, burst: 100 });
  let started = performance.now();
  for (let i = 0; i < takes; i++) buckets.take(`198.51.100.${i % 250}`);
  const memoryUs = ((performance.now() - started) * 1000) / takes;
  const dir = await mkdtemp(path.join(tmpdir(), 'pollen-bench-buckets-'));
  try {
    const db = new Database(path.join(dir, 'buckets.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE buckets (key TEXT PRIMARY KEY, tokens REAL NOT NULL, at REAL NOT NULL)');
    const take = db.prepare(`INSERT INTO buckets (key, tokens, at) VALUES (?, 99, ?)
      ON CONFLICT (key) DO UPDATE SET tokens = min(100, tokens + (excluded.at - at) * 10 / 1000) - 1, at = excluded.at RETURNING tokens`);
    const sqliteTakes = 20_000;
    started = performance.now();
    for (let i = 0; i < sqliteTakes; i++) take.get(`198.51.100.${i % 250}`, performance.now());
    const sqliteUs = ((performance.now() - started) * 1000) / sqliteTakes;
    db.close();
    return { memoryUs, sqliteUs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** CPU time the process has used so far (user + system), in seconds, from /proc. */
function cpuSeconds(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

export async function fairnessRun(wikiEnv: Record<string, string>): Promise<void> {
  // The default budgets: no POLLEN_RATE_LIMIT_* setting reaches this gateway.
  const inherited = Object.keys(process.env).filter((name) => /^POLLEN_(RATE_LIMIT|UPSTREAM_BUDGET)_/.test(name));
  const saved = Object.fromEntries(inherited.map((name) => [name, process.env[name]]));
  for (const name of inherited) delete process.env[name];
  let gateway;
  try {
    gateway = await startServerProcess(`${ROOT}dist/bench/gateway-server.js`, { env: wikiEnv });
  } finally {
    Object.assign(process.env, saved);
  }
  try {
    await politeRun(gateway.url, 20).catch(() => undefined); // warm-up (documents compiled, connections)
    const perRound = POLITE_REQUESTS / ROUNDS;
    const seconds = Math.ceil((perRound * POLITE_INTERVAL_MS) / 1000) + 4;
    const aloneRun = { times: [] as number[], failures: 0 };
    const floodRun = { times: [] as number[], failures: 0 };
    const flooded = { ok: 0, refused: 0 };
    let aloneCpu = 0;
    let floodCpu = 0;
    for (let round = 0; round < ROUNDS; round++) {
      let cpu = cpuSeconds(gateway.child.pid);
      let started = performance.now();
      const alone = await politeRun(gateway.url, perRound);
      aloneCpu += (cpuSeconds(gateway.child.pid) - cpu) / ((performance.now() - started) / 1000) / ROUNDS;
      aloneRun.times.push(...alone.times);
      aloneRun.failures += alone.failures;
      const flooding = flood(gateway.url, seconds);
      await new Promise((r) => setTimeout(r, 2000)); // the flood is under way, its burst spent
      cpu = cpuSeconds(gateway.child.pid);
      started = performance.now();
      const underFlood = await politeRun(gateway.url, perRound);
      floodCpu += (cpuSeconds(gateway.child.pid) - cpu) / ((performance.now() - started) / 1000) / ROUNDS;
      floodRun.times.push(...underFlood.times);
      floodRun.failures += underFlood.failures;
      const answered = await flooding.done;
      flooded.ok += answered.ok;
      flooded.refused += answered.refused;
    }
    const alone = summary(aloneRun);
    const underFlood = summary(floodRun);
    const costs = await bucketCosts();
    printTable(`Fairness: the default request budget (10/s, burst 100 per address), ${FLOOD_CONNECTIONS} connections flooding from 127.0.0.1`, [
      ['polite client alone (127.0.0.2)', `p50 ${alone.p50.toFixed(1)} ms, p99 ${alone.p99.toFixed(1)} ms, max ${alone.max.toFixed(1)} ms, ${alone.failures} refused or failed of ${POLITE_REQUESTS}`],
      ['polite client during the flood', `p50 ${underFlood.p50.toFixed(1)} ms, p99 ${underFlood.p99.toFixed(1)} ms, max ${underFlood.max.toFixed(1)} ms, ${underFlood.failures} refused or failed of ${POLITE_REQUESTS}`],
      ['flooding address', `${flooded.ok} answered, ${flooded.refused} refused (429) in ${ROUNDS} floods of ${seconds} s`],
      ['gateway CPU, alone / during the flood', `${(aloneCpu * 100).toFixed(0)} % / ${(floodCpu * 100).toFixed(0)} % of one core`],
      ['bucket take, in memory', `${costs.memoryUs.toFixed(2)} µs`],
      ['bucket take, SQLite upsert (WAL)', `${costs.sqliteUs.toFixed(1)} µs (PostgreSQL adds a network round trip)`],
    ]);
    console.log(`fairness: 1 flooding address (${FLOOD_CONNECTIONS} conns) + 1 polite client: polite p99 ${underFlood.p99.toFixed(1)} ms vs alone ${alone.p99.toFixed(1)} ms, ratio ${(underFlood.p99 / alone.p99).toFixed(2)}`);
  } finally {
    await gateway.stop();
  }
}
