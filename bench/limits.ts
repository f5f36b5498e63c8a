/**
 * The query limits against an abusive document: N fragments each spreading the one before
 * twice (`fragment Si on Curriculum { ...S(i-1) ...S(i-1) }`), 2^N fields from N lines. The
 * gateway must refuse it (QUERY_TOO_COSTLY) in about the time graphql-js takes to parse and
 * validate it, not in time exponential in N. Every text is new (its fragments renamed per run),
 * so neither the gateway's document store nor its measure cache answers from a previous run.
 */
import { parse, validate } from 'graphql';
import { makeExecutableSchema } from '../src/graphql/executable-schema.js';
import { median } from './support.js';

const RUNS = 61;
const WARMUP = 20;

/** The fragment-doubling document of depth N, its fragment names prefixed so each run's text differs. */
export function fragmentDoubling(n: number, prefix = 'S'): string {
  let query = `fragment ${prefix}0 on Curriculum { moduleCount }\n`;
  for (let i = 1; i <= n; i++) query += `fragment ${prefix}${i} on Curriculum { ...${prefix}${i - 1} ...${prefix}${i - 1} }\n`;
  return `${query}{ curriculum { ...${prefix}${n} } }`;
}

/** Prints `limits fragment-doubling N=30 refused in X ms (bare parse+validate Y ms, ratio R)`. */
export async function fragmentDoublingLine(gatewayUrl: string, n = 30): Promise<void> {
  const schema = makeExecutableSchema();
  const refused: number[] = [];
  const bare: number[] = [];
  for (let run = 0; run < WARMUP + RUNS; run++) {
    const text = fragmentDoubling(n, `R${run}x`);
    // Alternating, so both see the same machine load.
    let started = performance.now();
    const res = await fetch(`${gatewayUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: text }) });
    const body = (await res.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    const gatewayMs = performance.now() - started;
    if (body.errors?.[0]?.extensions?.code !== 'QUERY_TOO_COSTLY') throw new Error(`fragment doubling N=${n} was not refused as too costly: ${JSON.stringify(body).slice(0, 300)}`);
    const baseline = fragmentDoubling(n, `B${run}x`);
    started = performance.now();
    const errors = validate(schema, parse(baseline));
    const bareMs = performance.now() - started;
    if (errors.length) throw new Error(`the baseline document is invalid: ${errors[0]!.message}`);
    if (run >= WARMUP) {
      refused.push(gatewayMs);
      bare.push(bareMs);
    }
  }
  const x = median(refused);
  const y = median(bare);
  console.log(`limits fragment-doubling N=${n} refused in ${x.toFixed(2)} ms (bare parse+validate ${y.toFixed(2)} ms, ratio ${(x / y).toFixed(2)})`);
}
