import { agendaMigrations } from './agenda/migrations.js';
import { API_TOKEN_MIGRATIONS } from './auth/api-tokens.js';
import { authMigrations } from './auth/migrations.js';
import { DASHBOARD_MIGRATIONS } from './dashboard/actions.js';
import { directoryMigrations } from './directory/migrations.js';
import { leaseMigrations } from './jobs/lease.js';
import { learnerMigrations } from './learner/migrations.js';
import { mailMigrations } from './mail/migrations.js';
import { projectMigrations } from './matchmaking/projects/service.js';
import { matchmakingMigrations } from './matchmaking/service.js';
import { notesMigrations } from './notes/queue-schema.js';
import { progressMigrations } from './progress/migrations.js';
import { softwareNeedsMigrations } from './software-needs/migrations.js';
import { openDatabase, type StoreDb } from './store/database.js';
import { runMigrations, type Migration } from './store/migrations.js';
import type { StoreLocation } from './store/url.js';

/**
 * Every concept's tables, in one ordered list: the gateway, the bots and `store:migrate` apply
 * the same schema. A new concept appends its migrations here.
 */
export const ALL_MIGRATIONS: readonly Migration[] = [
  ...authMigrations, ...progressMigrations, ...notesMigrations, ...leaseMigrations,
  ...API_TOKEN_MIGRATIONS, ...DASHBOARD_MIGRATIONS, ...directoryMigrations, ...agendaMigrations,
  ...mailMigrations, ...matchmakingMigrations, ...learnerMigrations, ...softwareNeedsMigrations, ...projectMigrations,
];

/** Opens the store and brings its schema up to date (once, under the migration lock). */
export async function openPollenStore(location: StoreLocation, options: { poolSize?: number } = {}): Promise<StoreDb> {
  const store = await openDatabase(location, options);
  try {
    await runMigrations(store, ALL_MIGRATIONS);
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  return store;
}
