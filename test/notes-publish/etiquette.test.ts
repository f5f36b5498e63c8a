import { relay } from '../support/relay.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishPendingNotes } from '../../src/notes/publisher.js';
import { NoteQueue, type NoteInput } from '../../src/notes/queue.js';
import type { StoreDb } from '../../src/store/database.js';
import { sqliteBackend } from '../support/postgres.js';
import { openTestStore } from '../support/store.js';
import { WikiClient } from '../../src/wiki/client.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { parsedPage, revisionsOf } from './support.js';

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

function noteInput(key: string, title: string, body: string, extra: Partial<NoteInput> = {}): NoteInput {
  return {
    key: `file:/notes/${key}.md`, fileName: `${key}.md`, origin: 'cli',
    source: `---\ntitle: ${title}\ndate: 2025-06-01\nfacilitators: [Camille]\n---\n${body}\n`, ...extra,
  };
}

async function pageText(title: string): Promise<string | undefined> {
  return (await client.getPages([title], { content: true })).get(title)?.content;
}

describe('updates and human edits', () => {
  it('updates a page that is still the bot’s own when the note changes', async () => {
    const first = await queue.enqueue(noteInput('maj', 'Atelier mis à jour', 'Première version du compte-rendu.'));
    await publishPendingNotes(client, queue);
    const changed = await queue.enqueue(noteInput('maj', 'Atelier mis à jour', 'Deuxième version du compte-rendu.'));
    expect(changed.change).toBe('updated');
    expect(changed.entry).toMatchObject({ id: first.entry.id, state: 'queued', receivedAt: first.entry.receivedAt });
    const run = await publishPendingNotes(client, queue);
    expect(run.results).toMatchObject([{ state: 'published', edits: 1 }]);
    const title = 'Comptes-rendus/2025-06-01 Atelier mis à jour';
    expect(await pageText(title)).toContain('Deuxième version du compte-rendu.');
    expect((await revisionsOf(client, title)).map((r) => r.user)).toEqual(['Robot', 'Robot']);
    const [last] = await client.recentChanges(1);
    expect(last?.comment).toBe('Compte-rendu mis à jour depuis les notes de Camille (robot Pollen)');
  });

  it('keeps a human edit made after the bot’s last edit, and puts the new version in a draft subpage', async () => {
    const title = 'Comptes-rendus/2025-06-01 Atelier corrigé à la main';
    await queue.enqueue(noteInput('humain', 'Atelier corrigé à la main', 'Version du robot.'));
    await publishPendingNotes(client, queue);
    await wiki.humanEdit(title, 'Texte corrigé par une personne.');
    const { entry } = await queue.enqueue(noteInput('humain', 'Atelier corrigé à la main', 'Nouvelle version de la note, avec un ajout.'));
    const run = await publishPendingNotes(client, queue);
    const draft = `${title}/Brouillon du robot`;
    expect(run.results).toMatchObject([{ id: entry.id, state: 'conflict', linkTitle: draft }]);
    expect(await pageText(title)).toBe('Texte corrigé par une personne.');
    const saved = await queue.get(entry.id);
    expect(saved).toMatchObject({ state: 'conflict', linkTitle: draft });
    expect(saved?.reason).toMatch(/modifiée en dernier par Admin, pas par le robot : elle n’est pas écrasée\. La nouvelle version de la note est dans « .*Brouillon du robot »/);
    expect(saved?.linkUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.*Brouillon_du_robot$/);
    const page = await parsedPage(client, draft);
    expect(page.text).toContain('Nouvelle version de la note, avec un ajout.');
    expect(page.text).toContain('Brouillon du robot Pollen.');
    expect(page.categories).toEqual([]); // the draft joins no category
    // Publishing again changes nothing: the draft already holds this version.
    const again = await queue.enqueue(noteInput('humain', 'Atelier corrigé à la main', 'Nouvelle version de la note, avec un ajout.'));
    expect(again.change).toBe('unchanged');
    expect((await publishPendingNotes(client, queue)).edits).toBe(0);
  });

  it('leaves a page with {{nobots}} alone and says so', async () => {
    const title = 'Comptes-rendus/2025-06-01 Page protégée des robots';
    await wiki.humanEdit(title, '{{nobots}}\nRédigée à la main.');
    const { entry } = await queue.enqueue(noteInput('nobots', 'Page protégée des robots', 'Le robot ne doit pas écrire ici.'));
    const run = await publishPendingNotes(client, queue);
    expect(run.edits).toBe(0);
    expect((await queue.get(entry.id))).toMatchObject({ state: 'conflict', linkTitle: title });
    expect((await queue.get(entry.id))?.reason).toMatch(/refuse les robots/);
    expect(await pageText(title)).toBe('{{nobots}}\nRédigée à la main.');
  });

  it('refuses a second note aimed at the same page (same title, same date) instead of overwriting the first', async () => {
    await queue.enqueue(noteInput('doublon-a', 'Atelier en double', 'Note de Camille.'));
    const { entry } = await queue.enqueue(noteInput('doublon-b', 'Atelier en double', 'Note de Yanis.'));
    // Refused at intake, by the same rule as the gateway's (identity.ts): never published.
    expect(entry).toMatchObject({ state: 'failed', retryable: false });
    const run = await publishPendingNotes(client, queue);
    expect(run.results.find((r) => r.id === entry.id)).toBeUndefined();
    expect((await queue.get(entry.id))?.reason).toMatch(/reçoit déjà une autre note \(doublon-a\.md\)/);
    expect(await pageText('Comptes-rendus/2025-06-01 Atelier en double')).toContain('Note de Camille.');
  });
});

