import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoteQueue } from '../../src/notes/queue.js';
import { sqliteBackend } from '../support/postgres.js';
import { openTestStore } from '../support/store.js';
import type { WikiClient } from '../../src/wiki/client.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { CORPUS_DIR, corpusFiles, editCount, notePageTitles, revisionsOf } from './support.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CHILD = path.join(import.meta.dirname, 'fixtures/publish-child.ts');

let wiki: LocalWiki;
let client: WikiClient;
let work: string;
let notesDir: string;
let storePath: string;

beforeAll(async () => {
  wiki = await startWiki();
  client = await wiki.botClient();
  work = mkdtempSync(path.join(tmpdir(), 'pollen-notes-kill-'));
  notesDir = path.join(work, 'notes');
  storePath = path.join(work, 'pollen.sqlite');
  // Nine corpus notes and one without any date (its page is dated by its reception, recorded once).
  const { mkdirSync } = await import('node:fs');
  mkdirSync(notesDir);
  for (const file of corpusFiles().slice(0, 9)) copyFileSync(path.join(CORPUS_DIR, file), path.join(notesDir, file));
  writeFileSync(path.join(notesDir, 'reunion-imprevue.txt'), 'Réunion imprévue\n\nOn a parlé du budget de la fête de quartier.\n');
});
afterAll(async () => {
  await wiki?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

type KillPoint =
  | { kind: 'self-after-save'; save: number }
  | { kind: 'after-wiki-edits'; edits: number }
  | { kind: 'after-ms-from-connect'; ms: number };

interface ChildRun {
  killed: boolean;
  done: boolean;
  output: string;
}

/** Runs the child until it ends or the kill point is reached (then SIGKILL). */
function runChild(point: KillPoint | undefined): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      cwd: ROOT,
      env: {
        ...process.env, WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword,
        POLLEN_STORE_PATH: storePath, NOTES_DIR: notesDir,
        KILL_AFTER_SAVE: point?.kind === 'self-after-save' ? String(point.save) : '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let killedByUs = false;
    let exited = false;
    const kill = (): void => {
      if (exited) return;
      killedByUs = true;
      child.kill('SIGKILL');
    };
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (point?.kind === 'after-ms-from-connect' && output.includes('CONNECTED') && !killedByUs) setTimeout(kill, point.ms);
    });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    if (point?.kind === 'after-wiki-edits') {
      void (async () => {
        const start = await editCount(client);
        while (!exited) {
          if ((await editCount(client)) - start >= point.edits) return kill();
          await new Promise((r) => setTimeout(r, 15));
        }
      })();
    }
    child.once('error', reject);
    child.once('exit', (_code, signal) => {
      exited = true;
      resolve({ killed: signal === 'SIGKILL', done: output.includes('DONE'), output });
    });
  });
}

describe('a publishing process killed at any point', () => {
  it('ends, after restarts, with every note published exactly once: one bot revision per page, no duplicate page', async () => {
    const points: KillPoint[] = [
      { kind: 'after-ms-from-connect', ms: 5 }, // while queuing or reading the wiki
      { kind: 'self-after-save', save: 1 }, // right after the template was created, before anything was recorded
      { kind: 'self-after-save', save: 2 }, // a note saved on the wiki, its queue entry still `publishing`
      { kind: 'after-wiki-edits', edits: 2 }, // somewhere in the middle, from outside
      { kind: 'self-after-save', save: 3 },
    ];
    const runs: ChildRun[] = [];
    const leftPublishing: number[] = [];
    for (const point of points) {
      const run = await runChild(point);
      runs.push(run);
      const store = await openTestStore(sqliteBackend, storePath);
      leftPublishing.push((await new NoteQueue(store).list()).counts.publishing);
      await store.close();
      expect(run.output).not.toMatch(/Error|failed/i);
      if (run.done) break; // the work ran out before this kill point
    }
    expect(runs.filter((r) => r.killed).length).toBeGreaterThanOrEqual(3);
    // The dangerous case happened: a save accepted by the wiki, the process dead before recording it.
    expect(leftPublishing[2]).toBe(1);
    // Restart until done (each restart has work left at most once per note).
    for (let attempt = 0; attempt < 12 && !runs.at(-1)?.done; attempt++) runs.push(await runChild(undefined));
    expect(runs.at(-1)?.done).toBe(true);

    const titles = await notePageTitles(client);
    expect(titles).toHaveLength(10);
    for (const title of titles) {
      expect((await revisionsOf(client, title)).map((r) => r.user), title).toEqual(['Robot']);
    }
    expect((await revisionsOf(client, 'Modèle:Compte-rendu')).map((r) => r.user)).toEqual(['Robot']);
    expect((await client.allPageTitles()).filter((t) => t.includes('Brouillon'))).toEqual([]);

    const store = await openTestStore(sqliteBackend, storePath);
    const { counts, total, entries } = await new NoteQueue(store).list({ limit: 100 });
    await store.close();
    expect(total).toBe(10);
    expect(counts.published).toBe(10);
    expect(new Set(entries.map((e) => e.pageTitle))).toEqual(new Set(titles));

    // One more run: nothing left to do, nothing edited.
    const before = await editCount(client);
    const last = await runChild(undefined);
    expect(last.output).toContain('DONE {"edits":0,"states":[]}');
    expect(await editCount(client)).toBe(before);
  }, 180_000);
});
