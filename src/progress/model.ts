/** A learner's state on one curriculum module. */
export type ModuleState = 'done' | 'failed' | 'not_started' | 'outside_moodle';

/**
 * Modules the learner can complete: all of them, except (with Moodle) those with no Moodle
 * activity and nothing else done ("hors Moodle"). Percentages are over these.
 */
export function completableCount(progress: Pick<LearnerProgress, 'modules'>): number {
  return progress.modules.filter((m) => m.state !== 'outside_moodle').length;
}

/** What made a module done: Moodle completion, a wiki edit of its contribute page, or the learner (embedded mode). */
export type CompletionVia = 'moodle' | 'wiki' | 'self';

export interface ModuleProgress {
  slug: string;
  state: ModuleState;
  /** ISO time; for a wiki contribution, when the tracker first saw it. */
  completedAt: string | null;
  via: CompletionVia | null;
}

/** One learner's progress as of a dated snapshot. */
export interface LearnerProgress {
  learnerId: string;
  /** Done modules over completable modules (completableCount), 0-100 (wholePercent: nearest, never 0 once started nor 100 before the end). */
  percent: number;
  doneCount: number;
  moduleCount: number;
  /** In curriculum order. */
  modules: ModuleProgress[];
  /** Latest completion time, or null when nothing is done. */
  lastActivityAt: string | null;
  /** No progress for the configured number of days, and not finished. */
  stalled: boolean;
  /** When this snapshot was taken (ISO). */
  snapshotAt: string;
}

/** What a sync did, for the CLI, the syncProgress mutation and the benchmark. */
export interface SyncReport {
  snapshotAt: string;
  source: 'moodle' | 'embedded';
  learners: number;
  stalled: number;
  /** HTTP requests made to Moodle during the sync. */
  moodleRequests: number;
  durationMs: number;
  /** Problems that did not stop the sync (a learner whose completion could not be read, wiki down…), in French. */
  warnings: string[];
  /** Whether the sync read the course's activities from Moodle (cache expired, or the course changed since). */
  catalogRefreshed: boolean;
  /** Activities with an idnumber that matches no module (nor a module's sibling activity). */
  unmatchedActivities: Array<{ cmid: number; idnumber: string; name: string }>;
  /** Slugs of the modules no activity of the course stands for (Moodle mode). */
  modulesWithoutActivity: string[];
}

export const DAY_MS = 24 * 60 * 60 * 1000;
