import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertNote } from '../../src/notes/convert.js';
import { publishPendingNotes, type NotesRunReport } from '../../src/notes/publisher.js';
import { NoteQueue } from '../../src/notes/queue.js';
import { sanitizeTitle } from '../../src/notes/title.js';
import type { StoreDb } from '../../src/store/database.js';
import { sqliteBackend } from '../support/postgres.js';
import { openTestStore } from '../support/store.js';
import type { WikiClient } from '../../src/wiki/client.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { corpusFiles, corpusInput, editCount, parsedPage, readCorpus, revisionsOf, sentences } from './support.js';

let wiki: LocalWiki;
let client: WikiClient;
let store: StoreDb;
let queue: NoteQueue;
let first: NotesRunReport;
const files = corpusFiles();

beforeAll(async () => {
  wiki = await startWiki();
  client = await wiki.botClient();
  // Pages whose titles the notes mention as ordinary words: they must stay text.
  await wiki.createPages([{ title: 'Nextcloud', text: 'Nextcloud est une suite de logiciels libres.' }, { title: 'CHATONS', text: 'Le collectif.' }]);
  store = await openTestStore();
  queue = new NoteQueue(store);
  for (const file of files) (await queue.enqueue(corpusInput(file)));
  first = await publishPendingNotes(client, queue);
}, 120_000);
afterAll(async () => {
  await store?.close();
  await wiki?.stop();
});

describe('publishing the whole corpus to a real wiki', () => {
  it('publishes every note, each on its own page, and creates the summary template', async () => {
    expect(first.results.map((r) => r.state)).toEqual(files.map(() => 'published'));
    const { counts } = await queue.list();
    expect(counts.published).toBe(files.length);
    const titles = new Set(first.results.map((r) => r.pageTitle));
    expect(titles.size).toBe(files.length);
    const template = (await client.getPages(['Modèle:Compte-rendu'])).get('Modèle:Compte-rendu');
    expect(template?.exists).toBe(true);
    expect(first.edits).toBe(files.length + 1);
  });

  it('signs every edit with a French summary and the pollen tag', async () => {
    const changes = await client.recentChanges(100);
    const notes = changes.filter((c) => c.title.startsWith('Comptes-rendus/'));
    expect(notes).toHaveLength(files.length);
    for (const change of notes) {
      expect(change.comment).toMatch(/^Compte-rendu publié depuis les notes (de |d’).*\(robot Pollen\)$/);
      expect(change.tags).toContain('pollen');
      expect(change.bot).toBe(true);
    }
    const nextcloud = notes.find((c) => c.title.includes('Atelier Nextcloud'));
    expect(nextcloud?.comment).toBe('Compte-rendu publié depuis les notes de Camille Roux et Yanis Benali (robot Pollen)');
  });

  describe.each(files)('%s', (file) => {
    it('shows every sentence of the note in the page the wiki renders', async () => {
      const note = convertNote(readCorpus(file), { fileName: file });
      const result = first.results.find((r) => r.fileName === file);
      expect(result?.pageTitle).toBe(note.title);
      const page = await parsedPage(client, note.title);
      const shown = `${note.title} ${page.text}`;
      for (const sentence of sentences(readCorpus(file), note.meta.keepPersonalData)) {
        // A title line may have been cleaned by the title rules ("TR: Re:" dropped, "/" replaced).
        if (note.title.endsWith(sanitizeTitle(sentence.replace(/^(?:(?:tr|re)\s*:\s*)+/i, '').replace(/\//g, '-')))) continue;
        expect(shown, `missing on the page: ${sentence}`).toContain(sentence);
      }
    });

    it('joins only the categories of its tags and uses only the summary template', async () => {
      const note = convertNote(readCorpus(file), { fileName: file });
      const page = await parsedPage(client, note.title);
      const expected = ['Compte-rendu', ...note.meta.tags].map((t) => sanitizeTitle(t).replace(/_/g, ' '));
      expect(page.categories.sort()).toEqual([...new Set(expected)].sort());
      expect(page.templates).toEqual(['Modèle:Compte-rendu']);
    });

    it('has exactly one revision, the bot’s', async () => {
      const note = convertNote(readCorpus(file), { fileName: file });
      expect((await revisionsOf(client, note.title)).map((r) => r.user)).toEqual(['Robot']);
    });
  });

  it('never lets typed markup become a live category, template, signature or script', async () => {
    const title = first.results.find((r) => r.fileName?.startsWith('09-'))?.pageTitle ?? '';
    const page = await parsedPage(client, title);
    expect(page.categories).toEqual(['Compte-rendu']);
    expect(page.templates).toEqual(['Modèle:Compte-rendu']);
    expect(page.html).not.toMatch(/<script/i);
    expect(page.html).not.toMatch(/Utilisateur:Robot|User:Robot/); // no ~~~~ signature
    for (const typed of ['{{Supprimer}}', '[[Catégorie:Spam]]', '~~~~', '__NOTOC__', "<script>alert('bonjour')</script>", '|}', '{|']) {
      expect(page.text).toContain(typed);
    }
  });

  it('turns no ordinary word into a link: an existing single-word page, the main page', async () => {
    const quick = await parsedPage(client, first.results.find((r) => r.fileName?.startsWith('2025-05-02'))?.pageTitle ?? '');
    expect(quick.text).toContain('Atelier Nextcloud reporté au 14 mai');
    expect(quick.html).not.toMatch(/title="Nextcloud"/);
    const welcome = await parsedPage(client, first.results.find((r) => r.fileName?.startsWith('18-'))?.pageTitle ?? '');
    expect(welcome.text).toContain("On a préparé la réunion d'accueil des nouveaux bénévoles.");
    expect(welcome.html).not.toMatch(/title="Accueil"/);
  });

  it('makes zero edits when the same notes are published again, even from a fresh queue', async () => {
    const before = await editCount(client);
    for (const file of files) expect((await queue.enqueue(corpusInput(file))).change).toBe('unchanged');
    const again = await publishPendingNotes(client, queue);
    expect(again).toMatchObject({ edits: 0, apiCalls: 0, results: [] });

    const freshStore = await openTestStore();
    const fresh = new NoteQueue(freshStore);
    for (const file of files) (await fresh.enqueue(corpusInput(file)));
    const rerun = await publishPendingNotes(client, fresh);
    await freshStore.close();
    expect(rerun.edits).toBe(0);
    expect(rerun.results.every((r) => r.state === 'published')).toBe(true);
    // One batched read (site info is cached by the client; links need no title lookup).
    expect(rerun.apiCalls).toBe(1);
    expect(await editCount(client)).toBe(before);
  });
});
