/**
 * Notes follow their session whichever way they come: `npm run notes -- publish` and the folder
 * watch (the built CLI, dist/bots/notes.js, as package.json runs it) over a real wiki and the
 * store file the gateway would share. A note naming a session becomes its minutes (the session
 * links the page, the « compte rendu manquant » list drops it); a note naming an unknown session
 * is refused with the gateway's French message and stays visible in `notes status`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgendaService } from '../../src/agenda/service.js';
import { AgendaStore } from '../../src/agenda/store.js';
import { unknownSessionReason } from '../../src/notes/queue.js';
import { openPollenStore } from '../../src/store-schema.js';
import type { StoreDb } from '../../src/store/database.js';
import type { WikiClient } from '../../src/wiki/client.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { MODULES, sessionInput } from './fixtures.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'dist/bots/notes.js');

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe('notes from the CLI and the folder watch follow their session', () => {
  let wiki: LocalWiki;
  let client: WikiClient;
  let work: string;
  let storePath: string;
  let store: StoreDb;
  let agenda: AgendaService;

  function start(args: string[]) {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword, POLLEN_STORE_PATH: storePath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
    const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return Object.assign(child, { output: () => output, done });
  }
  async function cli(args: string[]) {
    const child = start(args);
    return { code: await child.done, output: child.output() };
  }
  const pastSession = async (title: string, offset: number) =>
    (await agenda.createSession(sessionInput({ title, startsAt: `${day(offset)}T14:00`, endsAt: `${day(offset)}T17:00` }))).session.id;
  const missing = async () => (await agenda.missingMinutes()).map((s) => s.id);

  beforeAll(async () => {
    wiki = await startWiki();
    client = await wiki.botClient();
    work = mkdtempSync(path.join(tmpdir(), 'pollen-agenda-notes-'));
    storePath = path.join(work, 'var/pollen.sqlite');
    // The store as the gateway leaves it: every concept's tables, sessions facilitators created.
    store = await openPollenStore({ kind: 'sqlite', path: storePath });
    agenda = new AgendaService(new AgendaStore(store), { modules: MODULES });
  });
  afterAll(async () => {
    await store?.close();
    await wiki?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('publish: the note naming its session becomes that session’s minutes and leaves the missing-minutes list', async () => {
    const held = await pastSession('Atelier libre à Brest', -8);
    const other = await pastSession('Atelier données à Brest', -4);
    expect(await missing()).toEqual([other, held]);
    const file = path.join(work, 'brest.md');
    writeFileSync(file, `---\ntitle: Atelier libre à Brest\ndate: ${day(-8)}\nsession: ${held}\n---\nTour de table, puis les quatre libertés.\n`);
    const { code, output } = await cli(['publish', file]);
    expect(output).toContain('1 note traitée : 1 publiée');
    expect(code).toBe(0);
    const title = `Comptes-rendus/${day(-8)} Atelier libre à Brest`;
    expect((await agenda.session(held)).minutesTitle).toBe(title);
    expect((await client.getPages([title])).get(title)?.exists).toBe(true);
    expect(await missing()).toEqual([other]);
  }, 60_000);

  it('publish: a note naming an unknown session is refused with the gateway’s message, kept in the queue, and no page is made', async () => {
    const file = path.join(work, 'inconnue.md');
    writeFileSync(file, `---\ntitle: Atelier fantôme\ndate: ${day(-2)}\nsession: 987654\n---\nPersonne n’est venu.\n`);
    const before = await missing();
    // The dry run says what the real run will do.
    const dry = await cli(['publish', file, '--dry-run']);
    expect(dry.output).toContain('note invalide (inconnue.md)');
    expect(dry.output).toContain(unknownSessionReason(987654));
    expect(dry.code).toBe(1);
    const { code, output } = await cli(['publish', file]);
    expect(code).toBe(1);
    expect(output).toContain(`inconnue.md : ${unknownSessionReason(987654)}`);
    expect(unknownSessionReason(987654)).toBe('Aucune session n° 987654 dans l’agenda : vérifiez le numéro (tableau de bord, « Comptes rendus manquants »).');
    const title = `Comptes-rendus/${day(-2)} Atelier fantôme`;
    expect((await client.getPages([title])).get(title)?.exists).toBe(false);
    const status = await cli(['status']);
    expect(status.output).toMatch(/ échec\s+Comptes-rendus\/\S+ Atelier fantôme \(inconnue\.md\)\n\s+Aucune session n° 987654 dans l’agenda/);
    expect(await missing()).toEqual(before);
  }, 60_000);

  it('publish again once the session number is corrected: the same file, fixed, goes out and links its session', async () => {
    const held = await pastSession('Atelier fantôme', -2);
    const file = path.join(work, 'inconnue.md');
    writeFileSync(file, `---\ntitle: Atelier fantôme\ndate: ${day(-2)}\nsession: ${held}\n---\nPersonne n’est venu.\n`);
    const { code, output } = await cli(['publish', file]);
    expect(output).toContain('1 publiée');
    expect(code).toBe(0);
    expect((await agenda.session(held)).minutesTitle).toBe(`Comptes-rendus/${day(-2)} Atelier fantôme`);
    expect(await missing()).not.toContain(held);
  }, 60_000);

  it('publish: a note written before its session was entered goes out, unchanged, once the session exists', async () => {
    const next = Math.max(...(await agenda.list({ includePrivate: true, limit: 1000 })).sessions.map((s) => s.id)) + 1;
    const file = path.join(work, 'en-avance.md');
    writeFileSync(file, `---\ntitle: Atelier saisi plus tard\ndate: ${day(-1)}\nsession: ${next}\n---\nCompte rendu écrit avant la saisie de la session.\n`);
    const early = await cli(['publish', file]);
    expect(early.code).toBe(1);
    expect(early.output).toContain(unknownSessionReason(next));
    expect(await pastSession('Atelier saisi plus tard', -1)).toBe(next);
    const { code, output } = await cli(['publish', file]);
    expect(output).toContain('1 publiée');
    expect(code).toBe(0);
    expect((await agenda.session(next)).minutesTitle).toBe(`Comptes-rendus/${day(-1)} Atelier saisi plus tard`);
  }, 60_000);

  it('watch: a note dropped in the folder becomes its session’s minutes; an unknown session is refused and shown in status', async () => {
    const held = await pastSession('Atelier surveillé à Brest', -6);
    const dir = path.join(work, 'surveille');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'surveille.md'), `---\ntitle: Atelier surveillé à Brest\ndate: ${day(-6)}\nsession: ${held}\n---\nNotes prises pendant l’atelier.\n`);
    writeFileSync(path.join(dir, 'perdue.md'), `---\ntitle: Note perdue\ndate: ${day(-6)}\nsession: 424242\n---\nNuméro de session erroné.\n`);
    const watcher = start(['watch', dir, '--interval', '200']);
    const title = `Comptes-rendus/${day(-6)} Atelier surveillé à Brest`;
    while (!(await client.getPages([title])).get(title)?.exists) await new Promise((r) => setTimeout(r, 100));
    watcher.kill('SIGTERM');
    expect(await watcher.done).toBe(0);
    expect((await agenda.session(held)).minutesTitle).toBe(title);
    expect(await missing()).not.toContain(held);
    const status = await cli(['status']);
    expect(status.output).toMatch(/ échec\s+Comptes-rendus\/\S+ Note perdue \(perdue\.md\)\n\s+Aucune session n° 424242 dans l’agenda/);
    const lost = `Comptes-rendus/${day(-6)} Note perdue`;
    expect((await client.getPages([lost])).get(lost)?.exists).toBe(false);
  }, 60_000);
});
