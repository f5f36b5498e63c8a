/**
 * A national-size cohort, seeded quickly through the progress concept's own store classes
 * (LearnerStore's batch upsert, SnapshotStore.write with progress from computeProgress) and a
 * batch insert into the table SelfCompletionStore writes, so a later embedded sync agrees.
 */
import type { CurriculumModule } from '../../src/curriculum/schema.js';
import { computeProgress } from '../../src/progress/compute.js';
import { LearnerStore } from '../../src/progress/learners.js';
import type { LearnerProgress } from '../../src/progress/model.js';
import { SnapshotStore } from '../../src/progress/snapshots.js';
import { chunks } from '../../src/store/chunks.js';
import type { StoreDb } from '../../src/store/database.js';

const DAY = 86_400_000;

export interface CohortSeed {
  /** The first learner's number (default 1): seed more learners into a seeded cohort. */
  from?: number;
  /** Learners to create; learner i is `apprenant-<i>` (display name "Apprenant·e <i>", zero-padded). */
  count: number;
  curriculum: readonly CurriculumModule[];
  /** The snapshot time; learners are first seen 60 days before. */
  now: Date;
  stalledAfterDays?: number;
  /** How many of the first modules learner i has done (default: i modulo the module count + 1). */
  modulesDone?: (i: number) => number;
  /** Days before `now` of learner i's last completion (default: i modulo 40). */
  daysAgo?: (i: number) => number;
}

export function seededName(i: number, width = 5): string {
  return `Apprenant·e ${String(i).padStart(width, '0')}`;
}

/** Seeds the cohort; returns how many modules are done in all. */
export async function seedCohort(store: StoreDb, seed: CohortSeed): Promise<{ learners: number; modulesDone: number }> {
  const firstSeen = new Date(seed.now.getTime() - 60 * DAY);
  const learners = new LearnerStore(store, () => firstSeen);
  const snapshots = new SnapshotStore(store);
  const moduleCount = seed.curriculum.length;
  const modulesDone = seed.modulesDone ?? ((i) => i % (moduleCount + 1));
  const daysAgo = seed.daysAgo ?? ((i) => i % 40);
  let done = 0;
  const indexes = Array.from({ length: seed.count }, (_, i) => i + (seed.from ?? 1));
  for (const batch of chunks(indexes, 1000)) {
    const created = await learners.upsertMoodleLearners(batch.map((i) => ({ id: i, username: `apprenant-${i}`, fullname: seededName(i) })));
    const progress: LearnerProgress[] = [];
    const completions: Array<{ learner_id: string; slug: string; completed_at: string }> = [];
    created.forEach((learner, k) => {
      const i = batch[k]!;
      const n = Math.min(moduleCount, modulesDone(i));
      const self = new Map<string, string>();
      seed.curriculum.slice(0, n).forEach((m, j) => {
        const at = new Date(seed.now.getTime() - (daysAgo(i) + (n - 1 - j)) * DAY).toISOString();
        self.set(m.slug, at);
        completions.push({ learner_id: learner.id, slug: m.slug, completed_at: at });
      });
      done += n;
      progress.push(computeProgress({
        learnerId: learner.id, modules: seed.curriculum, cmidOf: new Map(), self,
        firstSeenAt: learner.firstSeenAt, now: seed.now, stalledAfterDays: seed.stalledAfterDays ?? 14,
      }));
    });
    await snapshots.write(progress, 'sync');
    for (const rows of chunks(completions, 1000)) await store.db.insertInto('progress_self_completions').values(rows).execute();
  }
  return { learners: seed.count, modulesDone: done };
}
