/**
 * The gateway in its own process, as operators run it, for bench/gateway.ts. Reads the wiki from
 * the environment, listens on BENCH_PORT, and adds one bench-only route reporting the wiki
 * client's API call count.
 */
import { loadCurriculum } from '../src/curriculum/loader.js';
import { createGateway } from '../src/server.js';
import { WikiClient } from '../src/wiki/index.js';

const wiki = await WikiClient.connect({
  apiUrl: process.env.BENCH_WIKI_API_URL ?? '',
  username: process.env.BENCH_WIKI_USER,
  password: process.env.BENCH_WIKI_PASSWORD,
});
const { app } = await createGateway({
  wiki, wikiMode: 'bench wiki', moodle: undefined, curriculum: await loadCurriculum('course-modules'), moodleActivityMap: new Map(), probes: [],
});
app.get('/bench/wiki-calls', (_req, res) => {
  res.json({ apiCalls: wiki.stats.apiCalls });
});
const server = app.listen(Number(process.env.BENCH_PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
