/**
 * Issue 21, items 9 and 10: what `npm run notes -- publish | status | retry` (package.json: node
 * dist/bots/notes.js) says about notes another process holds, and `status --limit` checked.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishPendingNotes } from '../../src/notes/publisher.js';
import type { NotesTables } from '../../src/notes/queue-schema.js';
import { NoteQueue } from '../../src/notes/queue.js';
import { readNoteInputs } from '../../src/notes/sources.js';
import { tables, type StoreDb } from '../../src/store/database.js';
import { openPollenStore } from '../../src/store-schema.js';
import type { WikiClient } from '../../src/wiki/client.js';
import { pollenEnv, ROOT } from '../support/processes.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { revisionsOf } from './support.js';

const CLI = path.join(ROOT, 'dist/bots/notes.js');

let wiki: LocalWiki;
let client: WikiClient;
let work: string;
let storePath: string;
let store: StoreDb;

beforeAll(async () => {
  wiki = await startWiki();
  client = await wiki.botClient();
  work = mkdtempSync(path.join(tmpdir(), 'pollen-notes-cli-claims-'));
  storePath = path.join(work, 'pollen.sqlite');
  store = await openPollenStore({ kind: 'sqlite', path: storePath });
});
afterAll(async () => {
  await store?.close();
  await wiki?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Cli {
  output: () => string;
  done: Promise<number | null>;
}

function start(args: string[]): Cli {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: work,
    env: pollenEnv({ WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword, POLLEN_STORE_PATH: storePath }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
  return { output: () => output, done: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

async function cli(args: string[]): Promise<{ code: number | null; output: string }> {
  const run = start(args);
  const code = await run.done;
  return { code, output: run.output() };
}

/** A note file, queued as `publish FILE` queues it; its queue entry. */
async function queuedNote(name: string, title: string): Promise<{ file: string; id: number; pageTitle: string }> {
  const file = path.join(work, name);
  writeFileSync(file, `---\ntitle: ${title}\ndate: 2025-12-03\n---\nCompte-rendu de l’atelier « ${title} ».\n`);
  const [input] = await readNoteInputs([file], 'cli');
  const { entry } = await new NoteQueue(store).enqueue(input!);
  return { file, id: entry.id, pageTitle: entry.pageTitle ?? '' };
}

/** The claim a worker left on a note, as it stands in the store. */
async function setClaim(id: number, worker: string, heartbeatAt: number, expiresAt: number): Promise<void> {
  await tables<NotesTables>(store).updateTable('notes_queue')
    .set({ claimed_by: worker, claim_heartbeat_at: heartbeatAt, claim_expires_at: expiresAt }).where('id', '=', id).execute();
}

/** The id of a process of this machine that has ended. */
async function endedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('npm run notes, with notes other processes hold', () => {
  it.each(['abc', '0', '12x', '-3'])('status --limit %s is refused in French, exit 1', async (value) => {
    const { code, output } = await cli(['status', '--limit', value]);
    expect(output).toContain(`--limit attend un nombre entier de notes, de 1 à 1000 (reçu : « ${value} »)`);
    expect(output).not.toContain('File des notes');
    expect(code).toBe(1);
  });

  it('publish of a note another worker is publishing waits for it, then says « déjà publiée par un autre processus », not « 0 note traitée »', async () => {
    const note = await queuedNote('autre-poste.md', 'Atelier publié ailleurs');
    const queue = new NoteQueue(store);
    const other = 'poste-de-camille:4242:0badc0de';
    // The other worker holds the note (and renews its claim while it lives: this process).
    expect((await queue.claim({ worker: other, ids: [note.id] })).map((r) => r.id)).toEqual([note.id]);
    const run = start(['publish', note.file]);
    // The command line says it waits for the other worker; or it ended without waiting (today's code).
    await Promise.race([run.done, new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (run.output().includes('attente de sa publication')) {
          clearInterval(check);
          resolve();
        }
      }, 50);
      void run.done.then(() => clearInterval(check));
    })]);
    expect(run.output()).toContain(`1 note prise par un autre processus (${other}) : attente de sa publication…`);
    const published = await publishPendingNotes(client, queue, { worker: other, ids: [note.id] });
    expect(published.results.map((r) => r.state)).toEqual(['published']);
    expect(await run.done).toBe(0);
    expect(run.output()).toContain(`déjà publiée par un autre processus : ${note.pageTitle} (autre-poste.md)`);
    expect(run.output()).not.toContain('0 note traitée');
    expect((await revisionsOf(client, note.pageTitle)).map((r) => r.user)).toEqual(['Robot']);
  }, 120_000);

  it('status and retry say which notes a worker that stopped answering holds, and when another takes them', async () => {
    const note = await queuedNote('serveur-b.md', 'Atelier du serveur muet');
    const worker = 'serveur-b:4242:deadbeef';
    const now = Date.now();
    // Its last renewal 5 minutes ago, its claim (10 minutes long) ends in 5 minutes.
    await setClaim(note.id, worker, now - 5 * 60_000, now + 5 * 60_000);

    const status = await cli(['status']);
    expect(status.code).toBe(0);
    expect(status.output).toMatch(new RegExp(`en attente\\s+${note.pageTitle} \\(serveur-b\\.md\\)\\n\\s+prise par ${worker}, qui ne répond plus depuis 5 min : un autre processus la reprendra dans [45] min \\(à partir du .+ \\(heure de Paris\\)\\)`));
    expect(status.output).toMatch(new RegExp(`1 note prise par un processus qui ne répond plus \\(${worker}\\) : reprise automatique dans [45] min`));

    const retry = await cli(['retry']);
    expect(retry.code).toBe(0);
    expect(retry.output).toContain('0 note traitée');
    expect(retry.output).toMatch(new RegExp(`1 note prise par un processus qui ne répond plus \\(${worker}\\) : reprise automatique dans [45] min \\(à partir du .+\\), par « npm run notes -- retry » ou le prochain passage\\.`));
    // Released for the next spec: as if its claim had ended.
    await setClaim(note.id, worker, now - 10 * 60_000, now - 1);
    const taken = await cli(['retry']);
    expect(taken.output).toMatch(new RegExp(`publiée\\s+${note.pageTitle}`));
  }, 120_000);

  it('retry takes at once the notes of a process of this machine that has ended, without waiting for its claim to expire', async () => {
    const note = await queuedNote('watch-tue.md', 'Atelier du watch tué');
    const worker = `${hostname()}:${await endedPid()}:abcdef12`;
    const now = Date.now();
    await setClaim(note.id, worker, now, now + 10 * 60_000);

    const status = await cli(['status']);
    expect(status.output).toContain(`prise par ${worker}, un processus de cette machine qui s’est arrêté : la prochaine publication la reprend aussitôt (npm run notes -- retry)`);
    const retry = await cli(['retry']);
    expect(retry.code).toBe(0);
    expect(retry.output).toMatch(new RegExp(`publiée\\s+${note.pageTitle}`));
    expect((await revisionsOf(client, note.pageTitle)).map((r) => r.user)).toEqual(['Robot']);
  }, 120_000);

  it('retry with nothing left to publish says so', async () => {
    const { output, code } = await cli(['retry']);
    expect(code).toBe(0);
    expect(output).toMatch(/Rien à publier : aucune note en attente ni en échec à réessayer \(3 publiées, 0 conflit, 0 échec à corriger : voir « npm run notes -- status »\)\./);
  }, 60_000);
});
