import { changeMarkerMigration } from '../store/changes.js';
import type { Migration } from '../store/migrations.js';
import { activityCatalogMigrations } from './activity-catalog.js';
import { learnerMigrations } from './learners.js';
import { selfCompletionMigrations } from './self-completions.js';
import { snapshotMigrations } from './snapshots.js';

/** Every table of progress, in the order they were introduced. */
export const progressMigrations: Migration[] = [
  ...learnerMigrations,
  ...snapshotMigrations,
  ...selfCompletionMigrations,
  ...activityCatalogMigrations,
  // The cohort's pages are kept until this moves (src/progress/cohort-queries.ts). A snapshot's
  // modules are written and deleted only with their snapshot, in its transaction: the snapshot's
  // own write raises the version, and the sync's 17 module rows per snapshot add no trigger work.
  changeMarkerMigration('progress/006-change-marker', 'progress', ['progress_learners', 'progress_snapshots']),
];
