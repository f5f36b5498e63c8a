/**
 * Issue 21, items 2 and 3, on a real wiki: who "someone else" is (a revision after the bot's
 * own, even one saved with the bot's account), and a note whose title or date changed (its page
 * is moved, or the old page gets a notice; the old title stays the note's).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { previewNotes } from '../../src/notes/preview.js';
import { publishPendingNotes } from '../../src/notes/publisher.js';
import { NoteQueue, type NoteInput } from '../../src/notes/queue.js';
import type { StoreDb } from '../../src/store/database.js';
import type { WikiClient } from '../../src/wiki/client.js';
import { describeEachStore } from '../support/postgres.js';
import { openTestStore } from '../support/store.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { revisionsOf } from './support.js';

let wiki: LocalWiki;
let client: WikiClient;
/** The `action` of every request the bot's client sends (what pollen_upstream_requests_total counts). */
const actions: string[] = [];
const stores: StoreDb[] = [];

beforeAll(async () => {
  wiki = await startWiki();
  client = await wiki.botClient({ onRequest: (r) => actions.push(r.action) });
});
afterAll(async () => {
  for (const store of stores) await store.close();
  await wiki?.stop();
});

async function newQueue(store?: StoreDb): Promise<NoteQueue> {
  const opened = store ?? (await openTestStore());
  stores.push(opened);
  return new NoteQueue(opened);
}

function note(title: string, date: string, body: string): string {
  return `---\ntitle: ${title}\ndate: ${date}\nfacilitators: [Camille]\n---\n${body}\n`;
}

function fileInput(name: string, title: string, date: string, body: string): NoteInput {
  return { key: `file:/notes/${name}.md`, fileName: `${name}.md`, origin: 'cli', source: note(title, date, body) };
}

const rawPageSchema = z.object({
  query: z.object({
    pages: z.array(z.object({
      title: z.string(),
      missing: z.boolean().optional(),
      redirect: z.boolean().optional(),
      revisions: z.array(z.object({ slots: z.object({ main: z.object({ content: z.string() }) }) })).optional(),
    })),
  }),
});

/** The page itself, redirects NOT followed. */
async function rawPage(title: string): Promise<{ exists: boolean; redirect: boolean; text: string }> {
  const raw = await client.request({ action: 'query', prop: ['info', 'revisions'], titles: title, rvprop: 'content', rvslots: 'main' });
  const page = rawPageSchema.parse(raw).query.pages[0];
  return { exists: !page?.missing, redirect: page?.redirect === true, text: page?.revisions?.[0]?.slots.main.content ?? '' };
}

describe('a page corrected with the bot’s own account', () => {
  it('is not overwritten: the revision after the bot’s last one is someone else’s, whoever saved it, and the new version goes to the draft', async () => {
    const queue = await newQueue();
    const title = 'Comptes-rendus/2025-06-02 Atelier relu par Camille';
    const first = await queue.enqueue(fileInput('compte-robot', 'Atelier relu par Camille', '2025-06-02', 'Version publiée par le robot.'));
    await publishPendingNotes(client, queue);
    const published = await queue.get(first.entry.id);
    expect(published).toMatchObject({ state: 'published', pageTitle: title });

    // Camille logs in with the bot's account (another session) and corrects the page, with her own summary.
    const camille = await wiki.botClient();
    const correction = await camille.edit({ title, text: 'Version corrigée par Camille.', summary: 'Correction de Camille : noms des participants' });
    expect(correction.revid).toBeGreaterThan(published?.revid ?? Infinity);

    const next = fileInput('compte-robot', 'Atelier relu par Camille', '2025-06-02', 'Version publiée par le robot, complétée.');
    // The dry run says so too.
    expect(await previewNotes(client, [next], { queue })).toMatchObject([{ action: 'conflict', draftTitle: `${title}/Brouillon du robot` }]);
    const { entry } = await queue.enqueue(next);
    const run = await publishPendingNotes(client, queue);
    const draft = `${title}/Brouillon du robot`;
    expect(run.results).toMatchObject([{ id: entry.id, state: 'conflict', linkTitle: draft }]);
    expect((await rawPage(title)).text).toBe('Version corrigée par Camille.');
    expect((await rawPage(draft)).text).toContain('Version publiée par le robot, complétée.');
    const saved = await queue.get(entry.id);
    expect(saved).toMatchObject({ state: 'conflict', linkTitle: draft, revid: published?.revid });
    expect(saved?.reason).toMatch(/modifiée depuis la dernière publication du robot \(révision \d+ faite avec le compte du robot, résumé « Correction de Camille : noms des participants »\) : elle n’est pas écrasée\. La nouvelle version de la note est dans « .*Brouillon du robot »/);
    // The page's history: the bot's publication, then Camille's correction; nothing after.
    expect((await revisionsOf(client, title)).map((r) => r.revid)).toEqual([published?.revid, correction.revid]);
    expect(saved?.publishedTitle).toBe(title);
  });
});

