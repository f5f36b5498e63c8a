/**
 * The gateway, compiled (`npm run build`) and in its own process as in production, against a
 * fresh local wiki:
 * 1. cold reads: the same 100 wiki pages (content, last revision, contributors, categories)
 *    through a GraphQL query with the read cache emptied first, vs direct batched API calls
 *    (the same bot, no gateway), alternating, 50 pairs;
 * 2. throughput, 200 connections, 20 s per server (after a 2 s warm-up): a bare Apollo
 *    Server 5 + Express 5 `{ hello }` (bench/bare-apollo-server.ts), Pollen's upstream-free
 *    curriculum query and a wiki-backed module query (its page edited early in the first of its
 *    rounds), in turns of 2 s (ten each, so a busy machine weighs on the three alike), with the
 *    wiki API calls made;
 * 3. limits: a fragment-doubling document (2^30 fields from 30 lines) refused by the gateway
 *    vs graphql-js parsing and validating the same kind of text in this process (bench/limits.ts);
 * 4. memory: exactly 100,000 mixed requests to a fresh gateway started as `npm start` starts it
 *    (package.json's start script, read, not copied), resident memory after 50,000 and 100,000,
 *    and the share of them the answer cache answered (src/graphql/answer-cache).
 * Every server runs with the start script's variables and node options, the baseline too.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCurriculum } from '../src/curriculum/loader.js';
import { publishCurriculum } from '../src/curriculum/publish/index.js';
import { WikiClient } from '../src/wiki/index.js';
import { measure, median, printTable, startBenchWiki, type BenchWiki } from './support.js';
import { fragmentDoublingLine } from './limits.js';
import { fairnessRun } from './fairness.js';
import { alternating, fixedLoad, startCommand, startServerProcess, throughput, type LoadResult, type ServerProcess } from './throughput.js';

const PAGES = 100;
const RUNS = 50;
const CONNECTIONS = 200;
const SECONDS = 20;
/** The bare, upstream-free and wiki-backed runs alternate in this many rounds of SECONDS / ROUNDS each. */
const ROUNDS = 10;
const MEMORY_REQUESTS = 100_000;
/**
 * These runs flood from one address (127.0.0.1) on purpose: the per-address request budget is set
 * out of reach (still checked on every request), so they measure what they measured before it.
 * bench/fairness.ts measures the default budget.
 */
const GENEROUS_BUDGET = { POLLEN_RATE_LIMIT_ANONYMOUS_PER_SECOND: '1000000000', POLLEN_RATE_LIMIT_ANONYMOUS_BURST: '1000000000' };

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const QUERY = `query($t: [String!]!) { wikiPages(titles: $t) {
  title exists pageId summary contributors categories lastRevision { id timestamp user comment } } }`;
const UPSTREAM_FREE = '{ curriculum { modules { slug title } } }';
const WIKI_BACKED = '{ module(slug: "logiciel-libre") { title wikiPage { exists lastRevision { user } } } }';

function pageText(i: number): string {
  const para = `La fiche ${i} décrit un outil libre utilisé par des associations : usages, hébergeurs CHATONS, conseils de prise en main et retours d'expérience de bénévoles. `;
  return `${para.repeat(6)}\n\n== Usages ==\n* Partage de fichiers\n* Agenda partagé\n\n[[Catégorie:Fiche outil]]`;
}

/**
 * The baseline: the same query sent straight to the API (as the same logged-in bot, so 500
 * titles per call are allowed), batched and following `continue`, with no gateway in between.
 */
async function directFetch(bot: WikiClient, titles: string[], counter: { calls: number }): Promise<number> {
  let pages = 0;
  let cont: Record<string, string> = {};
  for (;;) {
    counter.calls++;
    const body = (await bot.request({
      // The same request as the gateway's: redirects followed, as a reader expects.
      action: 'query', titles: titles.join('|'), redirects: true,
      prop: 'revisions|info|contributors|categories', rvprop: 'ids|timestamp|user|comment|content', rvslots: 'main',
      pclimit: 'max', cllimit: 'max', ...cont,
    })) as { query: { pages: unknown[] }; continue?: Record<string, string> };
    pages = body.query.pages.length;
    if (!body.continue) return pages;
    cont = body.continue;
  }
}

interface GatewayFigures {
  apiCalls: number;
  polls: number;
  pollFailures: number;
  misses: number;
  hits: number;
  entries: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
}

