import { sql } from 'kysely';
import type { StoreDb } from './database.js';
import type { Migration } from './migrations.js';

/**
 * The store's change marker: one row per scope (`directory`, `agenda`) whose `version` goes up
 * with every statement that writes one of the scope's tables, in the writer's own transaction,
 * whoever writes (a gateway replica, a bot, the CLI). Triggers do it, so no write path can
 * forget: a process learns that something changed in a scope, on any replica, by reading the
 * few rows of `store_changes` (src/graphql/answer-cache reads them to drop its answers).
 */
export type ChangeVersions = ReadonlyMap<string, number>;

/**
 * A migration that puts the change marker on `tables`: their inserts, updates and deletes raise
 * `scope`'s version. Creates `store_changes` when it is not there yet (each concept's migrations
 * may run alone, in specs and at start).
 */
export function changeMarkerMigration(id: string, scope: string, tables: readonly string[]): Migration {
  if (!/^[a-z_]+$/.test(scope) || tables.some((t) => !/^[a-z_]+$/.test(t))) throw new Error(`change marker ${id}: scope and table names are plain identifiers`);
  return {
    id,
    up: async (db, dialect) => {
      await db.schema.createTable('store_changes').ifNotExists()
        .addColumn('scope', 'text', (c) => c.primaryKey())
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();
      await sql`insert into store_changes (scope, version) values (${scope}, 0) on conflict (scope) do nothing`.execute(db);
      if (dialect === 'postgres') {
        // One function for every scope: the scope is the trigger's argument.
        await sql.raw(`create or replace function pollen_store_changed() returns trigger language plpgsql as $$
          begin
            update store_changes set version = version + 1 where scope = tg_argv[0];
            return null;
          end $$`).execute(db);
        for (const table of tables) {
          // Once per statement, not per row: a statement writing 50 rows raises the version once.
          await sql.raw(`create trigger ${table}_changed after insert or update or delete on ${table} for each statement execute function pollen_store_changed('${scope}')`).execute(db);
        }
        return;
      }
      for (const table of tables) {
        for (const event of ['insert', 'update', 'delete']) {
          await sql.raw(`create trigger ${table}_changed_${event} after ${event} on ${table} begin update store_changes set version = version + 1 where scope = '${scope}'; end`).execute(db);
        }
      }
    },
  };
}

/** Every scope's version, as committed now: one read of a few rows. */
export async function readChangeVersions(store: StoreDb): Promise<ChangeVersions> {
  const { rows } = await sql<{ scope: string; version: number }>`select scope, version from store_changes`.execute(store.db);
  return new Map(rows.map((r) => [r.scope, Number(r.version)]));
}

/** One scope's version, or undefined when the store has no marker for it. */
export async function readChangeVersion(store: StoreDb, scope: string): Promise<number | undefined> {
  const { rows } = await sql<{ version: number | string }>`select version from store_changes where scope = ${scope}`.execute(store.db);
  return rows[0] === undefined ? undefined : Number(rows[0].version);
}
