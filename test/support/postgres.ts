/**
 * Store backends for specs. The vitest globalSetup starts one throwaway PostgreSQL cluster per
 * run (scripts/postgres/cluster.ts); each call of `createTestDatabase()` makes a fresh database in
 * it. Store specs run on both backends:
 *
 *   for (const backend of storeBackends()) describe(`notes queue (${backend.name})`, () => { ... });
 *
 * Without PostgreSQL installed (a developer machine), the PostgreSQL variants are reported as a
 * failing "not run" test instead of vanishing; under CI=true the global set-up already refuses.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, inject, it } from 'vitest';
import { openDatabase, type StoreDb } from '../../src/store/database.js';

export function postgresAdminUrl(): string {
  return inject('postgresAdminUrl');
}

/** A fresh, empty PostgreSQL database in the run's cluster; its URL. */
export async function createTestDatabase(prefix = 'pollen_test'): Promise<string> {
  const adminUrl = postgresAdminUrl();
  if (!adminUrl) throw new Error('PostgreSQL is not available in this run');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface StoreBackend {
  name: 'sqlite' | 'postgres';
  /** Opens a fresh, empty store on this backend (SQLite: in memory unless a file is given). */
  open(sqliteFile?: string): Promise<StoreDb>;
}

export const sqliteBackend: StoreBackend = {
  name: 'sqlite',
  open: (file) => openDatabase({ kind: 'sqlite', path: file ?? ':memory:' }),
};

export const postgresBackend: StoreBackend = {
  name: 'postgres',
  open: async () => openDatabase({ kind: 'postgres', url: await createTestDatabase() }),
};

/** Both backends when PostgreSQL runs in this test run, else SQLite alone. */
export function storeBackends(): StoreBackend[] {
  return postgresAdminUrl() ? [sqliteBackend, postgresBackend] : [sqliteBackend];
}

/**
 * `describe` once per backend. When PostgreSQL is missing, the PostgreSQL block is a single
 * failing test that says so: a spec never passes by not running.
 */
export function describeEachStore(title: string, body: (backend: StoreBackend) => void): void {
  for (const backend of [sqliteBackend, postgresBackend]) {
    if (backend.name === 'postgres' && !postgresAdminUrl()) {
      describe(`${title} [postgres]`, () => {
        it('is NOT RUN: PostgreSQL 15 is not installed (apt-get install postgresql-15)', () => {
          throw new Error('PostgreSQL 15 is not installed: these specs did not run');
        });
      });
      continue;
    }
    describe(`${title} [${backend.name}]`, () => body(backend));
  }
}