async function figures(gateway: ServerProcess): Promise<GatewayFigures> {
  return (await (await fetch(`${gateway.adminUrl}/bench/wiki-calls`)).json()) as GatewayFigures;
}

async function post(url: string, body: unknown): Promise<Record<string, any>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as Record<string, any>;
}

async function coldReads(gateway: ServerProcess, bot: WikiClient, titles: string[]): Promise<void> {
  const clearCache = () => post(`${gateway.adminUrl}/bench/cache/clear`, {});
  const viaGateway = async () => {
    const body = await post(`${gateway.url}/graphql`, { query: QUERY, variables: { t: titles } });
    if (body.data?.wikiPages?.length !== PAGES) throw new Error('gateway returned the wrong number of pages');
  };
  const counter = { calls: 0 };
  const direct = async () => {
    if ((await directFetch(bot, titles, counter)) !== PAGES) throw new Error('direct read returned the wrong number of pages');
  };
  const gatewayTimes: number[] = [];
  const directTimes: number[] = [];
  await measure(0, 3, async () => { await clearCache(); await viaGateway(); await direct(); });
  let gatewayCalls = 0;
  counter.calls = 0;
  for (let i = 0; i < RUNS; i++) {
    await clearCache(); // untimed: every measured gateway read is a cold one
    const before = await figures(gateway);
    gatewayTimes.push(...(await measure(1, 0, viaGateway)));
    const after = await figures(gateway);
    // Page reads only: a change-feed poll may fall inside a run.
    gatewayCalls += after.apiCalls - before.apiCalls - (after.polls - before.polls);
    directTimes.push(...(await measure(1, 0, direct)));
  }
  const g = median(gatewayTimes);
  const d = median(directTimes);
  // Each pair runs back to back, so drift on a busy 2-core machine hits both alike.
  const pairRatio = median(gatewayTimes.map((t, i) => t / directTimes[i]!));
  printTable(`Gateway, cold cache: ${PAGES} wiki pages, ${RUNS} runs each (median)`, [
    ['direct batched API calls', `${d.toFixed(1)} ms, ${(counter.calls / RUNS).toFixed(1)} API calls per read`],
    ['gateway wikiPages query', `${g.toFixed(1)} ms, ${(gatewayCalls / RUNS).toFixed(1)} API calls per query`],
    ['ratio of medians', `${(g / d).toFixed(2)}`],
    ['median of paired ratios', `${pairRatio.toFixed(2)} (aim: <= 1.15)`],
  ]);
}

async function throughputRuns(gateway: ServerProcess, bot: WikiClient): Promise<void> {
  const bare = await startServerProcess(`${ROOT}dist/bench/bare-apollo-server.js`);
  // Early in the first wiki-backed round, the module's page changes on the wiki (not through this
  // gateway): the change feed must find it and the page be read once again.
  const modulePage = (await post(`${gateway.url}/graphql`, { query: '{ module(slug: "logiciel-libre") { wikiPageTitle } }' })).data.module.wikiPageTitle as string;
  let edit: NodeJS.Timeout | undefined;
  const editSoon = (round: number) => {
    if (round !== 0) return;
    edit = setTimeout(() => {
      void bot.getPages([modulePage], { content: true }).then((pages) =>
        bot.edit({ title: modulePage, text: `${pages.get(modulePage)?.content ?? ''}\n<!-- relu pendant le banc d’essai -->`, summary: 'Banc d’essai : relecture' }),
      );
    }, 1000);
  };
  let runs;
  let before;
  let after;
  try {
    await throughput(bare.url, '{ hello }', CONNECTIONS, 2); // warm-up
    await throughput(gateway.url, UPSTREAM_FREE, CONNECTIONS, 2);
    await throughput(gateway.url, WIKI_BACKED, CONNECTIONS, 2);
    before = await figures(gateway);
    // In turns, so that other work on the machine weighs on the three alike.
    runs = await alternating([
      { url: bare.url, query: '{ hello }' },
      { url: gateway.url, query: UPSTREAM_FREE },
      { url: gateway.url, query: WIKI_BACKED, before: editSoon },
    ], CONNECTIONS, ROUNDS, SECONDS / ROUNDS);
    after = await figures(gateway);
  } finally {
    clearTimeout(edit);
    await bare.stop();
  }
  const [bareRun, free, wiki] = runs.results as [LoadResult, LoadResult, LoadResult];
  const polls = after.polls - before.polls;
  const reads = after.apiCalls - before.apiCalls - polls;
  const byRound = (i: number, j: number) => runs.totalsByRound.map((t) => (t[i]! / Math.max(1, t[j]!)).toFixed(2)).join(', ');
  printTable(`Throughput: ${CONNECTIONS} connections, ${SECONDS} s each, gateway compiled in its own process`, [
    ['rounds (bare, upstream-free, wiki-backed) in turn', `${ROUNDS} of ${SECONDS / ROUNDS} s each`],
    ['upstream-free/bare by round', byRound(1, 0)],
    ['wiki-backed/upstream-free by round', byRound(2, 1)],
    ['bare Apollo { hello }', `${bareRun.requestsPerSecond.toFixed(0)} req/s, p50 ${bareRun.p50Ms} ms, p99 ${bareRun.p99Ms} ms, ${bareRun.failures} failed`],
    ['upstream-free curriculum', `${free.requestsPerSecond.toFixed(0)} req/s, p50 ${free.p50Ms} ms, p99 ${free.p99Ms} ms, ${free.failures} failed`],
    ['wiki-backed module', `${wiki.requestsPerSecond.toFixed(0)} req/s, p50 ${wiki.p50Ms} ms, p99 ${wiki.p99Ms} ms, ${wiki.failures} failed`],
    ['wiki API calls in those rounds', `${after.apiCalls - before.apiCalls} for ${wiki.total} wiki-backed requests: ${polls} change-feed polls (one per 10 s interval), ${reads} page reads (1 changed title)`],
  ]);
  console.log(`throughput upstream-free/bare-apollo ratio ${(free.requestsPerSecond / bareRun.requestsPerSecond).toFixed(2)}`);
  console.log(`throughput wiki-backed/upstream-free ratio ${(wiki.requestsPerSecond / free.requestsPerSecond).toFixed(2)}`);
}

