/**
 * Load generation for bench/gateway.ts: servers in their own processes (compiled, as in
 * production), autocannon over loopback, and the server's resident memory read from /proc.
 * Every run is bounded in requests and in time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon, { type AutocannonRequest } from 'autocannon';
import { freePort } from './support.js';

export interface ServerProcess {
  port: number;
  url: string;
  child: ChildProcess;
  /** Resident set size of the server process, in MB (VmRSS). */
  rssMb(): number;
  stop(): Promise<void>;
}

/** The V8 flags `npm start` runs the gateway with (package.json), so the bench measures the same process. */
export function productionNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));
}

/** Starts `node [flags] <script>` with BENCH_PORT set; resolves once it prints `ready`. */
export async function startServerProcess(script: string, env: Record<string, string> = {}, nodeFlags: string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeFlags, script], {
    env: { ...process.env, NODE_ENV: 'production', ...env, BENCH_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within 60 s`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (!chunk.toString().includes('ready')) return;
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    port,
    url: `http://127.0.0.1:${port}`,
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

/** `connections` clients sending `query` back to back for `seconds`. */
export async function throughput(url: string, query: string, connections: number, seconds: number): Promise<LoadResult> {
  const result = await autocannon({ url, connections, duration: seconds, timeout: 30, requests: [graphqlRequest(query)] });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/**
 * `amount` requests cycling through `requests` (each built afresh, so titles can differ), over
 * `connections` connections; stopped after `maxSeconds` whatever is left.
 */
export async function fixedLoad(url: string, requests: Array<() => { query: string; variables?: Record<string, unknown> }>, amount: number, connections: number, maxSeconds: number): Promise<LoadResult> {
  let next = 0;
  const instance = autocannon({
    url,
    connections,
    amount,
    timeout: 30,
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
  const guard = setTimeout(() => instance.stop(), maxSeconds * 1000);
  try {
    const result = await instance;
    return {
      requestsPerSecond: result.requests.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      total: result.requests.total,
      failures: result.non2xx + result.errors + result.timeouts,
    };
  } finally {
    clearTimeout(guard);
  }
}
