import path from 'node:path';
import { openDatabase, type StoreDb } from '../../src/store/database.js';
import { runMigrations } from '../../src/store/migrations.js';
import { ALL_MIGRATIONS } from '../../src/store-schema.js';
import { createTestDatabase, sqliteBackend, type StoreBackend } from './postgres.js';

/** A fresh store on `backend` (SQLite in memory by default) with every concept's tables. */
export async function openTestStore(backend: StoreBackend = sqliteBackend, sqliteFile?: string): Promise<StoreDb> {
  const store = await backend.open(sqliteFile);
  await runMigrations(store, ALL_MIGRATIONS);
  return store;
}

/**
 * Two processes' views of one store: two separate connections (pools) to the same database,
 * migrated once. SQLite: a file in `dir`; PostgreSQL: a fresh database.
 */
export async function openSharedStores(backend: StoreBackend, dir: string): Promise<[StoreDb, StoreDb]> {
  if (backend.name === 'sqlite') {
    const file = path.join(dir, 'pollen.sqlite');
    return [await openTestStore(backend, file), await openDatabase({ kind: 'sqlite', path: file })];
  }
  const url = await createTestDatabase();
  const first = await openDatabase({ kind: 'postgres', url });
  await runMigrations(first, ALL_MIGRATIONS);
  return [first, await openDatabase({ kind: 'postgres', url })];
}