describe('bad input', () => {
  it('keeps an empty note or invalid front matter in the queue as failed, with the converter’s French message', async () => {
    const empty = await queue.enqueue({ key: 'file:/notes/vide.txt', fileName: 'vide.txt', origin: 'cli', source: '\n____\n\n' });
    const invalid = await queue.enqueue({ key: 'file:/notes/yaml.md', fileName: 'yaml.md', origin: 'cli', source: '---\ntitle: [pas fermé\n---\nTexte.' });
    expect(empty.entry).toMatchObject({ state: 'failed', retryable: false, reason: expect.stringMatching(/La note est vide/) });
    expect(invalid.entry).toMatchObject({ state: 'failed', retryable: false, reason: expect.stringMatching(/\S/) });
    const run = await publishPendingNotes(client, queue, { ignoreBackoff: true });
    expect(run.results.map((r) => r.id)).not.toContain(empty.entry.id);
    expect((await queue.list()).entries.map((e) => e.id)).toEqual(expect.arrayContaining([empty.entry.id, invalid.entry.id]));
  });
});

describe('the emergency stop page', () => {
  it('halts publishing, the notes stay queued, and they go out once the page says « actif »', async () => {
    await wiki.humanEdit('Utilisateur:Robot/Arrêt', 'Arrêt : le robot casse les tableaux.');
    const { entry } = await queue.enqueue(noteInput('arret', 'Atelier pendant l’arrêt', 'Cette note attend la reprise.'));
    const stopped = await publishPendingNotes(client, queue);
    expect(stopped).toMatchObject({ stopped: true, edits: 0 });
    expect(stopped.halted).toMatch(/arrêt d’urgence/);
    expect((await queue.get(entry.id))?.state).toBe('queued');
    expect(await pageText('Comptes-rendus/2025-06-01 Atelier pendant l’arrêt')).toBeUndefined();

    await wiki.humanEdit('Utilisateur:Robot/Arrêt', 'actif');
    const resumed = await publishPendingNotes(client, queue);
    expect(resumed.results).toMatchObject([{ id: entry.id, state: 'published' }]);
  });
});


describe('the wiki down, lagging or refusing', () => {
  it('marks the note failed with its reason when the wiki is unreachable, and publishes it on a later run once it is back', async () => {
    const proxy = await relay(wiki.port);
    const viaProxy = await WikiClient.connect({
      apiUrl: `http://127.0.0.1:${proxy.port}/api.php`, username: wiki.botUser, password: wiki.botPassword, retryBaseMs: 5, maxRetryDelayMs: 20, maxRetries: 2,
    });
    const { entry } = await queue.enqueue(noteInput('panne', 'Atelier pendant la panne', 'Le wiki était en panne.'));
    await proxy.cut();
    const t0 = new Date();
    const down = await publishPendingNotes(viaProxy, queue, { now: t0 });
    const failed = await queue.get(entry.id);
    expect(failed).toMatchObject({ state: 'failed', retryable: true, attempts: 1 });
    expect(failed?.reason).toMatch(/Le wiki est indisponible \(network\).*republiée automatiquement/);
    expect(down.halted).toBe(failed?.reason);

    await proxy.restore();
    // Before the backoff is over, the next run leaves it alone...
    expect((await publishPendingNotes(viaProxy, queue, { now: new Date(t0.getTime() + 1000) })).results).toEqual([]);
    // ...after it, the note goes out.
    const later = new Date(Date.parse(failed?.nextAttemptAt ?? '') + 1000);
    const back = await publishPendingNotes(viaProxy, queue, { now: later });
    expect(back.results).toMatchObject([{ id: entry.id, state: 'published', edits: 1 }]);
    expect((await revisionsOf(client, 'Comptes-rendus/2025-06-01 Atelier pendant la panne')).map((r) => r.user)).toEqual(['Robot']);
    await proxy.cut();
  });

  it('retries through maxlag, and after too much lag leaves the note failed until the next run', async () => {
    const impatient = await wiki.botClient({ maxRetries: 1, retryBaseMs: 5, maxRetryDelayMs: 10 });
    const { entry } = await queue.enqueue(noteInput('lag', 'Atelier pendant le retard', 'La base de données du wiki était en retard.'));
    await wiki.setLag(30);
    try {
      await publishPendingNotes(impatient, queue, { ignoreBackoff: true });
    } finally {
      await wiki.setLag(0);
    }
    expect((await queue.get(entry.id))).toMatchObject({ state: 'failed', retryable: true });
    expect((await queue.get(entry.id))?.reason).toMatch(/indisponible \(maxlag\)/);
    const retried = await publishPendingNotes(impatient, queue, { ignoreBackoff: true });
    expect(retried.results).toMatchObject([{ id: entry.id, state: 'published' }]);
  });
});
