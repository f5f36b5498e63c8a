import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { NoteQueue } from '../../src/notes/queue.js';
import type { StoreDb } from '../../src/store/database.js';
import { describeEachStore } from '../support/postgres.js';
import { openSharedStores } from '../support/store.js';

const note = (i: number) => ({
  key: `file:/notes/n${i}.md`, fileName: `n${i}.md`, origin: 'cli' as const,
  source: `---\ntitle: Atelier ${i}\ndate: 2026-02-10\n---\nCompte rendu ${i}.\n`,
});

describeEachStore('notes workers sharing one queue (claims)', (backend) => {
  let dir: string;
  let a: StoreDb;
  let b: StoreDb;
  let aClosed = false;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pollen-claims-'));
    [a, b] = await openSharedStores(backend, dir);
    aClosed = false;
  });
  afterEach(async () => {
    if (!aClosed) await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives each pending note to one worker only, when eight claim at the same time over two connections', async () => {
    const queueA = new NoteQueue(a);
    const queueB = new NoteQueue(b);
    for (let i = 0; i < 40; i++) await (i % 2 ? queueA : queueB).enqueue(note(i));
    const rounds = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? queueA : queueB).claim({ worker: `worker-${i}`, limit: 5 })),
    );
    const ids = rounds.flat().map((r) => r.id);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
    // Nothing left for anyone while the claims hold.
    expect(await queueA.claim({ worker: 'C' })).toEqual([]);
  });

  it('hands a killed worker\'s notes to another once its claim has expired, not before', async () => {
    const queueA = new NoteQueue(a);
    const queueB = new NoteQueue(b);
    const { entry } = await queueA.enqueue(note(1));
    const t0 = new Date('2026-02-10T10:00:00Z');
    expect((await queueA.claim({ worker: 'A', claimMs: 60_000, now: t0 })).map((r) => r.id)).toEqual([entry.id]);
    await queueA.markPublishing(entry.id, entry.sourceHash, { wikitext: 'texte figé', pageTitle: entry.pageTitle ?? '' });
    // A dies here. B asks before and after the claim's expiry.
    expect(await queueB.claim({ worker: 'B', claimMs: 60_000, now: new Date(t0.getTime() + 59_000) })).toEqual([]);
    const taken = await queueB.claim({ worker: 'B', claimMs: 60_000, now: new Date(t0.getTime() + 60_000) });
    expect(taken).toMatchObject([{ id: entry.id, state: 'publishing', wikitext: 'texte figé' }]);
  });

  it('keeps a live worker\'s note past its claim length (renewed), and gives it to another within a few polls once the worker is gone', async () => {
    const CLAIM_MS = 3000;
    const POLL_MS = 250;
    const sleep = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const queueA = new NoteQueue(a);
    const queueB = new NoteQueue(b);
    const { entry } = await queueA.enqueue(note(1));
    expect((await queueA.claim({ worker: 'A', claimMs: CLAIM_MS })).map((r) => r.id)).toEqual([entry.id]);
    // B asks, over twice the claim's length, while A lives: A renews its claim, B gets nothing.
    for (let poll = 0; poll < (2 * CLAIM_MS) / POLL_MS; poll++) {
      expect(await queueB.claim({ worker: 'B', claimMs: CLAIM_MS })).toEqual([]);
      await sleep();
    }
    // A is gone (its connection with it): nothing renews the claim. B's polls until it gets the note:
    await a.close();
    aClosed = true;
    const maxPolls = CLAIM_MS / POLL_MS + 2;
    let polls = 0;
    let taken: number[] = [];
    while (taken.length === 0 && polls <= maxPolls) {
      polls += 1;
      taken = (await queueB.claim({ worker: 'B', claimMs: CLAIM_MS })).map((r) => r.id);
      if (taken.length === 0) await sleep();
    }
    expect(taken).toEqual([entry.id]);
    expect(polls).toBeLessThanOrEqual(maxPolls);
  }, 30_000);

  it('does not let a worker whose claim another took over mark the note publishing (only the new holder publishes it)', async () => {
    const queueA = new NoteQueue(a);
    const queueB = new NoteQueue(b);
    const { entry } = await queueA.enqueue(note(1));
    const t0 = new Date('2026-02-10T10:00:00Z');
    await queueA.claim({ worker: 'A', claimMs: 60_000, now: t0 });
    // A stalls past its claim; B takes the note over.
    expect((await queueB.claim({ worker: 'B', claimMs: 60_000, now: new Date(t0.getTime() + 60_000) })).map((r) => r.id)).toEqual([entry.id]);
    const fields = { wikitext: 'texte figé', pageTitle: entry.pageTitle ?? '' };
    expect(await queueA.markPublishing(entry.id, entry.sourceHash, fields)).toBe(false);
    expect(await queueB.markPublishing(entry.id, entry.sourceHash, fields)).toBe(true);
  });

  it('ends the claim with the outcome, and release gives back what a worker did not reach', async () => {
    const queue = new NoteQueue(a);
    const first = (await queue.enqueue(note(1))).entry;
    await queue.enqueue(note(2));
    await queue.claim({ worker: 'A' });
    await queue.markPublished(first.id, first.sourceHash, { pageTitle: first.pageTitle ?? '', revid: 7 });
    await queue.release('A');
    expect((await new NoteQueue(b).claim({ worker: 'B' })).map((r) => r.key)).toEqual(['file:/notes/n2.md']);
  });
});
