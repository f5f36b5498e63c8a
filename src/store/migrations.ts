import { sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from 'kysely';
import type { Dialect, StoreDb } from './database.js';
import { retryWhenBusy } from './transaction.js';

/**
 * One schema change of one concept. Ids are `<concept>/<nnn>-<what>` (e.g.
 * `directory/001-providers`), so concepts never collide; a migration, once shipped, is never
 * edited: a change is a new id. `up` receives the migration's transaction and the dialect, and
 * uses Kysely's schema builder so one definition serves SQLite and PostgreSQL.
 */
export interface Migration {
  id: string;
  up(db: Kysely<any>, dialect: Dialect): Promise<void>;
}

/** Arbitrary constant: the advisory lock all Pollen processes take while migrating. */
const MIGRATION_LOCK_KEY = 7_206_114_001;

/**
 * Applies each migration not applied yet, in the order given, once, under a lock, so that two
 * processes starting together (two gateway replicas, a gateway and a bot) never race: the second
 * waits, then finds nothing left to do. PostgreSQL: a transaction-scoped advisory lock, and DDL
 * is transactional, so a failed migration leaves nothing half-applied. SQLite: `BEGIN IMMEDIATE`
 * takes the write lock up front (busy_timeout makes the other process wait). Tried again while
 * the store is busy (many processes starting together), then STORE_BUSY.
 */
export async function runMigrations(store: StoreDb, migrations: readonly Migration[]): Promise<string[]> {
  const ids = new Set<string>();
  for (const m of migrations) {
    if (ids.has(m.id)) throw new Error(`Migration ${m.id} is listed twice`);
    ids.add(m.id);
  }
  // Nothing to apply (every start but the first after an upgrade): a read, no lock, so processes
  // starting together do not queue for the write lock.
  if (await allApplied(store, ids)) return [];
  return retryWhenBusy(() => store.db.connection().execute(async (conn) => {
    await sql.raw(store.dialect === 'sqlite' ? 'begin immediate' : 'begin').execute(conn);
    try {
      if (store.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(conn);
      await conn.schema
        .createTable('schema_migrations')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('applied_at', 'text', (c) => c.notNull())
        .execute();
      const rows = await conn.selectFrom('schema_migrations').select('id').execute();
      const applied = new Set(rows.map((r) => String(r.id)));
      const done: string[] = [];
      for (const m of migrations) {
        if (applied.has(m.id)) continue;
        await m.up(conn, store.dialect);
        await conn.insertInto('schema_migrations').values({ id: m.id, applied_at: new Date().toISOString() }).execute();
        done.push(m.id);
      }
      await sql.raw('commit').execute(conn);
      return done;
    } catch (err) {
      await sql.raw('rollback').execute(conn).catch(() => {});
      throw err;
    }
  }));
}

async function allApplied(store: StoreDb, ids: ReadonlySet<string>): Promise<boolean> {
  try {
    const rows = await store.db.selectFrom('schema_migrations').select('id').execute();
    const applied = new Set(rows.map((r) => String(r.id)));
    return [...ids].every((id) => applied.has(id));
  } catch {
    return false; // no table yet: the locked path creates it
  }
}

/**
 * An auto-numbered integer primary key `id` on both backends (SQLite's rowid alias, PostgreSQL's
 * identity column).
 */
export function withIdColumn<T extends string>(table: CreateTableBuilder<T, never>, dialect: Dialect): CreateTableBuilder<T, 'id'> {
  return dialect === 'postgres'
    ? table.addColumn('id', 'integer', (c: ColumnDefinitionBuilder) => c.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn('id', 'integer', (c: ColumnDefinitionBuilder) => c.primaryKey());
}

/** The store's timestamp format on both backends: ISO 8601 in UTC, which sorts as text. */
export function isoNow(now: Date = new Date()): string {
  return now.toISOString();
}
