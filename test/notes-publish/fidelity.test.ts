/**
 * Nothing a facilitator writes is mangled or kept where it should not be, on a real wiki:
 * Windows-1252 minutes keep their letters, personal data never stays in the store, and a wiki
 * refusal no retry can change is a failure with what to do, not a retry forever.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removePersonalData } from '../../src/notes/pii.js';
import { publishPendingNotes } from '../../src/notes/publisher.js';
import { NoteQueue } from '../../src/notes/queue.js';
import { readNoteInputs } from '../../src/notes/sources.js';
import type { StoreDb } from '../../src/store/database.js';
import type { WikiClient } from '../../src/wiki/client.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { openTestStore } from '../support/store.js';
import { CORPUS_DIR, parsedPage } from './support.js';

let wiki: LocalWiki;
let client: WikiClient;
let store: StoreDb;
let queue: NoteQueue;

beforeAll(async () => {
  wiki = await startWiki();
  client = await wiki.botClient();
  store = await openTestStore();
  queue = new NoteQueue(store);
});
afterAll(async () => {
  await store?.close();
  await wiki?.stop();
});

describe('Windows-1252 minutes', () => {
  it('are published with their accents, € and bullets, never as replacement characters, in the page and in the store', async () => {
    const inputs = await readNoteInputs([path.join(CORPUS_DIR, '14-assemblee-generale-windows-1252.txt')], 'cli');
    const { entry, warnings } = await queue.enqueue(inputs[0]!);
    expect(warnings[0]).toMatch(/n’est pas en UTF-8 : lu comme du Windows-1252/);
    const run = await publishPendingNotes(client, queue, { ids: [entry.id] });
    expect(run.results).toMatchObject([{ state: 'published', pageTitle: "Comptes-rendus/2007-01-13 Assemblée générale de l'association Les Pissenlits" }]);
    const page = await parsedPage(client, run.results[0]!.pageTitle!);
    expect(page.text).toContain('Le trésorier a présenté le bilan financier');
    expect(page.text).toContain('avec un excédent de 350 €');
    expect(page.html).toMatch(/<li>Bilan moral\s*<\/li>/);
    expect(page.text).not.toContain('\ufffd');
    expect((await queue.get(entry.id))?.source).toContain('Le trésorier a présenté');
  });
});

describe('personal data', () => {
  const body = 'Contacts : camille.roux@exemple.fr, 06 12 34 56 78, prenom.nom AT domaine.fr, yanis (at) asso.org, '
    + 'aicha[at]tiers-lieu.fr et bureau arobase pissenlits.org.\nLe local ouvre le mardi.\n';

  it('never stays in the store once the note is published without it; disguised addresses included', async () => {
    const { entry } = await queue.enqueue({ source: `---\ntitle: Permanence contacts\ndate: 2025-10-07\nanimateurs: [Camille <camille.roux@exemple.fr>]\n---\n${body}`, origin: 'graphql' });
    await publishPendingNotes(client, queue, { ids: [entry.id] });
    const stored = await queue.get(entry.id);
    expect(stored?.state).toBe('published');
    for (const secret of ['camille.roux@exemple.fr', '06 12 34 56 78', 'prenom.nom AT domaine.fr', 'yanis (at) asso.org', 'aicha[at]tiers-lieu.fr', 'bureau arobase pissenlits.org']) {
      expect(stored?.source).not.toContain(secret);
      expect(stored?.wikitext).not.toContain(secret);
    }
    expect(stored?.source).toContain('Le local ouvre le mardi.');
    const page = await parsedPage(client, 'Comptes-rendus/2025-10-07 Permanence contacts');
    expect(page.text).toContain('[courriel retiré]');
    expect(page.text).not.toMatch(/domaine\.fr|asso\.org|tiers-lieu\.fr|pissenlits\.org|exemple\.fr/);
  });

  it('is kept, in the store and on the page, when the note says keepPersonalData: true', async () => {
    const { entry } = await queue.enqueue({ source: `---\ntitle: Annuaire du bureau\ndate: 2025-10-08\nkeepPersonalData: true\n---\n${body}`, origin: 'graphql' });
    await publishPendingNotes(client, queue, { ids: [entry.id] });
    expect((await queue.get(entry.id))?.source).toContain('camille.roux@exemple.fr');
    expect((await parsedPage(client, 'Comptes-rendus/2025-10-08 Annuaire du bureau')).text).toContain('camille.roux@exemple.fr');
  });

  it('catches the disguised forms one by one', () => {
    for (const disguised of ['prenom.nom AT domaine.fr', 'prenom.nom at domaine.fr', 'prenom.nom (at) domaine.fr', 'prenom.nom [at] domaine.fr', 'prenom.nom arobase domaine.fr', 'prenom.nom{at}domaine.fr', 'prenom.nom (arobase) domaine.fr']) {
      expect(removePersonalData(`Écrire à ${disguised} avant lundi.`), disguised).toEqual({ text: 'Écrire à [courriel retiré] avant lundi.', removed: 1 });
    }
    expect(removePersonalData('On se retrouve at home. Rendez-vous à la mairie.').removed).toBe(0);
  });
});

describe('a refusal no retry changes', () => {
  it('fails the note for good with the reason and what to do (split it), instead of retrying it on every run', async () => {
    // This wiki takes pages up to 1 kB; the note is 3 kB.
    appendFileSync(path.join(wiki.dir, 'LocalSettings.php'), '\n$wgMaxArticleSize = 1;\n');
    // PHP's opcache looks at the settings file again within a couple of seconds.
    for (;;) {
      const info = (await client.request({ action: 'query', meta: 'siteinfo', siprop: 'general' })) as { query: { general: { maxarticlesize?: number } } };
      if (info.query.general.maxarticlesize === 1024) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const long = Array.from({ length: 60 }, (_, i) => `Point ${i + 1} : la commission a relu le chapitre et propose des corrections.`).join('\n');
    const { entry } = await queue.enqueue({ source: `---\ntitle: Très long compte-rendu\ndate: 2025-10-09\n---\n${long}\n`, origin: 'cli', key: 'file:/notes/long.txt', fileName: 'long.txt' });
    const run = await publishPendingNotes(client, queue, { ids: [entry.id] });
    expect(run.results).toMatchObject([{ state: 'failed' }]);
    expect(await queue.get(entry.id)).toMatchObject({ state: 'failed', retryable: false, attempts: 1, nextAttemptAt: null });
    expect((await queue.get(entry.id))?.reason).toMatch(/^Le wiki refuse définitivement cette note \(contenttoobig\) : la note est trop longue .* découpez-la/);
    // Later runs leave it alone: no new attempt, no wiki call for it.
    const later = await publishPendingNotes(client, queue, { ignoreBackoff: true, now: new Date(Date.now() + 86_400_000) });
    expect(later.results).toEqual([]);
    expect((await queue.get(entry.id))?.attempts).toBe(1);
  });
});
