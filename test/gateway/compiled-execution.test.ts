/**
 * The gateway runs operations as functions compiled once per document (graphql-jit,
 * src/graphql/executor.ts). These specs hold it to graphql-js: the same requests sent to a
 * compiled and to an interpreted gateway over the same runtime (real wiki, store, curriculum)
 * get the same HTTP status and the same JSON body, errors included; and a document is compiled
 * once, then reused.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRuntime, type Runtime } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { createGateway, type Gateway } from '../../src/server.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Served {
  url: string;
  gateway: Gateway;
  server: Server;
}

const TOKEN = 'facilitator-token-compiled-execution-0123';
const VIEWERS: Array<[string, Record<string, string>]> = [['anonymous', {}], ['a facilitator', { authorization: `Bearer ${TOKEN}` }]];

let wiki: LocalWiki;
let runtime: Runtime;
let compiled: Served;
let interpreted: Served;

async function serve(execution: 'compiled' | 'interpreted'): Promise<Served> {
  const gateway = await createGateway(runtime.deps, { execution });
  const server: Server = await new Promise((resolve) => {
    const s = gateway.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, gateway, server };
}

async function post(target: Served, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${target.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  wiki = await startWiki();
  await wiki.createPages([
    { title: 'Nextcloud', text: "'''Nextcloud''' est une suite collaborative libre que des [[CHATONS]] hébergent.\n\n[[Catégorie:Logiciel libre]]" },
    { title: 'Framadate', text: 'Framadate sert à organiser des rendez-vous sans compte.\n[[Catégorie:Logiciel libre]]' },
  ]);
  const config = loadConfig({ WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword, POLLEN_STORE_PATH: ':memory:', POLLEN_FACILITATOR_TOKENS: TOKEN });
  runtime = await buildRuntime(config, pino({ level: 'silent' }));
  compiled = await serve('compiled');
  interpreted = await serve('interpreted');
});

afterAll(async () => {
  for (const served of [compiled, interpreted]) {
    if (!served) continue;
    await new Promise((resolve) => served.server.close(resolve));
    await served.gateway.apollo.stop();
  }
  runtime?.close();
  await wiki?.stop();
});

/** Requests covering what an executor must get right; each is sent to both gateways. */
const REQUESTS: Array<[string, { query: string; variables?: Record<string, unknown>; operationName?: string }]> = [
  ['nested lists, objects and scalars', { query: `{ curriculum { moduleCount totalMinutes modules { slug title order estimatedMinutes objectives activities { __typename } quiz { __typename } group { key title } prerequisites { slug } previous { slug } next { slug } }
    groups { key title modules { slug } } } }` }],
  ['named and inline fragments, aliases, __typename', {
    query: `query Parcours { ...Racine premier: module(slug: "logiciel-libre") { __typename ...Module ... on CurriculumModule { titre: title } } absent: module(slug: "nulle-part") { slug } }
      fragment Racine on Query { curriculum { modules { ...Module } } }
      fragment Module on CurriculumModule { slug order }`,
  }],
  ['@include and @skip from variables (true)', { query: 'query($avec: Boolean!, $s: String!) { module(slug: $s) { slug title @include(if: $avec) summary @skip(if: $avec) } }', variables: { avec: true, s: 'logiciel-libre' } }],
  ['@include and @skip from variables (false)', { query: 'query($avec: Boolean!, $s: String!) { module(slug: $s) { slug title @include(if: $avec) summary @skip(if: $avec) } }', variables: { avec: false, s: 'logiciel-libre' } }],
  ['one operation of several, by name', { query: 'query A { curriculum { moduleCount } } query B { module(slug: "logiciel-libre") { slug } }', operationName: 'B' }],
  ['wiki pages, present and missing', { query: '{ wikiPage(title: "Nextcloud") { title exists url summary contributors categories lastRevision { user comment } } manquante: wikiPage(title: "Page absente") { exists summary } wikiPages(titles: ["Framadate", "Nextcloud"]) { title exists } }' }],
  ['a union resolved by type', { query: '{ search(text: "libre", limit: 6) { __typename ... on ModuleSearchHit { module { slug } snippet } ... on WikiSearchHit { title page { exists } } } }' }],
  ['the embedded course', { query: '{ course { fullName shortName source sections { number name activities { name type tracksCompletion } } } }' }],
  ['a default argument and a variable list size', { query: 'query($n: Int) { category(name: "Logiciel libre") { name members { title } } recentChanges(limit: $n) { title type bot } }', variables: { n: 3 } }],
  ['a field that needs a sign-in (error and null)', { query: '{ curriculum { moduleCount } notesQueue { total counts { __typename } } }' }],
  ['a non-null field that fails, propagating null', { query: '{ cohort { stalledAfterDays } }' }],
  ['an invalid variable', { query: 'query($n: Int) { recentChanges(limit: $n) { title } }', variables: { n: 'beaucoup' } }],
  ['a missing required variable', { query: 'query($s: String!) { module(slug: $s) { slug } }' }],
  ['an input object with an enum', { query: 'query($f: ProviderFilter) { providers(filter: $f, first: 3) { totalCount edges { cursor node { slug } } pageInfo { hasNextPage } } }', variables: { f: { text: 'cloud' } } }],
  ['agenda connection', { query: '{ sessions(first: 2) { totalCount nodes { id title } pageInfo { hasNextPage } } me { role displayName } }' }],
  ['a mutation refused without a sign-in', { query: 'mutation { markModuleDone(slug: "logiciel-libre") { percent modules { state } } }' }],
  ['a dry-run note with a validation problem', { query: 'mutation($s: String!) { submitNote(source: $s, dryRun: true) { state id pageTitle reason code warnings wikitextPreview } }', variables: { s: 'pas de titre ni de date' } }],
  ['introspection', { query: '{ __schema { queryType { name } mutationType { name } } __type(name: "SearchResult") { kind possibleTypes { name } } }' }],
  // Errors of every kind a resolver or the request pipeline gives, each with its code.
  ['a resolver refusal (BAD_USER_INPUT) beside data', { query: '{ curriculum { moduleCount } wikiPage(title: "a|b") { exists } }' }],
  ['a failed sign-in (LOGIN_FAILED)', { query: 'mutation { login(username: "personne-inconnue", password: "pas-le-bon") { token } }' }],
  ['a registration for a session that does not exist (SESSION_NOT_FOUND)', { query: 'mutation { registerForSession(sessionId: 999999, name: "Camille", email: "camille@example.org") { waitingPosition } }' }],
  ['moderation of an unknown provider (NOT_FOUND or UNAUTHENTICATED)', { query: 'mutation { approveProvider(slug: "structure-inconnue") { slug } }' }],
  ['a provider that does not exist (null, no error)', { query: '{ provider(slug: "structure-inconnue") { slug } }' }],
  ['a query too deep (QUERY_TOO_DEEP)', { query: '{ module(slug: "logiciel-libre") { next { next { next { next { next { next { next { next { next { next { title } } } } } } } } } } } }' }],
  ['a syntax error (GRAPHQL_PARSE_FAILED)', { query: '{ curriculum { ' }],
  ['an unknown field (GRAPHQL_VALIDATION_FAILED)', { query: '{ curriculum { modulCount } }' }],
  ['an operation name the document does not have', { query: 'query A { curriculum { moduleCount } }', operationName: 'B' }],
  ['several operations and no name', { query: 'query A { curriculum { moduleCount } } query B { curriculum { totalMinutes } }' }],
  ['a subscription', { query: 'subscription { curriculum { moduleCount } }' }],
];

