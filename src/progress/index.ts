/** Learner progress: Moodle or embedded completion, wiki contributions, dated snapshots. */
export type { CompletionVia, LearnerProgress, ModuleProgress, ModuleState, SyncReport } from './model.js';
export { computeProgress, daysSince, isStalled, type ActivityCompletion, type ProgressInputs } from './compute.js';
export { LearnerStore, moodleLearnerId, type Learner } from './learners.js';
export { SnapshotStore } from './snapshots.js';
export { SelfCompletionStore } from './self-completions.js';
export { ActivityCatalog, MANUAL_COMPLETION, mapModulesToCmids, type CourseActivity } from './activity-catalog.js';
export {
  contributionPages, modulesContributedBy, normaliseWikiUser, wikiContributions, wikiUserOf,
  type WikiContributionsSource, type WikiPagesReader,
} from './wiki-contributions.js';
export { ProgressTracker, type ProgressTrackerOptions, type TrackerMoodle } from './tracker.js';
export { CohortQueries, type CohortFigures, type CohortRowFilter } from './cohort-queries.js';
export { ProgressService, type CohortLearner, type CohortLearnerPage, type CohortSummary, type ModuleCompletion, type LearnerMoodleFactory } from './service.js';
export { ProgressError, type ProgressErrorCode } from './errors.js';
export { createProgressRuntime, type ProgressRuntime } from './runtime.js';
export { progressMigrations } from './migrations.js';
export { forgetLearnerProgress } from './forget.js';
