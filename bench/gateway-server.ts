/**
 * The gateway in its own process, wired as `npm start` wires it (buildRuntime: the shared wiki
 * read cache, store, auth, notes), for bench/gateway.ts; run compiled (`npm run build`). Reads
 * the wiki from the environment and serves the gateway's own Express app on BENCH_PORT, as
 * `npm start` serves it. Bench-only routes listen on BENCH_ADMIN_PORT, a second port, so they add
 * nothing to the measured app: the wiki client's API calls and the cache's figures, emptying the
 * cache (cold reads), and the process's memory (`/bench/memory`: RSS, V8 heap by space; `?gc`
 * forces a full GC first, `?snapshot=<file>` writes a heap snapshot) for bench/memory-probe.ts.
 */
import type { Server } from 'node:http';
import { getHeapSpaceStatistics, setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import express from 'express';
import { pino } from 'pino';
import { buildRuntime } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { createGateway } from '../src/server.js';
import { readChangeVersions } from '../src/store/changes.js';

const config = loadConfig({
  WIKI_API_URL: process.env.BENCH_WIKI_API_URL,
  WIKI_BOT_USER: process.env.BENCH_WIKI_USER,
  WIKI_BOT_PASSWORD: process.env.BENCH_WIKI_PASSWORD,
  POLLEN_STORE_PATH: ':memory:',
  POLLEN_CURRICULUM_DIR: process.env.BENCH_CURRICULUM_DIR ?? 'course-modules',
  // The request and upstream budgets as the bench sets them (bench/gateway.ts: generous for the
  // throughput runs, which flood from one address; the defaults for bench/fairness.ts).
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => /^POLLEN_(RATE_LIMIT|UPSTREAM_BUDGET|ANSWER_CACHE)_/.test(name))),
});
const logger = pino({ level: 'warn' });
const runtime = await buildRuntime(config, logger);
const { app: gateway } = await createGateway(runtime.deps, {
  logger, processMetrics: true, rateLimit: config.rateLimit, upstreamBudget: config.upstreamBudget,
  // As `npm start` wires it (src/main.ts).
  answerCache: { ...config.answerCache, storeChanges: () => readChangeVersions(runtime.database) },
});
const app = express();
app.get('/bench/wiki-calls', (_req, res) => {
  const { polls, pollFailures, misses, hits, entries } = runtime.wikiCache.stats;
  const { heapUsed, heapTotal, external } = process.memoryUsage();
  res.json({ apiCalls: runtime.gatewayWiki.stats.apiCalls, polls, pollFailures, misses, hits, entries, heapUsedMb: heapUsed / 2 ** 20, heapTotalMb: heapTotal / 2 ** 20, externalMb: external / 2 ** 20 });
});
app.get('/bench/memory', (req, res) => {
  if (req.query.gc !== undefined) {
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
  }
  if (typeof req.query.snapshot === 'string') writeHeapSnapshot(req.query.snapshot);
  const mb = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;
  const usage = process.memoryUsage();
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, { size: mb(s.space_size), used: mb(s.space_used_size) }]));
  res.json({ rss: mb(usage.rss), heapTotal: mb(usage.heapTotal), heapUsed: mb(usage.heapUsed), external: mb(usage.external), arrayBuffers: mb(usage.arrayBuffers), spaces });
});
app.post('/bench/cache/clear', (_req, res) => {
  runtime.wikiCache.clear();
  res.json({ cleared: true });
});
const admin = await new Promise<Server>((resolve) => {
  const listening: Server = app.listen(Number(process.env.BENCH_ADMIN_PORT), '127.0.0.1', () => resolve(listening));
});
const server = gateway.listen(Number(process.env.BENCH_PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
process.once('SIGTERM', () => {
  runtime.close();
  admin.close();
  admin.closeAllConnections();
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
