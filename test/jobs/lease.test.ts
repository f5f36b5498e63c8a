import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { acquireLease, leaseHolder, runExclusive, scheduleJob } from '../../src/jobs/index.js';
import type { StoreDb } from '../../src/store/database.js';
import { describeEachStore } from '../support/postgres.js';
import { openSharedStores } from '../support/store.js';

describeEachStore('jobs once per cluster (lease rows)', (backend) => {
  let dir: string;
  let a: StoreDb;
  let b: StoreDb;
  let clock = 1_000_000;
  const now = () => clock;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pollen-jobs-'));
    [a, b] = await openSharedStores(backend, dir);
    clock = 1_000_000;
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives a lease to exactly one of many processes asking together', async () => {
    const asks = Array.from({ length: 10 }, (_, i) => acquireLease(i % 2 ? a : b, 'publish', 60_000, { holder: `p${i}`, now }));
    const granted = (await Promise.all(asks)).filter(Boolean);
    expect(granted).toHaveLength(1);
  });

  it('lets another process take a lease once it has expired (its holder was killed)', async () => {
    expect(await acquireLease(a, 'publish', 60_000, { holder: 'killed', now })).toBe(true);
    expect(await acquireLease(b, 'publish', 60_000, { holder: 'other', now })).toBe(false);
    clock += 60_000;
    expect(await acquireLease(b, 'publish', 60_000, { holder: 'other', now })).toBe(true);
    expect(await leaseHolder(a, 'publish', { now })).toBe('other');
  });

  it('runExclusive: the second process skips while the first runs, and runs once the first gave the lease back', async () => {
    let release!: () => void;
    const first = runExclusive(a, 'sync', 60_000, () => new Promise<string>((resolve) => (release = () => resolve('done'))), { holder: 'A', now });
    await expect.poll(() => leaseHolder(b, 'sync', { now })).toBe('A');
    expect(await runExclusive(b, 'sync', 60_000, async () => 'B ran', { holder: 'B', now })).toEqual({ ran: false });
    release();
    expect(await first).toEqual({ ran: true, value: 'done' });
    expect(await runExclusive(b, 'sync', 60_000, async () => 'B ran', { holder: 'B', now })).toEqual({ ran: true, value: 'B ran' });
  });

  it('scheduleJob: two replicas ticking every interval run the job once per interval, and the survivor takes over', async () => {
    const runs: string[] = [];
    const every = 60_000;
    const replica = (store: StoreDb, holder: string) =>
      scheduleJob(store, { name: 'progress-sync', everyMs: every, run: async () => void runs.push(holder), lease: { holder, now } }, { start: false });
    const ra = replica(a, 'A');
    const rb = replica(b, 'B');
    for (let interval = 0; interval < 5; interval++) {
      // Timers are not aligned across machines: A fires early in the interval, B a bit later.
      await ra.tick();
      clock += 20_000;
      await rb.tick();
      clock += every - 20_000;
    }
    expect(runs).toHaveLength(5);
    // A stops (killed): B takes the job within two intervals and keeps it.
    runs.length = 0;
    for (let interval = 0; interval < 4; interval++) {
      await rb.tick();
      clock += every;
    }
    expect(runs.filter((r) => r === 'B').length).toBeGreaterThanOrEqual(3);
    expect(runs).not.toContain('A');
  });
});
