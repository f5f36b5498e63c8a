import { describe, expect, it } from 'vitest';
import { listQueue, NoteQueue, retryDelayMs } from '../../src/notes/queue.js';
import { openStore } from '../../src/store/db.js';

const queue = (): NoteQueue => new NoteQueue(openStore(':memory:'));
const dateless = 'Réunion imprévue\n\nOn a parlé du budget.\n';

describe('intake into the durable queue', () => {
  it('does not queue the same note twice, whatever its line endings or trailing spaces', () => {
    const q = queue();
    const first = q.enqueue({ key: 'file:/n/a.txt', fileName: 'a.txt', origin: 'cli', source: dateless });
    expect(first).toMatchObject({ change: 'new', entry: { state: 'queued', pageTitle: expect.stringMatching(/^Comptes-rendus\/\d{4}-\d{2}-\d{2} Réunion imprévue$/) } });
    const again = q.enqueue({ key: 'file:/n/a.txt', fileName: 'a.txt', origin: 'watch', source: dateless.replace(/\n/g, '  \r\n') });
    expect(again).toMatchObject({ change: 'unchanged', entry: { id: first.entry.id } });
    expect(q.list().total).toBe(1);
  });

  it('updates the entry of a changed note and keeps its first reception time, so a note without a date keeps its page', () => {
    const q = queue();
    const monday = new Date('2025-09-01T09:00:00Z');
    const first = q.enqueue({ key: 'file:/n/a.txt', fileName: 'a.txt', origin: 'cli', source: dateless, receivedAt: monday });
    expect(first.entry.pageTitle).toBe('Comptes-rendus/2025-09-01 Réunion imprévue');
    const changed = q.enqueue({ key: 'file:/n/a.txt', fileName: 'a.txt', origin: 'cli', source: `${dateless}Et du local.\n`, receivedAt: new Date('2025-09-03T09:00:00Z') });
    expect(changed).toMatchObject({ change: 'updated', entry: { id: first.entry.id, receivedAt: monday.toISOString(), pageTitle: 'Comptes-rendus/2025-09-01 Réunion imprévue', state: 'queued' } });
  });

  it('keys notes without a file by their content, and never loses a note the converter refuses', () => {
    const q = queue();
    const a = q.enqueue({ origin: 'graphql', source: '---\ntitle: Atelier\ndate: 2025-01-02\n---\nTexte.' });
    expect(a.entry).toMatchObject({ key: `sha256:${a.entry.sourceHash}`, pageTitle: 'Comptes-rendus/2025-01-02 Atelier' });
    const empty = q.enqueue({ origin: 'graphql', source: '  \n' });
    expect(empty.entry).toMatchObject({ state: 'failed', retryable: false, pageTitle: null, key: expect.stringMatching(/^sha256:/) });
    expect(empty.entry.reason).toMatch(/^La note est vide/);
    expect(q.pending({ ignoreBackoff: true }).map((r) => r.id)).toEqual([a.entry.id]);
  });

  it('compares and sets on the content hash: a result never lands on a newer version', () => {
    const q = queue();
    const { entry } = q.enqueue({ key: 'k', origin: 'cli', source: dateless, receivedAt: new Date('2025-09-01') });
    expect(q.markPublishing(entry.id, entry.sourceHash, { wikitext: 'v1', pageTitle: entry.pageTitle ?? '' })).toBe(true);
    q.enqueue({ key: 'k', origin: 'cli', source: `${dateless}Ajout.` });
    expect(q.markPublished(entry.id, entry.sourceHash, { pageTitle: entry.pageTitle ?? '', revid: 3 })).toBe(false);
    expect(q.get(entry.id)).toMatchObject({ state: 'queued', wikitext: null });
  });

  it('backs off failed notes: 1 min, 2, 4 … at most 1 h, and lists the queue with counts per state', () => {
    expect([1, 2, 3, 10].map(retryDelayMs)).toEqual([60_000, 120_000, 240_000, 3_600_000]);
    const store = openStore(':memory:');
    const q = new NoteQueue(store);
    const { entry } = q.enqueue({ key: 'k', origin: 'cli', source: dateless });
    const now = new Date('2025-09-01T10:00:00Z');
    q.markFailed(entry.id, entry.sourceHash, { reason: 'Le wiki est indisponible.', retryable: true, now });
    expect(q.get(entry.id)).toMatchObject({ state: 'failed', attempts: 1, nextAttemptAt: '2025-09-01T10:01:00.000Z' });
    expect(q.pending({ now })).toEqual([]);
    expect(q.pending({ now: new Date('2025-09-01T10:01:00Z') }).map((r) => r.id)).toEqual([entry.id]);
    expect(listQueue(store, { limit: 10 })).toMatchObject({ total: 1, counts: { failed: 1, queued: 0, published: 0, publishing: 0, conflict: 0 } });
  });
});
