import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotesService } from '../../src/notes/service.js';
import type { StoreDb } from '../../src/store/database.js';
import { sqliteBackend } from '../support/postgres.js';
import { openTestStore } from '../support/store.js';
import { WikiClient } from '../../src/wiki/client.js';
import { relay } from '../support/relay.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';

let wiki: LocalWiki;
let store: StoreDb;

beforeAll(async () => {
  wiki = await startWiki();
  store = await openTestStore();
});
afterAll(async () => {
  await store?.close();
  await wiki?.stop();
});

const NOTE = '---\ntitle: Permanence du jeudi\ndate: 2026-11-19\nlieu: Tiers-lieu\n---\nNous avons aidé trois associations à sauvegarder leurs fichiers.\n';

describe('the notes service of the gateway', () => {
  it('answers a submission at once when the wiki is down, keeps the note, and publishes it later in the background', async () => {
    const proxy = await relay(wiki.port);
    const interactive = WikiClient.lazy({ apiUrl: `http://127.0.0.1:${proxy.port}/api.php`, username: wiki.botUser, password: wiki.botPassword, maxRetries: 0 });
    const background = await wiki.botClient();
    const service = new NotesService(store, interactive, { background });
    await proxy.cut();

    const submitted = await service.submit({ source: NOTE, fileName: 'permanence.md' });
    expect(submitted).toMatchObject({ state: 'failed' });
    expect(submitted.reason).toMatch(/indisponible/);
    expect(interactive.stats.apiCalls).toBe(1); // one try, no long backoff while a person waits

    // Before its backoff is over the note waits; after it, the background run publishes it.
    expect((await service.publishPending({ now: new Date() })).results).toEqual([]);
    const later = await service.publishPending({ now: new Date(Date.now() + 10 * 60_000) });
    expect(later.results).toMatchObject([{ state: 'published', pageTitle: 'Comptes-rendus/2026-11-19 Permanence du jeudi' }]);
    expect((await service.list()).counts.published).toBe(1);
    // Nothing pending: the next run costs no wiki call.
    const calls = background.stats.apiCalls;
    await service.publishPending({ now: new Date(Date.now() + 20 * 60_000) });
    expect(background.stats.apiCalls).toBe(calls);
  });
});

describe('the gateway\'s two ways of publishing notes', () => {
  it('never run at once: a failing submission does not mark the background run\'s notes failed', async () => {
    const proxy = await relay(wiki.port);
    const interactive = WikiClient.lazy({ apiUrl: `http://127.0.0.1:${proxy.port}/api.php`, username: wiki.botUser, password: wiki.botPassword, maxRetries: 0 });
    const service = new NotesService(store, interactive, { background: await wiki.botClient() });
    await proxy.cut();
    for (let i = 1; i <= 6; i++) {
      await service.queue.enqueue({ source: `---\ntitle: Atelier ${i}\ndate: 2026-11-2${i % 2}\n---\nCompte rendu numéro ${i}.\n`, fileName: `atelier-${i}.md`, origin: 'cli' });
    }
    const [background, submitted] = await Promise.all([
      service.publishPending(),
      service.submit({ source: '---\ntitle: Soumise pendant la panne\ndate: 2026-11-22\n---\nUne note de plus.\n', fileName: 'soumise.md' }),
    ]);
    // The background run may take the submitted note too (it was queued before that run read the
    // queue); whichever run publishes it, the answer agrees with the queue.
    expect(background.results.filter((r) => r.state === 'published').length).toBeGreaterThanOrEqual(6);
    expect((await service.queue.get(submitted.id!))?.state).toBe(submitted.state.toString());
    const states = (await service.queue.list({ limit: 50 })).entries.filter((e) => e.fileName?.startsWith('atelier-')).map((e) => e.state);
    expect(states).toEqual(Array(6).fill('published'));
  });
});
