/**
 * Real Pollen processes for the replica specs: gateways started exactly as `npm start` runs them
 * (package.json's start command over the dist/ the test run built, test/support/global-setup.ts)
 * and bots as `npm run <bot>` runs them, each in its own scratch folder and process group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { freePort } from './net.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** Every process still running (a failed or timed-out spec must not leave one behind). */
const running = new Set<ChildProcess>();

export interface Proc {
  name: string;
  child: ChildProcess;
  /** Everything the process wrote so far, stdout and stderr. */
  output: () => string;
  exited: Promise<number | null>;
}

export interface Gateway extends Proc {
  url: string;
}

/**
 * The environment of a Pollen process: this one's, without any WIKI_, MOODLE_ or POLLEN_
 * setting of the developer's, plus `settings`; NODE_ENV=production as in `npm start`.
 */
export function pollenEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
  for (const name of Object.keys(env)) if (name.startsWith('WIKI_') || name.startsWith('MOODLE_') || name.startsWith('POLLEN_')) delete env[name];
  return { ...env, POLLEN_CURRICULUM_DIR: path.join(ROOT, 'course-modules'), ...settings };
}

/** Starts node with `args` in `cwd`; resolves once `ready` shows in its output, rejects if it exits first. */
export async function startProcess(name: string, cwd: string, args: string[], env: NodeJS.ProcessEnv, ready: string): Promise<Proc> {
  mkdirSync(cwd, { recursive: true });
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child);
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  void exited.then(() => running.delete(child));
  await new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer): void => {
      output += c.toString();
      if (output.includes(ready)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => reject(new Error(`${name} exited (${code}) before "${ready}":\n${output}`)));
  });
  return { name, child, output: () => output, exited };
}

/** A gateway as `npm start` runs it (NODE_ENV=production node <flags> dist/src/main.js), on a free port. */
export async function startGateway(name: string, cwd: string, settings: Record<string, string>): Promise<Gateway> {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = pkg.scripts.start!.split(/\s+/);
  // The script's variables (NODE_ENV=production, malloc's trim threshold...), then node and its arguments.
  const assignments = words.slice(0, words.findIndex((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)));
  const [nodeBin, ...nodeArgs] = words.slice(assignments.length);
  expect(assignments[0]).toBe('NODE_ENV=production');
  expect(nodeBin).toBe('node');
  const scriptEnv = Object.fromEntries(assignments.map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));
  const port = await freePort();
  const args = nodeArgs.map((a) => (a.startsWith('dist/') ? path.join(ROOT, a) : a));
  const proc = await startProcess(name, cwd, args, pollenEnv({ ...scriptEnv, PORT: String(port), ...settings }), 'Pollen gateway ready');
  return { ...proc, url: `http://127.0.0.1:${port}` };
}

/** SIGTERM, then waits for the exit. */
export async function stop(proc: Proc): Promise<void> {
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGTERM');
  await proc.exited;
}

/** SIGKILLs every process (group) a spec started and that is still running: for afterAll. */
export function killAll(): void {
  for (const child of running) {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** A gateway's JSON log lines (pino), the others skipped. */
export function logLines(proc: Proc): Array<Record<string, unknown> & { msg?: string }> {
  const lines: Array<Record<string, unknown> & { msg?: string }> = [];
  for (const line of proc.output().split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      /* the last line, still being written */
    }
  }
  return lines;
}

/** Polls `probe` until it returns a value (not undefined); fails with `what` after `ms`. */
export async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
