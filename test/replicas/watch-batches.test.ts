/**
 * `npm run notes -- watch DIR` claims the shared queue in batches (README, "Plus d'une machine"):
 * a watcher never takes a long queue all at once, so the other workers and the gateways get
 * their share of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WORKER_BATCH_SIZE } from '../../src/notes/publisher.js';
import { NoteQueue, type ClaimOptions, type QueueRecord } from '../../src/notes/queue.js';
import { watchFolder } from '../../src/notes/watch.js';
import type { StoreDb } from '../../src/store/database.js';
import type { WikiClient } from '../../src/wiki/client.js';
import { openTestStore } from '../support/store.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';

let wiki: LocalWiki;
let client: WikiClient;
let store: StoreDb;
let dir: string;

beforeAll(async () => {
  wiki = await startWiki();
  client = await wiki.botClient();
  store = await openTestStore();
  dir = mkdtempSync(path.join(tmpdir(), 'pollen-watch-batches-'));
});
afterAll(async () => {
  await store?.close();
  await wiki?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The queue, recording how many notes each claim took. */
class RecordingQueue extends NoteQueue {
  readonly claims: number[] = [];
  override async claim(opts: ClaimOptions): Promise<QueueRecord[]> {
    const taken = await super.claim(opts);
    this.claims.push(taken.length);
    return taken;
  }
}

it(`claims a long queue ${WORKER_BATCH_SIZE} notes at a time, and publishes all of it in one pass`, async () => {
  const queue = new RecordingQueue(store);
  const total = WORKER_BATCH_SIZE + 5;
  for (let i = 1; i <= total; i++) {
    await queue.enqueue({ origin: 'api', source: `---\ntitle: Atelier en file ${i}\ndate: 2025-11-0${1 + (i % 9)}\n---\nCompte-rendu ${i}.\n` });
  }
  const controller = new AbortController();
  // An empty folder: the watcher publishes what others put in the shared queue.
  await watchFolder(client, queue, { dir, intervalMs: 100, signal: controller.signal, onPass: () => controller.abort() });
  expect(queue.claims).toEqual([WORKER_BATCH_SIZE, 5]);
  expect((await queue.list()).counts).toMatchObject({ published: total, queued: 0, publishing: 0, failed: 0 });
}, 120_000);
