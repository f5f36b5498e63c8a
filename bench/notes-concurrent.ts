/**
 * Concurrent command lines (issue 21): six `npm run notes -- publish` of five notes each, started
 * together beside a `notes watch` and a gateway, all on one SQLite store and one wiki, as real
 * processes over the compiled dist/ (built here). Prints
 * `notes concurrent cli 6x5 queued N/30 published N/30`: notes in the queue once the command
 * lines ended, and notes published with exactly one revision on the wiki.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NoteQueue } from '../src/notes/queue.js';
import { openPollenStore } from '../src/store-schema.js';
import { WikiClient } from '../src/wiki/client.js';
import type { LocalWikiSettings } from '../src/wiki/local.js';
import { freePort } from './support.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PROCESSES = 6;
const NOTES_PER_PROCESS = 5;
const TOTAL = PROCESSES * NOTES_PER_PROCESS;

/** This environment without the developer's WIKI_/POLLEN_ settings, plus `settings`. */
function env(settings: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
  for (const name of Object.keys(base)) if (/^(WIKI_|MOODLE_|POLLEN_)/.test(name)) delete base[name];
  return { ...base, POLLEN_CURRICULUM_DIR: path.join(ROOT, 'course-modules'), ...settings };
}

/** Starts node with `args`; resolves once `ready` shows in its output. */
function startNode(args: string[], cwd: string, settings: Record<string, string>, ready: string): Promise<ChildProcess> {
  mkdirSync(cwd, { recursive: true });
  const child = spawn(process.execPath, args, { cwd, env: env(settings), stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (c: Buffer): void => {
      output += c.toString();
      if (output.includes(ready)) resolve(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}) before "${ready}":\n${output}`)));
  });
}

function runNode(args: string[], cwd: string, settings: Record<string, string>): Promise<number | null> {
  mkdirSync(cwd, { recursive: true });
  const child = spawn(process.execPath, args, { cwd, env: env(settings), stdio: 'ignore' });
  return new Promise((resolve) => child.once('exit', resolve));
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  return exited;
}

export async function concurrentCliLine(wiki: LocalWikiSettings): Promise<string> {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  const work = await mkdtemp(path.join(tmpdir(), 'pollen-bench-notes-concurrent-'));
  const storePath = path.join(work, 'pollen.sqlite');
  const settings = { WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword, POLLEN_STORE_PATH: storePath };
  const cli = path.join(ROOT, 'dist/bots/notes.js');
  const started: ChildProcess[] = [];
  try {
    started.push(await startNode([path.join(ROOT, 'dist/src/main.js')], path.join(work, 'gateway'), { ...settings, PORT: String(await freePort()), POLLEN_NOTES_INTERVAL_SECONDS: '1' }, 'Pollen gateway ready'));
    mkdirSync(path.join(work, 'watched'));
    started.push(await startNode([cli, 'watch', path.join(work, 'watched'), '--interval', '200'], path.join(work, 'watch'), settings, 'Surveillance de'));

    const titles: string[] = [];
    const batches = Array.from({ length: PROCESSES }, (_, p) => Array.from({ length: NOTES_PER_PROCESS }, (_, n) => {
      const date = `2024-11-${String(10 + n).padStart(2, '0')}`;
      titles.push(`Comptes-rendus/${date} Atelier concurrent ${p + 1}-${n + 1}`);
      const file = path.join(work, `note-${p + 1}-${n + 1}.md`);
      writeFileSync(file, `---\ntitle: Atelier concurrent ${p + 1}-${n + 1}\ndate: ${date}\n---\nCompte-rendu envoyé par la commande n° ${p + 1}.\n`);
      return file;
    }));
    await Promise.all(batches.map((files, p) => runNode([cli, 'publish', ...files], path.join(work, `cli-${p + 1}`), settings)));

    const store = await openPollenStore({ kind: 'sqlite', path: storePath });
    let queued = 0;
    try {
      const queue = new NoteQueue(store);
      queued = (await queue.list()).total;
      // What a command line left to the watcher or the gateway: until nothing is pending (3 minutes at most).
      const deadline = Date.now() + 180_000;
      while (Date.now() < deadline) {
        const { counts } = await queue.list();
        if (counts.queued + counts.publishing === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const client = await WikiClient.connect({ apiUrl: wiki.apiUrl, username: wiki.botUser, password: wiki.botPassword });
      const onWiki = new Map<string, number>();
      for (const title of titles) {
        const raw = (await client.request({ action: 'query', prop: 'revisions', titles: title, rvprop: ['ids'], rvlimit: 'max' })) as { query?: { pages?: Array<{ revisions?: unknown[] }> } };
        onWiki.set(title, raw.query?.pages?.[0]?.revisions?.length ?? 0);
      }
      const { entries } = await queue.list({ limit: 1000 });
      const published = entries.filter((e) => e.state === 'published' && e.pageTitle !== null && onWiki.get(e.pageTitle) === 1).length;
      return `notes concurrent cli ${PROCESSES}x${NOTES_PER_PROCESS} queued ${queued}/${TOTAL} published ${published}/${TOTAL}`;
    } finally {
      await store.close();
    }
  } finally {
    for (const child of started) await stop(child);
    await rm(work, { recursive: true, force: true });
  }
}
