import { expect, it } from 'vitest';
import type { LearnerProgress } from '../../src/progress/model.js';
import { SnapshotStore } from '../../src/progress/snapshots.js';
import { describeEachStore } from '../support/postgres.js';
import { openTestStore } from '../support/store.js';

const DAY = 86_400_000;
const now = new Date('2026-11-23T12:00:00Z');

function snapshot(learnerId: string, at: Date, percent: number): LearnerProgress {
  return {
    learnerId, percent, doneCount: 0, moduleCount: 1, lastActivityAt: null, stalled: false, snapshotAt: at.toISOString(),
    modules: [{ slug: 'logiciel-libre', state: 'not_started', completedAt: null, via: null }],
  } as LearnerProgress;
}

describeEachStore('progress snapshot retention', (backend) => {
  it('keeps every recent snapshot, one a day for older ones, and each learner\'s latest whatever its age', async () => {
    const store = await openTestStore(backend);
    const snapshots = new SnapshotStore(store);
    // alice: three syncs a day for 60 days; bruno: one snapshot, two years ago.
    for (let day = 59; day >= 0; day--) {
      for (const hour of [8, 12, 18]) await snapshots.write([snapshot('alice', new Date(now.getTime() - day * DAY - (12 - hour) * 3_600_000), 60 - day)], 'sync');
    }
    await snapshots.write([snapshot('bruno', new Date(now.getTime() - 730 * DAY), 5)], 'sync');
    const countOf = async (id: string) =>
      Number((await store.db.selectFrom('progress_snapshots').select(({ fn }) => fn.countAll().as('n')).where('learner_id', '=', id).executeTakeFirstOrThrow()).n);
    expect(await countOf('alice')).toBe(180);

    const removed = await snapshots.prune(now, { fullDays: 30, dailyDays: 365 });
    // Days 0-29 keep their 3 snapshots; the cut falls at noon of day 30, so its 12:00 and 18:00
    // stay and its 08:00 goes; days 31-59 keep only their last one (18:00).
    expect(await countOf('alice')).toBe(30 * 3 + 2 + 29);
    expect(removed).toBe(180 - (await countOf('alice')));
    expect(await countOf('bruno')).toBe(1);
    expect((await snapshots.latest(['alice', 'bruno'])).get('alice')?.percent).toBe(60);
    expect((await snapshots.latest(['bruno'])).get('bruno')?.percent).toBe(5);
    // The modules of removed snapshots go with them.
    const orphans = await store.db
      .selectFrom('progress_snapshot_modules')
      .select('snapshot_id')
      .where('snapshot_id', 'not in', store.db.selectFrom('progress_snapshots').select('id'))
      .execute();
    expect(orphans).toEqual([]);
    await store.close();
  });
});