describe('a note whose title or date changed after publication', () => {
  it('moves the page when nobody edited it since: the old title redirects, the new page has the new text and the whole history', async () => {
    const queue = await newQueue();
    const oldTitle = 'Comptes-rendus/2025-06-03 Atelier vélo';
    const newTitle = 'Comptes-rendus/2025-06-03 Atelier réparation de vélos';
    const first = await queue.enqueue({ origin: 'graphql', source: note('Atelier vélo', '2025-06-03', 'On a réparé trois vélos.') });
    await publishPendingNotes(client, queue);
    const firstRevid = (await queue.get(first.entry.id))?.revid;

    const corrected = await queue.enqueue({ origin: 'graphql', replaces: first.entry.id, source: note('Atelier réparation de vélos', '2025-06-03', 'On a réparé trois vélos et deux remorques.') });
    expect(corrected).toMatchObject({ change: 'updated', entry: { id: first.entry.id, pageTitle: newTitle } });
    actions.length = 0;
    const run = await publishPendingNotes(client, queue);
    expect(run.results).toMatchObject([{ id: first.entry.id, state: 'published', pageTitle: newTitle }]);
    expect(actions.filter((a) => a === 'move')).toHaveLength(1); // through the WikiClient: counted by action

    const old = await rawPage(oldTitle);
    expect(old).toMatchObject({ exists: true, redirect: true });
    expect(old.text).toContain(`[[${newTitle}]]`);
    expect((await rawPage(newTitle)).text).toContain('On a réparé trois vélos et deux remorques.');
    // One history: the first publication, the move, the new text; all the bot's.
    const history = await revisionsOf(client, newTitle);
    expect(history.map((r) => r.user)).toEqual(['Robot', 'Robot', 'Robot']);
    expect(history[0]?.revid).toBe(firstRevid);
    expect(await queue.get(first.entry.id)).toMatchObject({
      state: 'published', pageTitle: newTitle, publishedTitle: newTitle, formerTitles: [oldTitle], revid: history[2]?.revid,
    });
  });

  it('finishes a move that a stopped run made but did not record: the next run updates the moved page, no second page', async () => {
    const queue = await newQueue();
    const oldTitle = 'Comptes-rendus/2025-06-08 Atelier soudure';
    const newTitle = 'Comptes-rendus/2025-06-08 Atelier soudure à l’étain';
    const { entry } = await queue.enqueue(fileInput('soudure', 'Atelier soudure', '2025-06-08', 'Premiers points de soudure.'));
    await publishPendingNotes(client, queue);
    await queue.enqueue(fileInput('soudure', 'Atelier soudure à l’étain', '2025-06-08', 'Premiers points de soudure à l’étain.'));
    // The run stops right after the move, before the queue hears of it.
    const stopped = await publishPendingNotes(client, queue, {
      afterSave: (title) => {
        if (title === newTitle) throw new Error('arrêt simulé après le renommage');
      },
    });
    expect(stopped.results).toMatchObject([{ id: entry.id, state: 'failed' }]);
    expect(await rawPage(oldTitle)).toMatchObject({ redirect: true });

    const resumed = await publishPendingNotes(client, queue, { ignoreBackoff: true });
    expect(resumed.results).toMatchObject([{ id: entry.id, state: 'published', edits: 1 }]);
    expect((await rawPage(newTitle)).text).toContain('Premiers points de soudure à l’étain.');
    expect((await revisionsOf(client, newTitle)).map((r) => r.user)).toEqual(['Robot', 'Robot', 'Robot']);
    expect(await queue.get(entry.id)).toMatchObject({ state: 'published', publishedTitle: newTitle, formerTitles: [oldTitle] });
  });

  it('moves the page back over its own redirect when the title changes back', async () => {
    const queue = await newQueue();
    const first = 'Comptes-rendus/2025-06-09 Atelier jardin';
    const second = 'Comptes-rendus/2025-06-09 Atelier potager';
    await queue.enqueue(fileInput('jardin', 'Atelier jardin', '2025-06-09', 'Semis.'));
    await publishPendingNotes(client, queue);
    await queue.enqueue(fileInput('jardin', 'Atelier potager', '2025-06-09', 'Semis et repiquage.'));
    await publishPendingNotes(client, queue);
    const { entry } = await queue.enqueue(fileInput('jardin', 'Atelier jardin', '2025-06-09', 'Semis, repiquage et paillage.'));
    const run = await publishPendingNotes(client, queue);
    expect(run.results).toMatchObject([{ id: entry.id, state: 'published', pageTitle: first }]);
    expect(await rawPage(first)).toMatchObject({ redirect: false, text: expect.stringContaining('Semis, repiquage et paillage.') });
    expect(await rawPage(second)).toMatchObject({ redirect: true });
    expect(await revisionsOf(client, first)).toHaveLength(5); // created, moved, updated, moved back, updated
    expect(await queue.get(entry.id)).toMatchObject({ publishedTitle: first, formerTitles: [second] });
  });

  it('moves the page of a file whose date changed', async () => {
    const queue = await newQueue();
    await queue.enqueue(fileInput('date-changee', 'Atelier cartographie', '2025-06-04', 'Cartographie des jardins partagés.'));
    await publishPendingNotes(client, queue);
    const { entry } = await queue.enqueue(fileInput('date-changee', 'Atelier cartographie', '2025-06-11', 'Cartographie des jardins partagés (la date était fausse).'));
    expect(entry.pageTitle).toBe('Comptes-rendus/2025-06-11 Atelier cartographie');
    await publishPendingNotes(client, queue);
    expect(await rawPage('Comptes-rendus/2025-06-04 Atelier cartographie')).toMatchObject({ exists: true, redirect: true });
    expect((await rawPage('Comptes-rendus/2025-06-11 Atelier cartographie')).text).toContain('(la date était fausse)');
    expect(await revisionsOf(client, 'Comptes-rendus/2025-06-11 Atelier cartographie')).toHaveLength(3);
  });

  it('leaves a page someone edited since, with a French notice pointing to the new page, and creates the new one', async () => {
    const queue = await newQueue();
    const oldTitle = 'Comptes-rendus/2025-06-05 Atelier compost';
    const newTitle = 'Comptes-rendus/2025-06-05 Atelier lombricompost';
    const first = await queue.enqueue({ origin: 'graphql', source: note('Atelier compost', '2025-06-05', 'Présentation du compost.') });
    await publishPendingNotes(client, queue);
    await wiki.humanEdit(oldTitle, 'Présentation du compost, avec les photos de Yanis.');

    await queue.enqueue({ origin: 'graphql', replaces: first.entry.id, source: note('Atelier lombricompost', '2025-06-05', 'Présentation du lombricompost.') });
    actions.length = 0;
    const run = await publishPendingNotes(client, queue);
    expect(run.results).toMatchObject([{ id: first.entry.id, state: 'published', pageTitle: newTitle }]);
    expect(actions).not.toContain('move');

    const old = await rawPage(oldTitle);
    expect(old.redirect).toBe(false);
    expect(old.text).toMatch(new RegExp(`^'''Ce compte-rendu a une nouvelle page : \\[\\[${newTitle}\\]\\]\\.'''`));
    expect(old.text).toContain('Présentation du compost, avec les photos de Yanis.');
    expect(old.text).toContain('modifiée depuis par quelqu’un d’autre que le robot Pollen');
    expect((await revisionsOf(client, oldTitle)).map((r) => r.user)).toEqual(['Robot', 'Admin', 'Robot']);
    expect((await rawPage(newTitle)).text).toContain('Présentation du lombricompost.');
    expect((await revisionsOf(client, newTitle)).map((r) => r.user)).toEqual(['Robot']);
    expect(await queue.get(first.entry.id)).toMatchObject({ state: 'published', publishedTitle: newTitle, formerTitles: [oldTitle] });
    // Published again: the notice is not added twice.
    expect((await publishPendingNotes(client, queue)).edits).toBe(0);
  });

  it('does not move onto a page someone already wrote at the new title: notice on the old page, the new version in a draft', async () => {
    const queue = await newQueue();
    const oldTitle = 'Comptes-rendus/2025-06-10 Atelier radio';
    const newTitle = 'Comptes-rendus/2025-06-10 Atelier radio libre';
    const { entry } = await queue.enqueue(fileInput('radio', 'Atelier radio', '2025-06-10', 'Montage d’une émission.'));
    await publishPendingNotes(client, queue);
    await wiki.humanEdit(newTitle, 'Page écrite à la main par Yanis.');
    await queue.enqueue(fileInput('radio', 'Atelier radio libre', '2025-06-10', 'Montage d’une émission de radio libre.'));
    const run = await publishPendingNotes(client, queue);
    expect(run.results).toMatchObject([{ id: entry.id, state: 'conflict', linkTitle: `${newTitle}/Brouillon du robot` }]);
    expect((await rawPage(newTitle)).text).toBe('Page écrite à la main par Yanis.');
    const old = await rawPage(oldTitle);
    expect(old.text).toContain(`[[${newTitle}]]`);
    expect(old.text).toContain('La nouvelle page existant déjà');
    expect(old.text).toContain('Montage d’une émission.');
    // The old title stays the note's: its page still holds the bot's last revision for it.
    expect(await queue.get(entry.id)).toMatchObject({ state: 'conflict', publishedTitle: oldTitle });
    expect((await queue.check(fileInput('autre-radio', 'Atelier radio', '2025-06-10', 'Autre note.'))).error?.code).toBe('NOTE_PAGE_TAKEN');
  });

  it('treats an edit made with the bot’s account like anyone’s: no move, a notice', async () => {
    const queue = await newQueue();
    const oldTitle = 'Comptes-rendus/2025-06-06 Atelier pain';
    const newTitle = 'Comptes-rendus/2025-06-06 Atelier pain au levain';
    const first = await queue.enqueue({ origin: 'graphql', source: note('Atelier pain', '2025-06-06', 'Pétrissage.') });
    await publishPendingNotes(client, queue);
    await (await wiki.botClient()).edit({ title: oldTitle, text: 'Pétrissage et cuisson (corrigé par Camille).', summary: 'Correction de Camille' });
    await queue.enqueue({ origin: 'graphql', replaces: first.entry.id, source: note('Atelier pain au levain', '2025-06-06', 'Pétrissage du levain.') });
    await publishPendingNotes(client, queue);
    const old = await rawPage(oldTitle);
    expect(old.redirect).toBe(false);
    expect(old.text).toContain(`[[${newTitle}]]`);
    expect(old.text).toContain('Pétrissage et cuisson (corrigé par Camille).');
    expect((await rawPage(newTitle)).text).toContain('Pétrissage du levain.');
  });
});

