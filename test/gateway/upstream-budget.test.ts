/**
 * Issue 20, item 2: aliases do not turn the gateway into an amplifier. Every request has an
 * upstream budget (calls to the wiki and Moodle), counted from the document before anything
 * runs; aliases that can share a call share it. Calls are counted on a real wiki through the
 * gateway's own /metrics (`pollen_upstream_requests_total`, every HTTP request to api.php).
 */
import { getIntrospectionQuery, parse } from 'graphql';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRuntime, type Runtime } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { makeExecutableSchema } from '../../src/graphql/executable-schema.js';
import { UPSTREAM_COSTS, defaultUpstreamBudget, measureUpstreamCalls } from '../../src/graphql/upstream-budget.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { startGateway, type RunningGateway } from './http.js';

const FACILITATOR_TOKEN = 'budget-facilitator-token-0123456789abcdef';

let wiki: LocalWiki;
let runtime: Runtime;
let gateway: RunningGateway;

beforeAll(async () => {
  wiki = await startWiki();
  const config = loadConfig({
    WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword, POLLEN_STORE_PATH: ':memory:',
    POLLEN_FACILITATOR_TOKENS: FACILITATOR_TOKEN,
    // The read cache polls the wiki's changes every N seconds: once an hour, so no poll falls inside a count.
    POLLEN_WIKI_CACHE_STALENESS_SECONDS: '3600',
  });
  runtime = await buildRuntime(config, pino({ level: 'silent' }));
  // The read cache's first read of the change feed, started with it: done before anything is counted.
  await runtime.wikiCache.poll();
  // The defaults (10 anonymous, 100 facilitators), as `npm start` passes them.
  expect(config.upstreamBudget).toEqual({ anonymous: 10, facilitator: 100 });
  gateway = await startGateway(runtime.deps, { metrics: runtime.metrics, upstreamBudget: config.upstreamBudget });
});

afterAll(async () => {
  await gateway?.close();
  runtime?.close();
  await wiki?.stop();
});

/** Every HTTP request the process sent to the wiki so far, read from /metrics. */
async function wikiRequests(): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('pollen_upstream_requests_total{') && line.includes('upstream="wiki"')) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** The wiki requests `run` caused. */
async function counted<T>(run: () => Promise<T>): Promise<{ result: T; calls: number }> {
  const before = await wikiRequests();
  const result = await run();
  return { result, calls: (await wikiRequests()) - before };
}

