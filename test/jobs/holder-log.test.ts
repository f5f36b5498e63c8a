/**
 * Operators see which process runs each once-per-cluster job (mails, notes publishing, progress
 * sync): one log line per process when that changes, naming the holder, and none while it stays.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { scheduleJob } from '../../src/jobs/index.js';
import type { StoreDb } from '../../src/store/database.js';
import { describeEachStore } from '../support/postgres.js';
import { openSharedStores } from '../support/store.js';

describeEachStore('who runs a job, in the logs', (backend) => {
  let dir: string;
  let a: StoreDb;
  let b: StoreDb;
  let clock = 1_000_000;
  const now = () => clock;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pollen-holder-log-'));
    [a, b] = await openSharedStores(backend, dir);
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs a change of holder once, on each process, and names the holder', async () => {
    const lines: Record<'A' | 'B', Array<{ fields: Record<string, unknown>; message: string }>> = { A: [], B: [] };
    const logger = (who: 'A' | 'B') => ({ info: (fields: Record<string, unknown>, message: string) => void lines[who].push({ fields, message }) });
    const job = (store: StoreDb, who: 'A' | 'B') =>
      scheduleJob(store, { name: 'mail-send', everyMs: 60_000, run: async () => {}, lease: { holder: `process-${who}`, now }, logger: logger(who) }, { start: false });
    const onA = job(a, 'A');
    const onB = job(b, 'B');

    expect(await onA.tick()).toBe(true);
    expect(await onB.tick()).toBe(false);
    expect(lines.A).toEqual([{ fields: { job: 'mail-send', holder: 'process-A' }, message: 'Job mail-send: run by this process' }]);
    expect(lines.B).toEqual([{ fields: { job: 'mail-send', holder: 'process-A' }, message: 'Job mail-send: run by another process' }]);

    // Nothing changes over the next intervals: no new line.
    for (let i = 0; i < 3; i++) {
      clock += 61_000;
      expect(await onA.tick()).toBe(true);
      expect(await onB.tick()).toBe(false);
    }
    expect(lines.A).toHaveLength(1);
    expect(lines.B).toHaveLength(1);

    // A stops ticking (stopped or dead): once its lease is over, B takes the job and says so.
    clock += 61_000;
    expect(await onB.tick()).toBe(true);
    expect(lines.B.at(-1)).toEqual({ fields: { job: 'mail-send', holder: 'process-B' }, message: 'Job mail-send: run by this process' });
    expect(await onA.tick()).toBe(false);
    expect(lines.A.at(-1)).toEqual({ fields: { job: 'mail-send', holder: 'process-B' }, message: 'Job mail-send: run by another process' });
  });
});
