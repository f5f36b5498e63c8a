/**
 * Issue 21, item 1: several `npm run notes -- publish FILE…` started together, beside a
 * `notes watch` and a gateway, all on one store. Real processes, as package.json runs them
 * (`node dist/bots/notes.js`, the gateway's start command over the dist/ the test run built).
 * Every note is queued (no "database is locked"), and published once: one revision per page.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoteQueue } from '../../src/notes/queue.js';
import { openPollenStore } from '../../src/store-schema.js';
import type { StoreLocation } from '../../src/store/url.js';
import type { WikiClient } from '../../src/wiki/client.js';
import { createTestDatabase, describeEachStore } from '../support/postgres.js';
import { killAll, logLines, pollenEnv, ROOT, startGateway, startProcess, stop, waitFor, type Proc } from '../support/processes.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { revisionsOf } from './support.js';

const PROCESSES = 6;
const NOTES_PER_PROCESS = 5;
const CLI = path.join(ROOT, 'dist/bots/notes.js');

let wiki: LocalWiki;
let client: WikiClient;
let work: string;

beforeAll(async () => {
  wiki = await startWiki();
  client = await wiki.botClient();
  work = mkdtempSync(path.join(tmpdir(), 'pollen-notes-concurrent-'));
});
afterAll(async () => {
  killAll();
  await wiki?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface CliRun {
  code: number | null;
  output: string;
}

/** `npm run notes -- publish FILE…` (package.json: node dist/bots/notes.js). */
function publish(files: string[], settings: Record<string, string>, cwd: string): Promise<CliRun> {
  mkdirSync(cwd, { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'publish', ...files], { cwd, env: pollenEnv(settings), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describeEachStore('publish from six command lines at once, beside a watcher and a gateway', (backend) => {
  it(`queues all ${PROCESSES * NOTES_PER_PROCESS} notes and publishes each once`, async () => {
    const dir = path.join(work, backend.name);
    mkdirSync(dir, { recursive: true });
    const location: StoreLocation = backend.name === 'postgres'
      ? { kind: 'postgres', url: await createTestDatabase() }
      : { kind: 'sqlite', path: path.join(dir, 'pollen.sqlite') };
    const storeSetting: Record<string, string> = location.kind === 'postgres' ? { POLLEN_DATABASE_URL: location.url } : { POLLEN_STORE_PATH: location.path };
    const settings = { WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword, ...storeSetting };

    // LOG_LEVEL=debug: the gateway logs each note it publishes, as the other processes print it.
    const gateway = await startGateway(`gateway-${backend.name}`, path.join(dir, 'gateway'), { ...settings, POLLEN_NOTES_INTERVAL_SECONDS: '1', LOG_LEVEL: 'debug' });
    const watched = path.join(dir, 'watched');
    mkdirSync(watched);
    const watcher: Proc = await startProcess(`watch-${backend.name}`, path.join(dir, 'watch'), [CLI, 'watch', watched, '--interval', '200'], pollenEnv(settings), 'Surveillance de');

    const titles: string[] = [];
    const batches = Array.from({ length: PROCESSES }, (_, p) => Array.from({ length: NOTES_PER_PROCESS }, (_, n) => {
      const title = `Atelier simultané ${backend.name} ${p + 1}-${n + 1}`;
      titles.push(`Comptes-rendus/2025-11-${String(10 + n).padStart(2, '0')} ${title}`);
      const file = path.join(dir, `note-${p + 1}-${n + 1}.md`);
      writeFileSync(file, `---\ntitle: ${title}\ndate: 2025-11-${String(10 + n).padStart(2, '0')}\n---\nCompte-rendu ${p + 1}-${n + 1}, envoyé par la commande n° ${p + 1}.\n`);
      return file;
    }));
    const runs = await Promise.all(batches.map((files, p) => publish(files, settings, path.join(dir, `cli-${p + 1}`))));

    for (const [p, run] of runs.entries()) {
      expect(run.output).not.toMatch(/locked|SQLITE_BUSY|Échec :/);
      expect(run.code, run.output).toBe(0);
      // Each of its notes published by it, or said to be published by another process: never « 0 note traitée ».
      expect(run.output).not.toContain('0 note traitée');
      for (let n = 0; n < NOTES_PER_PROCESS; n++) {
        const title = titles[p * NOTES_PER_PROCESS + n]!;
        const lines = run.output.split('\n').filter((l) => l.startsWith(`déjà publiée par un autre processus : ${title} `) || new RegExp(`^publiée\\s+${title}$`).test(l));
        expect(lines, run.output).toHaveLength(1);
      }
    }
    // Each note queued by its own command line.
    expect(runs.flatMap((r) => r.output.split('\n').filter((l) => l.startsWith('mise en file : ')))).toHaveLength(PROCESSES * NOTES_PER_PROCESS);

    // What a command line found claimed by the watcher or the gateway goes out with them.
    const store = await openPollenStore(location);
    try {
      const counts = await waitFor('every note published', 180_000, async () => {
        const { counts } = await new NoteQueue(store).list();
        return counts.queued + counts.publishing === 0 ? counts : undefined;
      });
      expect(counts).toEqual({ queued: 0, publishing: 0, published: PROCESSES * NOTES_PER_PROCESS, failed: 0, conflict: 0 });
      const { entries } = await new NoteQueue(store).list({ limit: 100 });
      expect(entries.map((e) => e.pageTitle).sort()).toEqual([...titles].sort());
    } finally {
      await store.close();
    }
    for (const title of titles) expect((await revisionsOf(client, title)).map((r) => r.user), title).toEqual(['Robot']);

    // Who published what: each note by exactly one process (the wiki would hide a second save of
    // the same text). A process writes its line once the queue has the outcome: wait for them all.
    const published = (): string[] => [
      ...runs.flatMap((r) => r.output.split('\n')),
      ...watcher.output().split('\n'),
      ...logLines(gateway).filter((l) => l.component === 'notes').map((l) => l.msg ?? ''),
    ].filter((l) => /^publiée\s/.test(l)).map((l) => l.replace(/^publiée\s+/, '').trim());
    await waitFor('every process reported what it published', 60_000, async () => (titles.every((t) => published().includes(t)) ? true : undefined));
    await stop(watcher);
    await stop(gateway);
    expect(watcher.output()).not.toMatch(/locked|Passage interrompu/);
    expect(published().sort()).toEqual([...titles].sort());
  }, 400_000);
});

describe('a note that cannot be queued because the SQLite store stays locked', () => {
  it('is refused in French after a bounded wait, exit 1, nothing half-written; the same command later queues and publishes it', async () => {
    const dir = path.join(work, 'locked');
    mkdirSync(dir, { recursive: true });
    const storePath = path.join(dir, 'pollen.sqlite');
    await (await openPollenStore({ kind: 'sqlite', path: storePath })).close();
    const settings = { WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword, POLLEN_STORE_PATH: storePath };
    const files = ['bloquee-1.md', 'bloquee-2.md'].map((name, i) => {
      const file = path.join(dir, name);
      writeFileSync(file, `---\ntitle: Atelier bloqué ${i + 1}\ndate: 2025-11-20\n---\nCompte-rendu ${i + 1}.\n`);
      return file;
    });

    // Another process holds the write lock all along (a long write, a stuck tool).
    const holder = new Database(storePath);
    holder.exec('BEGIN IMMEDIATE');
    let refused: CliRun;
    try {
      refused = await publish(files, settings, path.join(dir, 'cli'));
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(refused.code).toBe(1);
    expect(refused.output).not.toMatch(/locked|SQLITE_BUSY/);
    for (const name of ['bloquee-1.md', 'bloquee-2.md']) {
      expect(refused.output).toContain(`non mise en file : ${name} : la base de données est restée occupée par d’autres processus Pollen pendant 3 essais (environ 15 s) ; rien n’a été enregistré.`);
    }
    expect(refused.output).toContain('Relancez « npm run notes -- publish » avec les notes non mises en file dans un instant.');
    const store = await openPollenStore({ kind: 'sqlite', path: storePath });
    try {
      expect((await new NoteQueue(store).list()).total).toBe(0);
    } finally {
      await store.close();
    }

    const again = await publish(files, settings, path.join(dir, 'cli'));
    expect(again.code, again.output).toBe(0);
    expect(again.output).toMatch(/2 notes traitées : 2 publiées/);
  }, 120_000);
});
