import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import type { SyncReport } from '../../src/progress/model.js';
import { scheduleProgressSync } from '../../src/progress/schedule.js';

const report: SyncReport = { snapshotAt: '2026-12-01T00:00:00.000Z', source: 'moodle', learners: 2, stalled: 0, moodleRequests: 2, durationMs: 5, warnings: [], catalogRefreshed: false, unmatchedActivities: [], modulesWithoutActivity: [] };
const logger = { info: vi.fn(), warn: vi.fn() };

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("the gateway's own progress sync", () => {
  it('reads Moodle at start, then every POLLEN_PROGRESS_SYNC_MINUTES (default 15)', async () => {
    expect(loadConfig({}).progress.syncIntervalMinutes).toBe(15);
    const sync = vi.fn(async () => report);
    const schedule = scheduleProgressSync({ sync, intervalMinutes: 15, logger });
    expect(sync).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(14 * 60_000);
    expect(sync).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sync).toHaveBeenCalledTimes(2);
    schedule.stop();
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(sync).toHaveBeenCalledTimes(2);
  });

  it('never starts a run while the previous one is still reading, and survives a failed run', async () => {
    let finish: () => void = () => {};
    const sync = vi.fn(() => new Promise<SyncReport>((resolve, reject) => {
      finish = sync.mock.calls.length === 1 ? () => reject(Object.assign(new Error('down'), { code: 'networkerror' })) : () => resolve(report);
    }));
    const schedule = scheduleProgressSync({ sync, intervalMinutes: 1, logger });
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    expect(sync).toHaveBeenCalledTimes(1);
    finish();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sync).toHaveBeenCalledTimes(2);
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ code: 'networkerror' }), expect.any(String));
    schedule.stop();
  });

  it('is off with 0', async () => {
    expect(loadConfig({ POLLEN_PROGRESS_SYNC_MINUTES: '0' }).progress.syncIntervalMinutes).toBe(0);
    const sync = vi.fn(async () => report);
    scheduleProgressSync({ sync, intervalMinutes: 0, logger });
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(sync).not.toHaveBeenCalled();
  });
});