function aliases(n: number, field: (i: number) => string): string {
  return `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field(i)}`).join('\n')} }`;
}

describe('aliased upstream fields cost what they call', () => {
  it('answers 1,000 aliased recentChanges with one wiki call, the same limit or not', async () => {
    const same = await counted(() => gateway.query(aliases(1000, () => 'recentChanges(limit: 5) { title }')));
    expect(same.result.errors).toBeUndefined();
    expect(Object.keys(same.result.data!)).toHaveLength(1000);
    expect(same.result.data!.a999).toEqual(same.result.data!.a0);
    expect(same.calls).toBeLessThanOrEqual(10);
    expect(same.calls).toBe(1);

    const varied = await counted(() => gateway.query(aliases(1000, (i) => `recentChanges(limit: ${(i % 7) + 1}) { title }`)));
    expect(varied.result.errors).toBeUndefined();
    // Each alias gets the first changes of the one call, as many as it asked.
    const [first, seventh] = [varied.result.data!.a0 as unknown[], varied.result.data!.a6 as unknown[]];
    expect(first.length).toBeLessThanOrEqual(1);
    expect(seventh.length).toBeLessThanOrEqual(7);
    expect(seventh.slice(0, first.length)).toEqual(first);
    expect(varied.calls).toBe(1);
  });

  it('answers 900 aliased searches of one text with one wiki call', async () => {
    const { result, calls } = await counted(() => gateway.query(aliases(900, () => 'search(text: "libre", limit: 3) { __typename }')));
    expect(result.errors).toBeUndefined();
    expect(Object.keys(result.data!)).toHaveLength(900);
    expect(calls).toBe(1);
  });

  it('refuses 900 searches of different texts before any call, QUERY_TOO_COSTLY in French', async () => {
    const { result, calls } = await counted(() => gateway.query(aliases(900, (i) => `search(text: "mot ${i}") { __typename }`)));
    expect(result.status).toBe(400);
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', upstreamCalls: 900, maxUpstreamCalls: 10 });
    expect(result.errors?.[0]?.message).toMatch(/^La requête demanderait jusqu’à 900 appels au wiki ou à Moodle ; la limite est de 10 par requête/);
    expect(calls).toBe(0);
  });

  it('refuses distinct searches given as variables, as it refuses literals', async () => {
    const query = `query(${Array.from({ length: 11 }, (_, i) => `$t${i}: String!`).join(', ')}) ${aliases(11, (i) => `search(text: $t${i}) { __typename }`)}`;
    const variables = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`t${i}`, `recherche ${i}`]));
    const refused = await counted(() => gateway.query(query, variables));
    expect(refused.result.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', upstreamCalls: 11 });
    expect(refused.calls).toBe(0);
    // The same document with one text in every variable shares one call.
    const shared = await counted(() => gateway.query(query, Object.fromEntries(Object.keys(variables).map((k) => [k, 'libre']))));
    expect(shared.result.errors).toBeUndefined();
    expect(shared.calls).toBe(1);
  });

  it('gives a signed-in facilitator a larger budget, and refuses them past it', async () => {
    const thirty = aliases(30, (i) => `search(text: "thème ${i}") { __typename }`);
    const anonymous = await counted(() => gateway.query(thirty));
    expect(anonymous.result.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', upstreamCalls: 30, maxUpstreamCalls: 10 });
    expect(anonymous.calls).toBe(0);

    const auth = { authorization: `Bearer ${FACILITATOR_TOKEN}` };
    const facilitator = await counted(() => gateway.query(thirty, undefined, auth));
    expect(facilitator.result.errors).toBeUndefined();
    expect(facilitator.calls).toBe(30);

    const tooMany = await counted(() => gateway.query(aliases(101, (i) => `search(text: "sujet ${i}") { __typename }`), undefined, auth));
    expect(tooMany.result.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', upstreamCalls: 101, maxUpstreamCalls: 100 });
    expect(tooMany.result.errors?.[0]?.message).toMatch(/pour les animateur·rices/);
    expect(tooMany.calls).toBe(0);
  });

  it('counts aliased health, categories and page reads as the data sources batch them', async () => {
    // 400 aliased pages: one DataLoader batch, counted 50 titles per call (8), fewer made (the bot reads 500 per call).
    const pages = await counted(() => gateway.query(aliases(400, (i) => `wikiPage(title: "Page ${i % 50}") { exists }`)));
    expect(pages.result.errors).toBeUndefined();
    expect(pages.calls).toBeLessThanOrEqual(8);
    const health = await counted(() => gateway.query(aliases(200, () => 'health { ok }')));
    expect(health.result.errors).toBeUndefined();
    expect(health.calls).toBe(1);
    const categories = await counted(() => gateway.query(aliases(11, (i) => `category(name: "Catégorie ${i}", limit: 5) { name }`)));
    expect(categories.result.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY' });
    expect(categories.calls).toBe(0);
  });

  it('still answers the README example and GraphiQL’s introspection query', async () => {
    const example = `{
      module(slug: "logiciel-libre") {
        order title estimatedMinutes
        wikiPage { exists url lastRevision { user comment } }
        next { title }
      }
      course { source sections { name } }
    }`;
    const readme = await counted(() => gateway.query(example));
    expect(readme.result.errors).toBeUndefined();
    expect(readme.result.data!.module.title).toEqual(expect.any(String));
    expect(readme.calls).toBeLessThanOrEqual(10);
    const explorer = await gateway.query(`{ curriculum { moduleCount modules { order title wikiPage { exists url lastRevision { timestamp user } } } }
      health { ok upstreams { name ok latencyMs version mode } } }`);
    expect(explorer.errors).toBeUndefined();
    const introspection = await counted(() => gateway.query(getIntrospectionQuery()));
    expect(introspection.result.errors).toBeUndefined();
    expect(introspection.result.data!.__schema).toBeDefined();
    expect(introspection.calls).toBe(0);
  });
});

describe('the upstream measure', () => {
  const schema = makeExecutableSchema();

  it('names only fields the schema has', () => {
    for (const key of Object.keys(UPSTREAM_COSTS)) {
      const [type, field] = key.split('.') as [string, string];
      const found = schema.getType(type);
      expect(found && 'getFields' in found ? Object.keys(found.getFields()) : [], key).toContain(field);
    }
  });

  it('stops walking a fragment-doubling document and refuses it (a bounded walk, whatever N)', () => {
    for (const n of [30, 60]) {
      let text = 'fragment S0 on Query { search(text: "x") { __typename } }\n';
      for (let i = 1; i <= n; i++) text += `fragment S${i} on Query { ...S${i - 1} ...S${i - 1} }\n`;
      const measure = measureUpstreamCalls(schema, parse(`{ ...S${n} }\n${text}`), {}, defaultUpstreamBudget);
      expect(measure.tooLarge).toBe(true);
    }
  });

  it('counts the pages of lists by their size, 50 titles per call', () => {
    const measure = (query: string, variables: Record<string, unknown> = {}) => measureUpstreamCalls(schema, parse(query), variables, defaultUpstreamBudget).calls;
    expect(measure('{ curriculum { modules { wikiPage { exists } } } }')).toBe(1);
    expect(measure('query($t: [String!]!) { wikiPages(titles: $t) { exists } }', { t: Array.from({ length: 120 }, (_, i) => `P${i}`) })).toBe(3);
    expect(measure('{ search(text: "libre", limit: 100) { ... on WikiSearchHit { page { exists } } } }')).toBe(1 + 2);
    expect(measure('{ category(name: "Outils", limit: 500) { members { title } } }')).toBe(1 + 10);
    expect(measure('{ course { id } health { ok } }')).toBe(1);
  });
});
