/**
 * Load generation for bench/gateway.ts: servers in their own processes (compiled, as in
 * production), autocannon over loopback, and the server's resident memory read from /proc.
 * Every run is bounded: throughput runs in time, fixed loads in requests (each with a timeout).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon, { type AutocannonRequest, type AutocannonResult } from 'autocannon';
import { freePort } from './support.js';

export interface ServerProcess {
  port: number;
  url: string;
  /** Where a bench server's bench-only routes listen (BENCH_ADMIN_PORT), apart from the measured app. */
  adminUrl: string;
  child: ChildProcess;
  /** Resident set size of the server process, in MB (VmRSS). */
  rssMb(): number;
  stop(): Promise<void>;
}

/** What `npm start` runs (package.json's start script), split into its parts. */
export interface StartCommand {
  /** Variables the script sets before `node` (NODE_ENV=production, ...). */
  env: Record<string, string>;
  /** Options given to node before the script (V8 flags, ...). */
  nodeArgs: string[];
  /** The script, relative to the repository root (dist/src/main.js). */
  script: string;
}

/**
 * package.json's start script, read (never copied) so the bench runs the gateway as production
 * does: `[NAME=value ...] node [--flag ...] <script>`. Anything else (a shell construct, another
 * program) stops the bench rather than being run differently.
 */
export function startCommand(): StartCommand {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.trim().split(/\s+/);
  const env: Record<string, string> = {};
  let i = 0;
  for (; i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!); i++) {
    const word = words[i]!;
    env[word.slice(0, word.indexOf('='))] = word.slice(word.indexOf('=') + 1);
  }
  const [bin, ...rest] = words.slice(i);
  const script = rest.at(-1);
  const nodeArgs = rest.slice(0, -1);
  if (bin !== 'node' || !script || script.startsWith('-') || nodeArgs.some((a) => !a.startsWith('-'))) {
    throw new Error(`package.json's start script is not "[NAME=value ...] node [--flag ...] <script>": ${pkg.scripts.start}`);
  }
  return { env, nodeArgs, script };
}

export interface StartOptions {
  /** Added to the environment, after the start command's own variables. */
  env?: Record<string, string>;
  /** Working directory. Default: the bench's. */
  cwd?: string;
  /** Text on stdout that says the server listens. Default: a line `ready`. */
  readyText?: string;
  /** Node options instead of the start command's (bench/memory-probe.ts's variants only). */
  nodeArgs?: string[];
}

/**
 * Starts `script` the way `npm start` starts the gateway (the start command's variables and node
 * options, read from package.json), with BENCH_PORT and PORT set to a free port (and
 * BENCH_ADMIN_PORT to another, for bench-only routes); resolves once it prints `readyText`.
 */
export async function startServerProcess(script: string, options: StartOptions = {}): Promise<ServerProcess> {
  const port = await freePort();
  const adminPort = await freePort();
  const start = startCommand();
  const readyText = options.readyText ?? 'ready\n';
  const child = spawn(process.execPath, [...(options.nodeArgs ?? start.nodeArgs), script], {
    cwd: options.cwd,
    env: { ...process.env, ...start.env, ...options.env, BENCH_PORT: String(port), PORT: String(port), BENCH_ADMIN_PORT: String(adminPort) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${script} did not start within 60 s`)), 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (!output.includes(readyText)) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve();
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}`));
    });
  });
  child.removeAllListeners('exit');
  // Its later lines (the gateway's logs) are read and dropped, so the pipe never fills.
  child.stdout!.resume();
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    child,
    rssMb() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
      return kb / 1024;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  /** Non-2xx answers, socket errors and timeouts: a run with any is not a clean figure. */
  failures: number;
}

function graphqlRequest(query: string, variables?: Record<string, unknown>): AutocannonRequest {
  return { method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) };
}

/** What a load run measured: rate, latencies, answers, and every request that did not get a 2xx. */
function loadResultOf(result: AutocannonResult): LoadResult {
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/**
 * The targets loaded in turn, `rounds` times, `seconds` each time, so that other work on the
 * machine weighs on every one alike. A target's `before(round)` runs just before each of its runs.
 * Returns each target's runs combined (requests per second over all its rounds, the median p50,
 * the worst p99) and, per round, each target's request count.
 */
export async function alternating(
  targets: ReadonlyArray<{ url: string; query: string; before?: (round: number) => void }>, connections: number, rounds: number, seconds: number,
): Promise<{ results: LoadResult[]; totalsByRound: number[][] }> {
  const runs: LoadResult[][] = targets.map(() => []);
  for (let i = 0; i < rounds; i++) {
    for (const [t, target] of targets.entries()) {
      target.before?.(i);
      runs[t]!.push(await throughput(target.url, target.query, connections, seconds));
    }
  }
  const combined = (list: LoadResult[]): LoadResult => {
    const p50s = list.map((r) => r.p50Ms).sort((x, y) => x - y);
    return {
      requestsPerSecond: list.reduce((sum, r) => sum + r.total, 0) / (rounds * seconds),
      p50Ms: p50s[Math.floor(p50s.length / 2)]!,
      p99Ms: Math.max(...list.map((r) => r.p99Ms)),
      total: list.reduce((sum, r) => sum + r.total, 0),
      failures: list.reduce((sum, r) => sum + r.failures, 0),
    };
  };
  return { results: runs.map(combined), totalsByRound: Array.from({ length: rounds }, (_, i) => runs.map((r) => r[i]!.total)) };
}

/** `connections` clients sending `query` back to back for `seconds`. */
export async function throughput(url: string, query: string, connections: number, seconds: number): Promise<LoadResult> {
  const result = await autocannon({ url, connections, duration: seconds, timeout: 30, requests: [graphqlRequest(query)] });
  return loadResultOf(result);
}

/**
 * Exactly `amount` requests cycling through `requests` (each built afresh, so titles can differ),
 * over `connections` connections (autocannon's `amount`, not a duration). Nothing stops it early;
 * a request unanswered within `timeoutSeconds` is a failure and missing from `total`, so a run
 * with `total === amount` and no failure answered every request with a 2xx.
 */
export async function fixedLoad(url: string, requests: Array<() => { query: string; variables?: Record<string, unknown> }>, amount: number, connections: number, timeoutSeconds = 120): Promise<LoadResult> {
  let next = 0;
  const result = await autocannon({
    url,
    connections,
    amount,
    timeout: timeoutSeconds,
    requests: [
      {
        ...graphqlRequest('{ __typename }'),
        setupRequest: (request) => {
          const build = requests[next++ % requests.length]!;
          const { query, variables } = build();
          return { ...request, body: JSON.stringify({ query, variables }) };
        },
      },
    ],
  });
  return loadResultOf(result);
}
