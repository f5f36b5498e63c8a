/**
 * Files people actually have: a note file is read for what it is (text, Markdown, .odt, .docx,
 * pad exports), and every other kind is refused in French, naming the file and what to do,
 * before anything is queued (the CLI reads every file before it queues any).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convertNote } from '../../src/notes/convert.js';
import { NoteQueue } from '../../src/notes/queue.js';
import { listNoteFiles, readNoteInputs } from '../../src/notes/sources.js';
import { watchFolder } from '../../src/notes/watch.js';
import type { WikiClient } from '../../src/wiki/client.js';
import { openTestStore } from '../support/store.js';
import { openPollenStore } from '../../src/store-schema.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CORPUS = path.join(ROOT, 'test/fixtures/notes');
const work = mkdtempSync(path.join(tmpdir(), 'pollen-note-kinds-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const file = (name: string, bytes: string | Uint8Array): string => {
  const p = path.join(work, name);
  writeFileSync(p, typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  return p;
};

describe('files that are no notes', () => {
  it.each([
    ['compte-rendu.pdf', '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n', /« compte-rendu\.pdf » est un PDF, que Pollen ne lit pas : .*envoyez le document d’origine \(\.odt, \.docx\)/],
    ['compte-rendu.rtf', '{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}}\\f0 R\\\'e9union du bureau\\par}', /« compte-rendu\.rtf » est un document RTF, que Pollen ne lit pas : ouvrez-le dans LibreOffice Writer ou Word et enregistrez-le en \.odt ou \.docx/],
    ['ancien.doc', '\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00', /« ancien\.doc » est un document Word ancien \(\.doc\)/],
    ['photo-tableau.jpg', '\xff\xd8\xff\xe0\x00\x10JFIF', /« photo-tableau\.jpg » est un fichier \.jpg, que Pollen ne lit pas/],
    ['deguise.txt', '%PDF-1.4\n', /« deguise\.txt » est un PDF/],
    ['faux.docx', 'Réunion du bureau\n\nOn a parlé.\n', /« faux\.docx » n’a pas pu être lu comme un document Word \(\.docx\)/],
  ])('refuses %s in French, saying what to do', async (name, bytes, message) => {
    const refusal = readNoteInputs([file(name, bytes)], 'cli');
    await expect(refusal).rejects.toMatchObject({ name: 'NoteError', code: expect.stringMatching(/^NOTE_FILE_(UNSUPPORTED|UNREADABLE)$/), message: expect.stringMatching(message) });
  });

  it('lists documents and pad exports in a folder, and leaves its other files alone', async () => {
    const dir = mkdtempSync(path.join(work, 'dossier-'));
    for (const name of ['a.txt', 'b.odt', 'c.docx', 'd.html', 'e.etherpad', 'f.pdf', 'g.rtf', '~$c.docx', '.cache.txt']) writeFileSync(path.join(dir, name), '');
    expect((await listNoteFiles(dir)).map((f) => path.basename(f))).toEqual(['a.txt', 'b.odt', 'c.docx', 'd.html', 'e.etherpad']);
  });

  it('queues nothing when one file named to « npm run notes -- publish » is no note, and says why in French', async () => {
    const storePath = path.join(work, 'cli/pollen.sqlite');
    const good = path.join(CORPUS, '11-permanence-mars.txt');
    const bad = file('notes-bureau.rtf', '{\\rtf1\\ansi Bureau\\par}');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bots/notes.ts'), 'publish', good, bad], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
      // No wiki answers there: the refusal comes before any wiki call.
      env: { ...process.env, POLLEN_STORE_PATH: storePath, WIKI_API_URL: 'http://127.0.0.1:9/api.php', WIKI_BOT_USER: 'Robot@pollen', WIKI_BOT_PASSWORD: 'x' },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toMatch(/« notes-bureau\.rtf » est un document RTF, que Pollen ne lit pas/);
    if (existsSync(storePath)) {
      const store = await openPollenStore({ kind: 'sqlite', path: storePath });
      expect((await new NoteQueue(store).list()).total).toBe(0);
      await store.close();
    }
  }, 60_000);
});

describe('a watched folder', () => {
  it('reports a damaged document once, in French, and queues nothing for it', async () => {
    const dir = mkdtempSync(path.join(work, 'surveille-'));
    writeFileSync(path.join(dir, 'abime.docx'), 'PK\u0003\u0004 pas vraiment un document Word');
    const queue = new NoteQueue(await openTestStore());
    const lines: string[] = [];
    const controller = new AbortController();
    let passes = 0;
    // Nothing to publish: the wiki is never called.
    await watchFolder({} as WikiClient, queue, {
      dir, intervalMs: 100, signal: controller.signal, log: (line) => lines.push(line),
      onPass: () => { if (++passes === 3) controller.abort(); },
    });
    expect(lines.filter((l) => l.includes('abime.docx'))).toEqual([expect.stringMatching(/^avertissement : .*abime\.docx : « abime\.docx » n’a pas pu être lu comme un document Word \(\.docx\)/)]);
    expect((await queue.list()).total).toBe(0);
  });
});

describe('documents named on the command line', () => {
  it('reads .odt, .docx and pad exports into the same kind of page as typed minutes, never as raw code', async () => {
    const expected: Array<[string, string]> = [
      ['19-conseil-administration-document.odt', 'Le conseil s’est réuni en soirée, onze membres sur douze étaient là.'],
      ['20-atelier-budget-participatif.docx', 'Quatorze habitantes et habitants sont venus, dont six pour la première fois.'],
      ['21-pad-permanence-numerique.etherpad', 'Sept personnes sont passées dans l’après-midi.'],
      ['22-pad-reunion-benevoles.html', 'On était neuf autour de la table, avec deux nouvelles bénévoles'],
    ];
    const inputs = await readNoteInputs(expected.map(([n]) => path.join(CORPUS, n)), 'cli');
    const names = expected.map(([n]) => n);
    for (const [i, input] of inputs.entries()) {
      const note = convertNote(input.source, { fileName: input.fileName });
      expect(note.wikitext, names[i]).toContain(expected[i]?.[1]);
      expect(note.wikitext, names[i]).not.toMatch(/mimetype|content\.xml|<office:|<w:|word\/|"atext"|"pool"|<!DOCTYPE|<body>|<br>|&lt;li&gt;/);
    }
    expect(readFileSync(path.join(CORPUS, names[0] ?? '')).subarray(0, 2).toString()).toBe('PK');
  });
});
