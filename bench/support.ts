import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureLocalWiki, type LocalWikiSettings } from '../src/wiki/local.js';
import { freePort } from '../test/support/net.js';

export { freePort };

const execFileAsync = promisify(execFile);
const DOWN = fileURLToPath(new URL('../scripts/wiki/down.sh', import.meta.url));

export interface BenchWiki extends LocalWikiSettings {
  stop(): Promise<void>;
}


/** A fresh local wiki in a temp dir, on a free port, made by the project's own scripts. */
export async function startBenchWiki(): Promise<BenchWiki> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pollen-bench-wiki-'));
  const settings = await ensureLocalWiki({ dir, port: await freePort() });
  return {
    ...settings,
    async stop() {
      await execFileAsync('bash', [DOWN], { env: { ...process.env, POLLEN_WIKI_DIR: dir } });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times; returns each run's milliseconds. */
export async function measure(runs: number, warmup: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return times;
}

export function printTable(title: string, rows: Array<[string, string]>): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n## ${title}`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
}
