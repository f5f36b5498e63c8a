/**
 * Two `scripts/wiki/up.sh` started at the same instant on a fresh wiki folder: what two gateways
 * started together on a fresh machine do (`npm start` without WIKI_API_URL runs up.sh, through
 * ensureLocalWiki in src/wiki/local.ts). Both must succeed with the same wiki: it is created once
 * (the second waits on DIR/up.lock, then finds it running) and served by one php process.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WikiClient } from '../../src/wiki/client.js';
import { ensureLocalWiki } from '../../src/wiki/local.js';
import { freePort } from '../support/net.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const execFileAsync = promisify(execFile);
let work: string;
let wikiDir: string;
let port: number;
let callerDir: string;
const groups = new Set<number>();

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'pollen-up-together-'));
  wikiDir = path.join(work, 'wiki');
  port = await freePort();
});
afterAll(async () => {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  if (callerDir) await execFileAsync('bash', [path.join(ROOT, 'scripts/wiki/down.sh')], { env: { ...process.env, POLLEN_WIKI_DIR: callerDir } }).catch(() => undefined);
  if (wikiDir) await execFileAsync('bash', [path.join(ROOT, 'scripts/wiki/down.sh')], { env: { ...process.env, POLLEN_WIKI_DIR: wikiDir } }).catch(() => undefined);
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `bash scripts/wiki/up.sh` on the spec's wiki folder and port, in its own process group. */
function upSh(): Promise<Run> {
  const child = spawn('bash', [path.join(ROOT, 'scripts/wiki/up.sh')], {
    env: { ...process.env, POLLEN_WIKI_DIR: wikiDir, POLLEN_WIKI_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  if (child.pid) groups.add(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** The settings up.sh printed (KEY=value lines). */
function settingsOf(run: Run): Record<string, string> {
  return Object.fromEntries(run.stdout.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

/** Command lines of the running `php -S` processes serving `port`. */
function phpServers(onPort = port): string[] {
  const servers: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      continue; // exited meanwhile
    }
    if (cmdline.startsWith('php -S ') && cmdline.includes(` 127.0.0.1:${onPort} `)) servers.push(cmdline);
  }
  return servers;
}

describe('two up.sh started together on a fresh wiki folder', () => {
  it('both succeed with the same wiki, created once and served by one php process', async () => {
    const runs = await Promise.all([upSh(), upSh()]);
    for (const run of runs) expect(run.code, run.stderr).toBe(0);

    // They took turns on the lock file in the wiki's folder.
    expect(existsSync(path.join(wikiDir, 'up.lock'))).toBe(true);
    const all = runs.map((r) => r.stderr).join('\n');
    expect(all.match(/^Creating the local wiki in /gm)).toHaveLength(1);
    expect(all).not.toContain('install.php failed');
    // MediaWiki is installed on this machine: neither run goes to apt-get.
    expect(all).not.toContain('Installing MediaWiki');

    const [first, second] = runs.map(settingsOf);
    expect(first).toEqual({ WIKI_API_URL: `http://127.0.0.1:${port}/api.php`, WIKI_BOT_USER: 'Robot@sync', WIKI_BOT_PASSWORD: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(second).toEqual(first);
    // The credentials both printed are the wiki's own (written once by create.sh).
    expect(readFileSync(path.join(wikiDir, 'credentials.env'), 'utf8')).toContain(first!.WIKI_BOT_PASSWORD);

    expect(phpServers()).toHaveLength(1);
    expect(phpServers()[0]).toContain(`php -S 127.0.0.1:${port} `);
    const pid = Number(readFileSync(path.join(wikiDir, 'php.pid'), 'utf8').trim());
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')).toBe(phpServers()[0]);

    const wiki = await WikiClient.connect({ apiUrl: first!.WIKI_API_URL!, username: first!.WIKI_BOT_USER!, password: first!.WIKI_BOT_PASSWORD! });
    expect(wiki.userName).toBe('Robot');
    expect((await wiki.siteInfo()).sitename).toBe('Wiki des communs');

    // The server does not hold the lock: a later up.sh does not wait, it finds the wiki running.
    const later = await upSh();
    expect(later.code, later.stderr).toBe(0);
    expect(later.stderr).not.toContain('waiting');
    expect(later.stderr).toContain('The local wiki is already running');
    expect(settingsOf(later)).toEqual(first);
    expect(phpServers()).toHaveLength(1);
  }, 180_000); // a wiki created from nothing, on a loaded 2-core machine

  it('through the gateways\' own caller (ensureLocalWiki, in one process): both resolve to the same running wiki', async () => {
    callerDir = path.join(work, 'caller-wiki');
    const callerPort = await freePort();
    const [a, b] = await Promise.all([ensureLocalWiki({ dir: callerDir, port: callerPort }), ensureLocalWiki({ dir: callerDir, port: callerPort })]);
    expect(a).toEqual({ apiUrl: `http://127.0.0.1:${callerPort}/api.php`, botUser: 'Robot@sync', botPassword: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(b).toEqual(a);
    expect(phpServers(callerPort)).toHaveLength(1);
    const wiki = await WikiClient.connect({ apiUrl: a.apiUrl, username: a.botUser, password: a.botPassword });
    expect(wiki.userName).toBe('Robot');
  }, 180_000);
});
