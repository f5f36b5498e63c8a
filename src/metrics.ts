import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AnswerCacheStats } from './graphql/answer-cache/cache.js';
import type { BoundedCacheStats } from './graphql/document-cache.js';
import type { CompiledExecutionStats } from './graphql/executor.js';
import type { WikiCacheStats } from './wiki/index.js';

/**
 * Prometheus metrics for operators (`GET /metrics`): how often each upstream is called from the
 * gateway, how long it takes, how often it fails, and the GraphQL requests served. One registry
 * per gateway, so tests and several gateways in one process do not mix their figures.
 */
export interface GatewayMetrics {
  registry: Registry;
  upstreamCalls: Counter<'upstream' | 'outcome'>;
  upstreamSeconds: Histogram<'upstream'>;
  graphqlRequests: Counter<'operation' | 'outcome'>;
  /** Every HTTP request to an upstream, from any part of the process (gateway, dashboard, bots' background runs). */
  upstreamRequests: Counter<'upstream' | 'action' | 'outcome'>;
  upstreamRequestSeconds: Histogram<'upstream'>;
}

/** What a client reports of one HTTP request to its upstream. */
export interface UpstreamRequestReport {
  action: string;
  outcome: 'ok' | 'error' | 'unavailable';
  seconds: number;
}

/** The `onRequest` hook of a wiki or Moodle client, feeding `upstreamRequests`. */
export function upstreamRequestRecorder(metrics: GatewayMetrics, upstream: 'wiki' | 'moodle'): (report: UpstreamRequestReport) => void {
  return ({ action, outcome, seconds }) => {
    metrics.upstreamRequests.inc({ upstream, action, outcome });
    metrics.upstreamRequestSeconds.observe({ upstream }, seconds);
  };
}

/** Process metrics (memory, event loop, GC) on an existing registry; once per process. */
export function enableProcessMetrics(metrics: GatewayMetrics): void {
  collectDefaultMetrics({ register: metrics.registry, prefix: 'pollen_' });
}

export function createMetrics(options: { processMetrics?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  // Process metrics (memory, event loop, GC) start observers that live as long as the process:
  // on for the one gateway `npm start` runs, off for the many a test suite builds.
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'pollen_' });
  return {
    registry,
    upstreamCalls: new Counter({
      name: 'pollen_upstream_calls_total',
      help: 'Calls from the gateway to an upstream (wiki, moodle), by outcome (ok, error, unavailable).',
      labelNames: ['upstream', 'outcome'],
      registers: [registry],
    }),
    upstreamSeconds: new Histogram({
      name: 'pollen_upstream_call_duration_seconds',
      help: 'Duration of gateway calls to an upstream, retries included.',
      labelNames: ['upstream'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    graphqlRequests: new Counter({
      name: 'pollen_graphql_requests_total',
      help: 'GraphQL requests served, by operation type and outcome (ok, error: the answer carries errors).',
      labelNames: ['operation', 'outcome'],
      registers: [registry],
    }),
    upstreamRequests: new Counter({
      name: 'pollen_upstream_requests_total',
      help: 'Every HTTP request sent to an upstream (wiki api.php by action, Moodle by web-service function), retries and logins included, by outcome.',
      labelNames: ['upstream', 'action', 'outcome'],
      registers: [registry],
    }),
    upstreamRequestSeconds: new Histogram({
      name: 'pollen_upstream_request_duration_seconds',
      help: 'Duration of one HTTP request to an upstream.',
      labelNames: ['upstream'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
  };
}

type CacheCounter = 'hits' | 'misses' | 'invalidations' | 'evictions' | 'polls' | 'pollFailures' | 'staleServed';

const CACHE_COUNTERS: Array<[CacheCounter, string, string]> = [
  ['hits', 'pollen_wiki_cache_hits_total', 'Wiki pages served from the shared read cache (or joined to a read already in flight).'],
  ['misses', 'pollen_wiki_cache_misses_total', 'Wiki pages the shared read cache had to read from the wiki.'],
  ['invalidations', 'pollen_wiki_cache_invalidations_total', 'Cached wiki pages dropped because they changed (change feed or Pollen\'s own edit).'],
  ['evictions', 'pollen_wiki_cache_evictions_total', 'Cached wiki pages dropped to stay within the entry and byte bounds.'],
  ['polls', 'pollen_wiki_cache_polls_total', 'Reads of the wiki\'s change feed (list=recentchanges).'],
  ['pollFailures', 'pollen_wiki_cache_poll_failures_total', 'Reads of the change feed that failed (wiki unreachable or refusing).'],
  ['staleServed', 'pollen_wiki_cache_stale_served_total', 'Wiki pages served past their freshness because the wiki was unreachable.'],
];

/**
 * Figures read from a component's live stats at each scrape, as [stat, metric name, help]:
 * counters advance by what the stat gained since the last scrape, gauges show its value.
 */
function registerStats<K extends string>(
  registry: Registry,
  stats: () => Readonly<Record<K, number>>,
  figures: { counters?: ReadonlyArray<readonly [K, string, string]>; gauges?: ReadonlyArray<readonly [K, string, string]> },
): void {
  for (const [key, name, help] of figures.counters ?? []) {
    let reported = 0;
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const now = stats()[key];
        if (now > reported) this.inc(now - reported);
        reported = now;
      },
    });
  }
  for (const [key, name, help] of figures.gauges ?? []) {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(stats()[key]);
      },
    });
  }
}