describeEachStore('the old title of a renamed note', (backend) => {
  it('stays the note’s: another note aimed at it is refused, whether the page was moved or left with a notice', async () => {
    const queue = await newQueue(await openTestStore(backend));
    const tag = backend.name;
    const movedFrom = `Comptes-rendus/2025-06-07 Atelier couture ${tag}`;
    const noticedFrom = `Comptes-rendus/2025-06-07 Atelier tricot ${tag}`;
    const moving = await queue.enqueue(fileInput(`couture-${tag}`, `Atelier couture ${tag}`, '2025-06-07', 'Ourlets.'));
    const noticed = await queue.enqueue(fileInput(`tricot-${tag}`, `Atelier tricot ${tag}`, '2025-06-07', 'Mailles.'));
    await publishPendingNotes(client, queue);
    await wiki.humanEdit(noticedFrom, 'Mailles, et un patron ajouté.');
    await queue.enqueue(fileInput(`couture-${tag}`, `Atelier couture et retouches ${tag}`, '2025-06-07', 'Ourlets et retouches.'));
    await queue.enqueue(fileInput(`tricot-${tag}`, `Atelier tricot et crochet ${tag}`, '2025-06-07', 'Mailles et crochet.'));
    // Reserved from the correction on, before it is published...
    expect((await queue.check(fileInput(`autre-couture-${tag}`, `Atelier couture ${tag}`, '2025-06-07', 'Autre note.'))).error?.code).toBe('NOTE_PAGE_TAKEN');
    await publishPendingNotes(client, queue);
    expect(await rawPage(movedFrom)).toMatchObject({ redirect: true });
    expect(await queue.get(noticed.entry.id)).toMatchObject({ formerTitles: [noticedFrom] });

    // ...and after: another note with the old title and date is refused, and neither old page changes.
    for (const [name, title, owner] of [[`autre-couture-${tag}`, `Atelier couture ${tag}`, moving], [`autre-tricot-${tag}`, `Atelier tricot ${tag}`, noticed]] as const) {
      const intruder = await queue.enqueue(fileInput(name, title, '2025-06-07', 'Une autre note, d’un autre atelier.'));
      expect(intruder.entry).toMatchObject({ state: 'failed', retryable: false });
      expect(intruder.entry.reason).toContain(`reçoit déjà une autre note (${owner.entry.fileName})`);
    }
    const before = [await rawPage(movedFrom), await rawPage(noticedFrom)];
    expect((await publishPendingNotes(client, queue, { ignoreBackoff: true })).edits).toBe(0);
    expect([await rawPage(movedFrom), await rawPage(noticedFrom)]).toEqual(before);
  });
});
