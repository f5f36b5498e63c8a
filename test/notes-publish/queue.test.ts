import { describe, expect, it } from 'vitest';
import { listQueue, NoteQueue, retryDelayMs } from '../../src/notes/queue.js';
import { sqliteBackend } from '../support/postgres.js';
import { openTestStore } from '../support/store.js';

const queue = async (): Promise<NoteQueue> => new NoteQueue(await openTestStore());
const dateless = 'Réunion imprévue\n\nOn a parlé du budget.\n';

describe('intake into the durable queue', () => {
  it('does not queue the same note twice, whatever its line endings or trailing spaces', async () => {
    const q = await queue();
    const first = await q.enqueue({ key: 'file:/n/a.txt', fileName: 'a.txt', origin: 'cli', source: dateless });
    expect(first).toMatchObject({ change: 'new', entry: { state: 'queued', pageTitle: expect.stringMatching(/^Comptes-rendus\/\d{4}-\d{2}-\d{2} Réunion imprévue$/) } });
    const again = await q.enqueue({ key: 'file:/n/a.txt', fileName: 'a.txt', origin: 'watch', source: dateless.replace(/\n/g, '  \r\n') });
    expect(again).toMatchObject({ change: 'unchanged', entry: { id: first.entry.id } });
    expect((await q.list()).total).toBe(1);
  });

  it('updates the entry of a changed note and keeps its first reception time, so a note without a date keeps its page', async () => {
    const q = await queue();
    const monday = new Date('2025-09-01T09:00:00Z');
    const first = await q.enqueue({ key: 'file:/n/a.txt', fileName: 'a.txt', origin: 'cli', source: dateless, receivedAt: monday });
    expect(first.entry.pageTitle).toBe('Comptes-rendus/2025-09-01 Réunion imprévue');
    const changed = await q.enqueue({ key: 'file:/n/a.txt', fileName: 'a.txt', origin: 'cli', source: `${dateless}Et du local.\n`, receivedAt: new Date('2025-09-03T09:00:00Z') });
    expect(changed).toMatchObject({ change: 'updated', entry: { id: first.entry.id, receivedAt: monday.toISOString(), pageTitle: 'Comptes-rendus/2025-09-01 Réunion imprévue', state: 'queued' } });
  });

  it('keys notes without a file by their content, and never loses a note the converter refuses', async () => {
    const q = await queue();
    const a = await q.enqueue({ origin: 'graphql', source: '---\ntitle: Atelier\ndate: 2025-01-02\n---\nTexte.' });
    expect(a.entry).toMatchObject({ key: `sha256:${a.entry.sourceHash}`, pageTitle: 'Comptes-rendus/2025-01-02 Atelier' });
    const empty = await q.enqueue({ origin: 'graphql', source: '  \n' });
    expect(empty.entry).toMatchObject({ state: 'failed', retryable: false, pageTitle: null, key: expect.stringMatching(/^sha256:/) });
    expect(empty.entry.reason).toMatch(/^La note est vide/);
    expect((await q.pending({ ignoreBackoff: true })).map((r) => r.id)).toEqual([a.entry.id]);
  });

  it('compares and sets on the content hash: a result never lands on a newer version', async () => {
    const q = await queue();
    const { entry } = await q.enqueue({ key: 'k', origin: 'cli', source: dateless, receivedAt: new Date('2025-09-01') });
    expect((await q.markPublishing(entry.id, entry.sourceHash, { wikitext: 'v1', pageTitle: entry.pageTitle ?? '' }))).toBe(true);
    await q.enqueue({ key: 'k', origin: 'cli', source: `${dateless}Ajout.` });
    expect((await q.markPublished(entry.id, entry.sourceHash, { pageTitle: entry.pageTitle ?? '', revid: 3 }))).toBe(false);
    expect((await q.get(entry.id))).toMatchObject({ state: 'queued', wikitext: null });
  });

  it('backs off failed notes: 1 min, 2, 4 … at most 1 h, and lists the queue with counts per state', async () => {
    expect([1, 2, 3, 10].map(retryDelayMs)).toEqual([60_000, 120_000, 240_000, 3_600_000]);
    const store = await openTestStore();
    const q = new NoteQueue(store);
    const { entry } = await q.enqueue({ key: 'k', origin: 'cli', source: dateless });
    const now = new Date('2025-09-01T10:00:00Z');
    await q.markFailed(entry.id, entry.sourceHash, { reason: 'Le wiki est indisponible.', retryable: true, now });
    expect((await q.get(entry.id))).toMatchObject({ state: 'failed', attempts: 1, nextAttemptAt: '2025-09-01T10:01:00.000Z' });
    expect((await q.pending({ now }))).toEqual([]);
    expect((await q.pending({ now: new Date('2025-09-01T10:01:00Z') })).map((r) => r.id)).toEqual([entry.id]);
    expect(await listQueue(store, { limit: 10 })).toMatchObject({ total: 1, counts: { failed: 1, queued: 0, published: 0, publishing: 0, conflict: 0 } });
  });
});