/**
 * The shared wiki read cache's figures (src/wiki/read-cache.ts) on `registry`, read from its
 * live stats at each scrape: counters advance by what changed since the last scrape.
 */
export function registerWikiCacheMetrics(registry: Registry, cache: { readonly stats: WikiCacheStats }): void {
  registerStats(registry, () => cache.stats, {
    counters: CACHE_COUNTERS,
    gauges: [
      ['entries', 'pollen_wiki_cache_entries', 'Wiki pages held by the shared read cache.'],
      ['bytes', 'pollen_wiki_cache_bytes', 'Estimated heap bytes of the wiki pages held by the shared read cache.'],
    ],
  });
}

/**
 * A bounded cache's figures (src/graphql/document-cache.ts) on `registry`: `<prefix>_entries`,
 * `<prefix>_bytes` (estimated heap bytes) and `<prefix>_evictions_total`.
 */
export function registerBoundedCacheMetrics(registry: Registry, prefix: string, what: string, cache: { readonly stats: BoundedCacheStats }): void {
  registerStats(registry, () => cache.stats, {
    counters: [['evictions', `${prefix}_evictions_total`, `Entries dropped to stay within the bounds: ${what}.`]],
    gauges: [
      ['entries', `${prefix}_entries`, `Entries held: ${what}.`],
      ['bytes', `${prefix}_bytes`, `Estimated heap bytes held: ${what}.`],
    ],
  });
}

/**
 * The compiled executor's figures (src/graphql/executor.ts): operations compiled, run from a
 * compiled function, or run by graphql-js, as one counter labelled by `outcome`.
 */
export function registerCompiledExecutionMetrics(registry: Registry, execution: { readonly stats: CompiledExecutionStats }): void {
  const reported: CompiledExecutionStats = { compiled: 0, reused: 0, interpreted: 0 };
  new Counter({
    name: 'pollen_graphql_executions_total',
    help: 'GraphQL operations executed, by how: compiled (first run of a document, compiled then run), reused (a compiled function run again), interpreted (graphql-js, for what graphql-jit declines).',
    labelNames: ['how'],
    registers: [registry],
    collect() {
      for (const how of ['compiled', 'reused', 'interpreted'] as const) {
        const now = execution.stats[how];
        if (now > reported[how]) this.inc({ how }, now - reported[how]);
        reported[how] = now;
      }
    },
  });
}

type AnswerCacheCounter = 'hits' | 'misses' | 'evictions' | 'invalidations' | 'notModified' | 'beforeRouter';

const ANSWER_CACHE_COUNTERS: Array<[AnswerCacheCounter, string, string]> = [
  ['hits', 'pollen_answer_cache_hits_total', 'Anonymous GraphQL requests answered from the answer cache, without executing.'],
  ['misses', 'pollen_answer_cache_misses_total', 'Anonymous GraphQL requests the answer cache did not hold (executed; kept when cacheable).'],
  ['evictions', 'pollen_answer_cache_evictions_total', 'Cached answers dropped to stay within the entry and byte bounds.'],
  ['invalidations', 'pollen_answer_cache_invalidations_total', 'Cached answers dropped because what they read changed (wiki title in the change feed, directory or agenda write, reload).'],
  ['notModified', 'pollen_answer_cache_not_modified_total', 'Conditional requests (If-None-Match) answered 304 from the answer cache.'],
  ['beforeRouter', 'pollen_answer_cache_front_hits_total', 'Of those hits, the ones answered before Express (the front: POST or GET /graphql, no cookie or token).'],
];

/** The answer cache's figures (src/graphql/answer-cache/cache.ts), read from its live stats at each scrape. */
export function registerAnswerCacheMetrics(registry: Registry, cache: { readonly stats: AnswerCacheStats }): void {
  registerStats(registry, () => cache.stats, {
    counters: ANSWER_CACHE_COUNTERS,
    gauges: [
      ['entries', 'pollen_answer_cache_entries', 'Answers held by the answer cache.'],
      ['bytes', 'pollen_answer_cache_bytes', 'Estimated bytes of the answers held by the answer cache (bodies, keys, titles).'],
    ],
  });
}
