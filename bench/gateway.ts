/**
 * Gateway vs direct: the same 100 wiki pages (content, last revision, contributors, categories)
 * read through a GraphQL query to the gateway, and through direct batched API calls to the wiki
 * (the same bot session, no gateway), alternating in one run. Prints medians, the ratio and upstream calls.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadCurriculum } from '../src/curriculum/loader.js';
import { createGateway } from '../src/server.js';
import { WikiClient } from '../src/wiki/index.js';
import { measure, median, printTable, startBenchWiki } from './support.js';

const PAGES = 100;
const RUNS = 30;

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

    const { app, apollo } = await createGateway({
      wiki: bot, wikiMode: 'bench wiki', moodle: undefined, curriculum: await loadCurriculum('course-modules'),
      moodleActivityMap: new Map(), probes: [],
    });
    const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
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
      const before = bot.stats.apiCalls;
      gatewayTimes.push(...(await measure(1, 0, viaGateway)));
      gatewayCalls += bot.stats.apiCalls - before;
      directTimes.push(...(await measure(1, 0, direct)));
    }
    const g = median(gatewayTimes);
    const d = median(directTimes);
    printTable(`Gateway: ${PAGES} wiki pages, ${RUNS} runs each (median)`, [
      ['direct batched API calls', `${d.toFixed(1)} ms, ${(counter.calls / RUNS).toFixed(1)} API calls per read`],
      ['gateway wikiPages query', `${g.toFixed(1)} ms, ${(gatewayCalls / RUNS).toFixed(1)} API calls per query`],
      ['ratio gateway / direct', `${(g / d).toFixed(2)} (aim: <= 1.15)`],
    ]);
    server.close();
    await apollo.stop();
  } finally {
    await wiki.stop();
  }
}
