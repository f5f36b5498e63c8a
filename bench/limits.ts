/**
 * The query limits against an abusive document: N fragments each spreading the one before
 * twice (`fragment Si on Curriculum { ...S(i-1) ...S(i-1) }`), 2^N fields from N lines. The
 * gateway must refuse it (QUERY_TOO_COSTLY) in about the time graphql-js takes to parse and
 * validate it, not in time exponential in N. Every text is new (its fragments renamed per run),
 * so neither the gateway's document store nor its measure cache answers from a previous run.
 *
 * The refusal is timed through the gateway's own request pipeline (the Apollo server
 * createGateway builds, with every plugin: parsing, validation, document store, limits, upstream
 * budget, error formatting), called in this process: the HTTP round trip, the same for any
 * request, is printed apart, next to a trivial query's, for scale.
 */
import { parse, validate } from 'graphql';
import { loadCurriculum } from '../src/curriculum/loader.js';
import { createContext } from '../src/graphql/context.js';
import { makeExecutableSchema } from '../src/graphql/executable-schema.js';
import { createGateway } from '../src/server.js';
import { WikiClient } from '../src/wiki/index.js';
import { freePort, median } from './support.js';

const RUNS = 201;
const WARMUP = 30;

/** The fragment-doubling document of depth N, its fragment names prefixed so each run's text differs. */
export function fragmentDoubling(n: number, prefix = 'S'): string {
  let query = `fragment ${prefix}0 on Curriculum { moduleCount }\n`;
  for (let i = 1; i <= n; i++) query += `fragment ${prefix}${i} on Curriculum { ...${prefix}${i - 1} ...${prefix}${i - 1} }\n`;
  return `${query}{ curriculum { ...${prefix}${n} } }`;
}

async function post(url: string, query: string): Promise<{ errors?: Array<{ extensions?: { code?: string } }> }> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return (await res.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
}

/**
 * Prints `limits fragment-doubling N=30 refused in X ms (bare parse+validate Y ms, ratio R)`, then
 * the HTTP round trips to `gatewayUrl` (the bench gateway, in its own process) for scale.
 */
export async function fragmentDoublingLine(gatewayUrl: string, n = 30): Promise<void> {
  const schema = makeExecutableSchema();
  // Nothing answers at that wiki address: the document is refused before any upstream is read.
  const deps = {
    wiki: WikiClient.lazy({ apiUrl: `http://127.0.0.1:${await freePort()}/api.php`, maxRetries: 0 }),
    wikiMode: 'none', moodle: undefined, curriculum: await loadCurriculum(new URL('../course-modules', import.meta.url).pathname), moodleActivityMap: new Map(), probes: [],
  };
  const { apollo } = await createGateway(deps);
  const refused: number[] = [];
  const bare: number[] = [];
  const overHttp: number[] = [];
  const trivialOverHttp: number[] = [];
  for (let run = 0; run < WARMUP + RUNS; run++) {
    // Alternating, so both see the same machine load.
    let started = performance.now();
    const answer = await apollo.executeOperation({ query: fragmentDoubling(n, `R${run}x`) }, { contextValue: await createContext(deps) });
    const refusedMs = performance.now() - started;
    const errors = answer.body.kind === 'single' ? answer.body.singleResult.errors : undefined;
    if (errors?.[0]?.extensions?.code !== 'QUERY_TOO_COSTLY') throw new Error(`fragment doubling N=${n} was not refused as too costly: ${JSON.stringify(errors).slice(0, 300)}`);
    started = performance.now();
    const invalid = validate(schema, parse(fragmentDoubling(n, `B${run}x`)));
    const bareMs = performance.now() - started;
    if (invalid.length) throw new Error(`the baseline document is invalid: ${invalid[0]!.message}`);
    started = performance.now();
    const viaHttp = await post(gatewayUrl, fragmentDoubling(n, `H${run}x`));
    const httpMs = performance.now() - started;
    if (viaHttp.errors?.[0]?.extensions?.code !== 'QUERY_TOO_COSTLY') throw new Error(`the bench gateway did not refuse fragment doubling N=${n}`);
    started = performance.now();
    await post(gatewayUrl, `{ __typename } # ${run}`);
    const trivialMs = performance.now() - started;
    if (run >= WARMUP) {
      refused.push(refusedMs);
      bare.push(bareMs);
      overHttp.push(httpMs);
      trivialOverHttp.push(trivialMs);
    }
  }
  await apollo.stop();
  const x = median(refused);
  const y = median(bare);
  console.log(`  over HTTP to the bench gateway: fragment doubling refused in ${median(overHttp).toFixed(2)} ms, a new { __typename } text answered in ${median(trivialOverHttp).toFixed(2)} ms (medians of ${RUNS})`);
  console.log(`limits fragment-doubling N=${n} refused in ${x.toFixed(2)} ms (bare parse+validate ${y.toFixed(2)} ms, ratio ${(x / y).toFixed(2)})`);
}