/** One series of the Prometheus text on /metrics (the first line of that name, labels ignored). */
function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return Number(line?.slice(line.lastIndexOf(' ') + 1) ?? NaN);
}

/**
 * 100,000 mixed requests, exactly (autocannon `amount`), against a fresh gateway started as
 * `npm start` starts it (package.json's start script: its variables, node options and
 * dist/src/main.js) in a scratch folder, with the bench wiki as WIKI_API_URL. The RSS line is
 * printed only when every one of the 100,000 requests was answered with a 2xx.
 */
async function memoryRun(wiki: BenchWiki, titles: string[], slugs: string[]): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'pollen-bench-memory-'));
  const env: Record<string, string> = {
    HOST: '127.0.0.1', WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword,
    POLLEN_STORE_PATH: path.join(work, 'pollen.sqlite'), POLLEN_CURRICULUM_DIR: `${ROOT}course-modules`, ...GENEROUS_BUDGET,
  };
  // The bench's own settings (a developer's WIKI_API_URL, POLLEN_DATABASE_URL...) do not leak in.
  const inherited = Object.keys(process.env).filter((name) => /^(WIKI_|MOODLE_|POLLEN_)/.test(name));
  const saved = Object.fromEntries(inherited.map((name) => [name, process.env[name]]));
  for (const name of inherited) delete process.env[name];
  let gateway: ServerProcess | undefined;
  try {
    gateway = await startServerProcess(`${ROOT}${startCommand().script}`, { env, cwd: work, readyText: 'Pollen gateway ready' });
  } finally {
    Object.assign(process.env, saved);
  }
  try {
    let i = 0;
    const mix = [
      () => ({ query: UPSTREAM_FREE }),
      () => ({ query: 'query($s: String!) { module(slug: $s) { title wikiPage { exists lastRevision { user } } } }', variables: { s: slugs[i++ % slugs.length] } }),
      () => ({ query: 'query($t: String!) { wikiPage(title: $t) { exists summary contributors categories } }', variables: { t: titles[i++ % titles.length] } }),
      // 500 distinct titles the wiki does not have: the cache's keys, not just its hits.
      () => ({ query: 'query($t: String!) { wikiPage(title: $t) { exists } }', variables: { t: `Page absente ${i++ % 500}` } }),
    ];
    const startRss = gateway.rssMb();
    const half = MEMORY_REQUESTS / 2;
    const first = await fixedLoad(gateway.url, mix, half, CONNECTIONS);
    const midRss = gateway.rssMb();
    const second = await fixedLoad(gateway.url, mix, half, CONNECTIONS);
    const endRss = gateway.rssMb();
    const answered = first.total + second.total;
    const failed = first.failures + second.failures;
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    const mb = (name: string) => (metric(metrics, name) / 2 ** 20).toFixed(0);
    const answerHits = metric(metrics, 'pollen_answer_cache_hits_total');
    const answerMisses = metric(metrics, 'pollen_answer_cache_misses_total');
    printTable(`Memory: ${MEMORY_REQUESTS} mixed requests (curriculum, module + wiki page, 100 pages, 500 missing titles), \`npm start\` process`, [
      ['requests answered', `${answered} (${failed} failed), ${((first.requestsPerSecond + second.requestsPerSecond) / 2).toFixed(0)} req/s`],
      ['node command', `${Object.entries(startCommand().env).map(([k, v]) => `${k}=${v} `).join('')}node ${startCommand().nodeArgs.join(' ')} ${startCommand().script}`],
      ['rss at start', `${startRss.toFixed(0)} MB`],
      ['rss after 50000 requests', `${midRss.toFixed(0)} MB`],
      ['growth 50000 -> 100000', `${(endRss - midRss).toFixed(1)} MB`],
      ['V8 heap at the end', `${mb('pollen_nodejs_heap_size_used_bytes')} MB used of ${mb('pollen_nodejs_heap_size_total_bytes')} MB, ${mb('pollen_nodejs_external_memory_bytes')} MB external`],
      ['wiki cache', `${metric(metrics, 'pollen_wiki_cache_entries')} pages, ${metric(metrics, 'pollen_wiki_cache_hits_total')} hits, ${metric(metrics, 'pollen_wiki_cache_misses_total')} misses, ${metric(metrics, 'pollen_wiki_cache_polls_total')} feed polls`],
      ['parsed documents kept', `${metric(metrics, 'pollen_graphql_document_cache_entries')}`],
      ['answer cache', `${answerHits} hits, ${answerMisses} misses, ${metric(metrics, 'pollen_answer_cache_entries')} answers kept (${(metric(metrics, 'pollen_answer_cache_bytes') / 1024).toFixed(0)} KB), ${metric(metrics, 'pollen_answer_cache_evictions_total')} evictions, ${metric(metrics, 'pollen_answer_cache_invalidations_total')} invalidations`],
    ]);
    // Only a complete run gets the contract line: a count short of 100000 is not that figure.
    if (answered !== MEMORY_REQUESTS || failed !== 0) {
      throw new Error(`memory run incomplete: ${answered} of ${MEMORY_REQUESTS} requests answered, ${failed} failed; no rss line printed`);
    }
    console.log(`answer cache hit ratio in the mixed ${answered}-request run ${(answerHits / (answerHits + answerMisses)).toFixed(3)}`);
    console.log(`rss after ${answered} requests ${endRss.toFixed(0)} MB`);
  } finally {
    await gateway.stop();
    await rm(work, { recursive: true, force: true });
  }
}

