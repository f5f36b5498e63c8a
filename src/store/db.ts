import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type Store = Database.Database;

/**
 * Opens the local SQLite store (notes queue, progress, sessions). WAL so readers never wait
 * on the writer; `synchronous = NORMAL` is durable across process crashes, which is what the
 * notes queue needs (a power cut may lose the last transaction, never corrupt the file).
 * Each concept creates its own tables with `migrate`.
 */
export function openStore(file: string): Store {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return adoptSqliteHandle(db);
}

/**
 * The synchronous handle for concepts not yet moved to the async layer (`StoreDb.sqlite`), with
 * their migrations table. Both layers share one `schema_migrations` table.
 */
export function adoptSqliteHandle(db: Store): Store {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  )`);
  return db;
}

/**
 * Applies each named migration once, in order, in one transaction each. Ids are
 * `<concept>/<nnn>-<what>`, e.g. `notes/001-queue`, so concepts never collide.
 */
export function migrate(db: Store, migrations: ReadonlyArray<{ id: string; sql: string }>): void {
  const applied = new Set(db.prepare('SELECT id FROM schema_migrations').pluck().all() as string[]);
  for (const m of migrations) {
    if (applied.has(m.id)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)').run(m.id, new Date().toISOString());
    })();
  }
}

/** Health probe for the store. */
export function storeVersion(db: Store): string {
  return `SQLite ${db.prepare('SELECT sqlite_version()').pluck().get() as string}`;
}