describe.each(VIEWERS)('compiled execution, asked by %s', (_viewer, headers) => {
  it.each(REQUESTS)('answers %s exactly as graphql-js does', async (_label, request) => {
    const [fromCompiled, fromInterpreted] = [await post(compiled, request, headers), await post(interpreted, request, headers)];
    expect(fromCompiled).toEqual(fromInterpreted);
    // The comparison is worth something only if the answer carries data or a coded error.
    const body = fromCompiled.body as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
    expect(body.data !== undefined || body.errors?.every((e) => typeof e.extensions?.code === 'string')).toBe(true);
  });

});

describe('compiled execution', () => {
  it('compiles a document once and reuses the compiled function for the same query text', async () => {
    const execution = compiled.gateway.execution!;
    const query = '{ curriculum { modules { slug title } } }';
    const before = { ...execution.stats };
    for (let i = 0; i < 5; i++) expect((await post(compiled, { query })).status).toBe(200);
    expect(execution.stats.compiled - before.compiled).toBeLessThanOrEqual(1);
    expect(execution.stats.reused - before.reused).toBeGreaterThanOrEqual(4);
    expect(execution.stats.interpreted).toBe(before.interpreted);
    const metrics = await (await fetch(`${compiled.url}/metrics`)).text();
    expect(metrics).toMatch(/^pollen_graphql_executions_total\{how="reused"\} \d+/m);
  });

  it('is off when asked: the interpreted gateway compiles nothing', () => {
    expect(interpreted.gateway.execution).toBeUndefined();
  });
});
