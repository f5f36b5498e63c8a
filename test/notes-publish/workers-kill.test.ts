import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishPendingNotes } from '../../src/notes/publisher.js';
import { DEFAULT_CLAIM_MS, NoteQueue } from '../../src/notes/queue.js';
import { openDatabase } from '../../src/store/database.js';
import type { WikiClient } from '../../src/wiki/client.js';
import { createTestDatabase, postgresAdminUrl } from '../support/postgres.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { CORPUS_DIR, corpusFiles, notePageTitles, revisionsOf } from './support.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CHILD = path.join(import.meta.dirname, 'fixtures/publish-child.ts');
/** The survivor's rounds after the kill: one publishing attempt, then this pause. */
const POLL_MS = 1000;
/**
 * A dead worker's notes are free within one claim length (30 s, README) of its last renewal (its
 * claims are renewed while it lives, so the claim can be short): at most this many of the
 * survivor's rounds. A loaded machine makes rounds longer, hence fewer: the bound holds.
 */
const CLAIM_MS = 30_000;
const MAX_POLLS = Math.ceil(CLAIM_MS / POLL_MS) + 2;

let wiki: LocalWiki;
let client: WikiClient;
let work: string;
let notesDir: string;
let databaseUrl: string;

beforeAll(async () => {
  if (!postgresAdminUrl()) return;
  wiki = await startWiki();
  client = await wiki.botClient();
  databaseUrl = await createTestDatabase();
  work = mkdtempSync(path.join(tmpdir(), 'pollen-workers-kill-'));
  notesDir = path.join(work, 'notes');
  mkdirSync(notesDir);
  for (const file of corpusFiles().slice(0, 12)) copyFileSync(path.join(CORPUS_DIR, file), path.join(notesDir, file));
});
afterAll(async () => {
  await wiki?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** One notes worker process on the shared PostgreSQL queue; `killAfterSave`: it SIGKILLs itself right after that save. */
function worker(name: string, killAfterSave = 0): Promise<{ killed: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      cwd: ROOT,
      env: {
        ...process.env, WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword,
        POLLEN_DATABASE_URL: databaseUrl, POLLEN_STORE_PATH: 'unused', NOTES_DIR: notesDir,
        NOTES_WORKER: name, NOTES_BATCH: '3', KILL_AFTER_SAVE: String(killAfterSave),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
    child.once('error', reject);
    child.once('exit', (_code, signal) => resolve({ killed: signal === 'SIGKILL', output }));
  });
}

describe('two notes workers on one PostgreSQL, one of them SIGKILLed mid-batch', () => {
  it(`the other takes its notes within ${MAX_POLLS} rounds of ${POLL_MS} ms (its claims, renewed while it lived, are short), status says it stopped answering meanwhile; every note on the wiki once`, async () => {
    if (!postgresAdminUrl()) throw new Error('PostgreSQL 15 is not installed: this spec did not run');
    expect(DEFAULT_CLAIM_MS).toBe(CLAIM_MS); // the workers' claims, as they make them
    const [killed, survivor] = await Promise.all([worker('worker-A', 2), worker('worker-B')]);
    expect(killed.killed).toBe(true);
    expect(survivor.output).toContain('DONE');

    // The survivor's rounds (its timer, in a watcher or the gateway), counted until it gets the dead worker's notes.
    const store = await openDatabase({ kind: 'postgres', url: databaseUrl });
    try {
      const queue = new NoteQueue(store);
      const left = (await queue.heldClaims()).filter((c) => c.worker === 'worker-A');
      expect(left.length).toBeGreaterThan(0);
      let polls = 0;
      let reportedSilent = false;
      let taken = 0;
      while (taken === 0 && polls <= MAX_POLLS) {
        polls += 1;
        const claims = (await queue.heldClaims()).filter((c) => c.worker === 'worker-A');
        if (claims.length > 0 && claims.every((c) => c.silent)) reportedSilent = true;
        const run = await publishPendingNotes(client, queue, { worker: 'worker-B' });
        taken = run.results.length;
        if (taken === 0) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      expect(polls).toBeLessThanOrEqual(MAX_POLLS);
      expect(taken).toBe(left.length);
      // Between its silence and the takeover, `notes status` named the notes of a worker that stopped answering.
      expect(reportedSilent).toBe(true);
      const { counts } = await queue.list();
      expect(counts).toMatchObject({ published: 12, publishing: 0, queued: 0, failed: 0 });
    } finally {
      await store.close();
    }

    const titles = await notePageTitles(client);
    expect(titles).toHaveLength(12);
    for (const title of titles) expect((await revisionsOf(client, title)).map((r) => r.user), title).toEqual(['Robot']);
  }, 240_000);
});
