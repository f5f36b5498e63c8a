import { runMigrations } from '../../src/store/migrations.js';
import type { StoreDb } from '../../src/store/database.js';
import { ALL_MIGRATIONS } from '../../src/store-schema.js';
import { sqliteBackend, type StoreBackend } from './postgres.js';

/** A fresh store on `backend` (SQLite in memory by default) with every concept's tables. */
export async function openTestStore(backend: StoreBackend = sqliteBackend, sqliteFile?: string): Promise<StoreDb> {
  const store = await backend.open(sqliteFile);
  await runMigrations(store, ALL_MIGRATIONS);
  return store;
}
