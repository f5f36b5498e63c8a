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
];
