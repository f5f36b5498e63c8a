/**
 * The gateway in its own process, wired as `npm start` wires it (buildRuntime: the shared wiki
 * read cache, store, auth, notes), for bench/gateway.ts; run compiled (`npm run build`). Reads
 * the wiki from the environment, listens on BENCH_PORT, and adds bench-only routes: the wiki
 * client's API calls and the cache's figures, and emptying the cache (cold reads).
 */
import { pino } from 'pino';
import { buildRuntime } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { createGateway } from '../src/server.js';

const config = loadConfig({
  WIKI_API_URL: process.env.BENCH_WIKI_API_URL,
  WIKI_BOT_USER: process.env.BENCH_WIKI_USER,
  WIKI_BOT_PASSWORD: process.env.BENCH_WIKI_PASSWORD,
  POLLEN_STORE_PATH: ':memory:',
  POLLEN_CURRICULUM_DIR: process.env.BENCH_CURRICULUM_DIR ?? 'course-modules',
});
const logger = pino({ level: 'warn' });
const runtime = await buildRuntime(config, logger);
const { app } = await createGateway(runtime.deps, { logger, processMetrics: true });
app.get('/bench/wiki-calls', (_req, res) => {
  const { polls, pollFailures, misses, hits, entries } = runtime.wikiCache.stats;
  const { heapUsed, heapTotal, external } = process.memoryUsage();
  res.json({ apiCalls: runtime.gatewayWiki.stats.apiCalls, polls, pollFailures, misses, hits, entries, heapUsedMb: heapUsed / 2 ** 20, heapTotalMb: heapTotal / 2 ** 20, externalMb: external / 2 ** 20 });
});
app.post('/bench/cache/clear', (_req, res) => {
  runtime.wikiCache.clear();
  res.json({ cleared: true });
});
const server = app.listen(Number(process.env.BENCH_PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
process.once('SIGTERM', () => {
  runtime.close();
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