export default async function run(): Promise<void> {
  // As in production: the compiled gateway, fresh from the sources.
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  const wiki = await startBenchWiki();
  let gateway: ServerProcess | undefined;
  try {
    const bot = await WikiClient.connect({ apiUrl: wiki.apiUrl, username: wiki.botUser, password: wiki.botPassword });
    const titles = Array.from({ length: PAGES }, (_, i) => `Fiche outil ${i + 1}`);
    for (const [i, title] of titles.entries()) await bot.edit({ title, text: pageText(i + 1), summary: 'Banc d’essai', createOnly: true });
    const curriculum = await loadCurriculum(`${ROOT}course-modules`);
    await publishCurriculum(bot, curriculum);

    const wikiEnv = { BENCH_WIKI_API_URL: wiki.apiUrl, BENCH_WIKI_USER: wiki.botUser, BENCH_WIKI_PASSWORD: wiki.botPassword, BENCH_CURRICULUM_DIR: `${ROOT}course-modules` };
    gateway = await startServerProcess(`${ROOT}dist/bench/gateway-server.js`, { env: { ...wikiEnv, ...GENEROUS_BUDGET } });
    await coldReads(gateway, bot, titles);
    await throughputRuns(gateway, bot);
    console.log('');
    await fragmentDoublingLine(gateway.url);
    await gateway.stop();
    await fairnessRun(wikiEnv);
    await memoryRun(wiki, titles, curriculum.map((m) => m.slug));
  } finally {
    await gateway?.stop();
    await wiki.stop();
  }
}
