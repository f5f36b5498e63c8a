/**
 * Gateway vs direct: the same 100 wiki pages (content, last revision, contributors, categories)
 * read through a GraphQL query to the gateway, and through direct batched API calls to the wiki
 * (the same bot session, no gateway), alternating in one run. The gateway runs in its own process. Prints medians, the ratio and upstream calls.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WikiClient } from '../src/wiki/index.js';
import { freePort, measure, median, printTable, startBenchWiki } from './support.js';

const PAGES = 100;
const RUNS = 50;

const QUERY = `query($t: [String!]!) { wikiPages(titles: $t) {
  title exists pageId summary contributors categories lastRevision { id timestamp user comment } } }`;

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

export default async function run(): Promise<void> {
  const wiki = await startBenchWiki();
  try {
    const bot = await WikiClient.connect({ apiUrl: wiki.apiUrl, username: wiki.botUser, password: wiki.botPassword });
    const titles = Array.from({ length: PAGES }, (_, i) => `Fiche outil ${i + 1}`);
    for (const [i, title] of titles.entries()) await bot.edit({ title, text: pageText(i + 1), summary: 'Banc d’essai', createOnly: true });

    // The gateway runs in its own process, as in production: the bench client, the gateway and
    // the wiki do not share one event loop.
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./gateway-server.ts', import.meta.url))], {
      env: { ...process.env, BENCH_PORT: String(port), BENCH_WIKI_API_URL: wiki.apiUrl, BENCH_WIKI_USER: wiki.botUser, BENCH_WIKI_PASSWORD: wiki.botPassword },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
    });
    const url = `http://127.0.0.1:${port}/graphql`;
    const gatewayCallCount = async (): Promise<number> =>
      ((await (await fetch(`http://127.0.0.1:${port}/bench/wiki-calls`)).json()) as { apiCalls: number }).apiCalls;
    const viaGateway = async () => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY, variables: { t: titles } }) });
      const body = (await res.json()) as { data: { wikiPages: unknown[] } };
      if (body.data.wikiPages.length !== PAGES) throw new Error('gateway returned the wrong number of pages');
    };
    const counter = { calls: 0 };
    const direct = async () => {
      if ((await directFetch(bot, titles, counter)) !== PAGES) throw new Error('direct read returned the wrong number of pages');
    };

    // Alternate the two so drift on the machine hits both alike.
    const gatewayTimes: number[] = [];
    const directTimes: number[] = [];
    await measure(0, 3, async () => { await viaGateway(); await direct(); });
    let gatewayCalls = 0;
    counter.calls = 0;
    for (let i = 0; i < RUNS; i++) {
      const before = await gatewayCallCount();
      gatewayTimes.push(...(await measure(1, 0, viaGateway)));
      gatewayCalls += (await gatewayCallCount()) - before;
      directTimes.push(...(await measure(1, 0, direct)));
    }
    const g = median(gatewayTimes);
    const d = median(directTimes);
    // Each pair runs back to back, so drift on a busy 2-core machine hits both alike.
    const pairRatio = median(gatewayTimes.map((t, i) => t / directTimes[i]!));
    printTable(`Gateway: ${PAGES} wiki pages, ${RUNS} runs each (median)`, [
      ['direct batched API calls', `${d.toFixed(1)} ms, ${(counter.calls / RUNS).toFixed(1)} API calls per read`],
      ['gateway wikiPages query', `${g.toFixed(1)} ms, ${(gatewayCalls / RUNS).toFixed(1)} API calls per query`],
      ['ratio of medians', `${(g / d).toFixed(2)}`],
      ['median of paired ratios', `${pairRatio.toFixed(2)} (aim: <= 1.15)`],
    ]);
    child.kill('SIGTERM');
  } finally {
    await wiki.stop();
  }
}
