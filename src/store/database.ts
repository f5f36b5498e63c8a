import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, SqliteDriver, sql, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';
import type pg from 'pg';
import { poolWithStoreErrors } from './pg-pool.js';
import { openSqliteReader } from './sqlite-reader.js';
import { describeLocation, redactUrl, type StoreLocation } from './url.js';

export type Dialect = 'sqlite' | 'postgres';

/**
 * The store: one typed, async query layer (Kysely) over either backend. Concepts write their
 * queries once with Kysely's builder; `dialect` is there for the rare statement that differs
 * (e.g. `FOR UPDATE SKIP LOCKED`, advisory locks).
 *
 * `db` is typed `Kysely<any>` here; each concept narrows it to its own tables with
 * `tables<MyTables>(store)`, so no concept sees another's columns.
 */
export interface StoreDb {
  readonly dialect: Dialect;
  readonly db: Kysely<any>;
  /**
   * For heavy reads a person waits on less than the public pages (the dashboard's cohort): on a
   * SQLite file, a second connection in a worker thread (src/store/sqlite-reader.ts), so they do
   * not hold the event loop; elsewhere `db` itself. Reads only, no transaction, no stream.
   */
  readonly reader: Kysely<any>;
  /** Statements run through Kysely on `db` and `reader` since the store opened (specs count a page's queries). */
  readonly stats: StoreStats;
  /** Where it lives, without any password: for /health and logs. */
  readonly description: string;
  /**
   * The embedded backend's raw handle, for code not yet moved to the async layer. Undefined on
   * PostgreSQL.
   */
  readonly sqlite: Database.Database | undefined;
  close(): Promise<void>;
}

export interface StoreStats {
  queries: number;
}

/** Kysely's log hook, counting each statement run (successful or not). */
function counting(stats: StoreStats): (event: unknown) => void {
  return () => {
    stats.queries += 1;
  };
}

/** `store.db` narrowed to one concept's tables. */
export function tables<T>(store: StoreDb): Kysely<T> {
  return store.db as Kysely<T>;
}

/**
 * PostgreSQL returns 64-bit integers (`bigint` columns, `count(*)`) as strings; the store keeps
 * millisecond timestamps and counts there, all far below 2^53, so they come back as numbers, as
 * they do from SQLite.
 */
const INT8_OID = 20;
function storeTypes(types: typeof pg.types): { getTypeParser: typeof pg.types.getTypeParser } {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID ? (value: string) => Number(value) : types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  };
}

export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  override readonly name = 'StoreUnavailableError';
}

/** The store's own error for a PostgreSQL server out of reach; the driver's error is its cause. */
function postgresUnavailable(cause: unknown): StoreUnavailableError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new StoreUnavailableError(`La base PostgreSQL ne répond pas (${reason}).`, { cause });
}

/**
 * The store stayed busy with other processes' writes through every attempt (src/store/transaction.ts):
 * nothing was written; the same request later succeeds.
 */
export class StoreBusyError extends Error {
  readonly code = 'STORE_BUSY';
  override readonly name = 'StoreBusyError';
}

/**
 * SQLite's lock taken by another process (`SQLITE_BUSY`, `SQLITE_BUSY_SNAPSHOT`, `SQLITE_LOCKED`…),
 * PostgreSQL's serialization failure, deadlock or lock not available: the same work tried again a
 * moment later goes through.
 */
export function isStoreBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return error instanceof StoreBusyError || (typeof code === 'string' && (/^SQLITE_(BUSY|LOCKED)/.test(code) || ['40001', '40P01', '55P03'].includes(code)));
}

/**
 * True when an error means the store cannot be reached right now (server down, connection lost,
 * SQLite file locked): the request may be retried later; the data is intact.
 */
export function isStoreUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  // PostgreSQL's driver errors of that kind arrive as StoreUnavailableError (src/store/pg-pool.ts).
  return error instanceof StoreUnavailableError || isStoreBusy(error) || STORE_BUSY_SQLITE.some((prefix) => code === prefix || code.startsWith(`${prefix}_`));
}

/** SQLite's "another connection holds the lock" (after the busy timeout), and a file it cannot read or write now. */
const STORE_BUSY_SQLITE = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_CANTOPEN', 'SQLITE_IOERR', 'SQLITE_READONLY', 'SQLITE_FULL', 'SQLITE_PERM'];

/**
 * SQLite's page cache of the gateway's connection and of its reading one (src/store/sqlite-reader.ts),
 * in KiB each. better-sqlite3 builds SQLite with
 * 16 MB, which a national-size store fills in the first seconds (start-up jobs read every
 * provider and session), and the process keeps: a third of the resident memory it gained over an
 * empty store. The file's pages stay in the system's cache anyway; 2 MB (SQLite's own default)
 * keeps the hot ones. `npm run bench -- scale`, two runs each: 4 MB, 22-24 MB over the empty
 * store at start; 2 MB, 20-21 MB, with the dashboard, learner and moderation pages as fast.
 */
export const SQLITE_CACHE_KIB = 2_000;

/** How long a SQLite statement waits for another process's write lock before SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/**
 * Kysely's SQLite driver begins transactions DEFERRED: one that reads, then writes, asks for the
 * write lock in the middle, and gets SQLITE_BUSY at once (no busy wait) when another process
 * wrote since its read began. Every transaction here begins IMMEDIATE: it takes the write lock
 * first, waiting for it (busy_timeout) like a single write statement does.
 */
class WriteFirstSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class WriteFirstSqliteDialect extends SqliteDialect {
  readonly #settings: SqliteDialectConfig;
  constructor(settings: SqliteDialectConfig) {
    super(settings);
    this.#settings = settings;
  }
  override createDriver(): Driver {
    return new WriteFirstSqliteDriver(this.#settings);
  }
}

/** Statements kept per SQL text: most requests run the same few dozen queries. */
const STATEMENTS_KEPT = 500;

/**
 * The handle as Kysely's SQLite driver sees it, with each statement prepared once per SQL text
 * (better-sqlite3 prepares on every call otherwise: a fifth of a small page's SQL time). A kept
 * statement that is still being iterated (a streamed export) is not handed out twice: a fresh
 * one is prepared instead. SQLite re-prepares a kept statement itself when the schema changes.
 */
function preparingOnce(handle: Database.Database): { prepare(sql: string): Database.Statement; close(): void } {
  const kept = new Map<string, Database.Statement>();
  return {
    prepare(sql) {
      const statement = kept.get(sql);
      if (statement !== undefined && !statement.busy) return statement;
      const fresh = handle.prepare(sql);
      if (statement === undefined) {
        if (kept.size >= STATEMENTS_KEPT) kept.delete(kept.keys().next().value!);
        kept.set(sql, fresh);
      }
      return fresh;
    },
    close() {
      kept.clear();
      handle.close();
    },
  };
}

/**
 * Opens the store. SQLite: WAL so readers never wait on the writer, `synchronous = NORMAL`
 * (durable across process crashes, which the notes queue needs), a 5 s busy timeout for the
 * other processes on the same file (CLI bots, a watcher, the gateway), transactions that begin
 * IMMEDIATE (see WriteFirstSqliteDriver). PostgreSQL: a small pool, checked with one
 * query so an unreachable server is reported at start, not at the first request.
 */
export async function openDatabase(location: StoreLocation, options: { poolSize?: number } = {}): Promise<StoreDb> {
  if (location.kind === 'sqlite') {
    const file = location.path;
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    // The busy timeout from the first statement on: switching a new file to WAL takes the lock too.
    const handle = new Database(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
    handle.pragma('journal_mode = WAL');
    handle.pragma('synchronous = NORMAL');
    handle.pragma('foreign_keys = ON');
    handle.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    handle.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
    const stats: StoreStats = { queries: 0 };
    const db = new Kysely<any>({ dialect: new WriteFirstSqliteDialect({ database: preparingOnce(handle) }), log: counting(stats) });
    // An in-memory store is this connection's alone: no other thread can read it.
    const reader = file === ':memory:' ? db : openSqliteReader(file, { busyTimeoutMs: SQLITE_BUSY_TIMEOUT_MS, cacheKib: SQLITE_CACHE_KIB }, counting(stats));
    return {
      dialect: 'sqlite',
      db,
      reader,
      stats,
      description: describeLocation(location),
      sqlite: handle,
      // Kysely's SQLite driver closes the handle it was given.
      close: async () => {
        if (reader !== db) await reader.destroy();
        await db.destroy();
      },
    };
  }

  // Loaded only for PostgreSQL: a SQLite gateway does not carry the driver in its memory.
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: location.url,
    types: storeTypes(pg.types),
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // A client losing its server must not crash the process, idle (the pool's 'error') or checked
  // out between two queries (the client's own 'error', which nothing else listens to): the query
  // in flight, or the next one, reports it as STORE_UNAVAILABLE.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const stats: StoreStats = { queries: 0 };
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: poolWithStoreErrors(pool, postgresUnavailable) }), log: counting(stats) });
  try {
    await sql`select 1`.execute(db);
  } catch (err) {
    await db.destroy().catch(() => {});
    const cause = err instanceof StoreUnavailableError && err.cause !== undefined ? err.cause : err;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new StoreUnavailableError(
      `La base PostgreSQL ${redactUrl(location.url)} est injoignable (${reason.replace(location.url, redactUrl(location.url))}). ` +
        'Vérifiez que le serveur tourne et que POLLEN_DATABASE_URL est juste.',
    );
  }
  return { dialect: 'postgres', db, reader: db, stats, description: describeLocation(location), sqlite: undefined, close: () => db.destroy() };
}

/** Health probe: the backend and its version. */
export async function storeServerVersion(store: StoreDb): Promise<string> {
  if (store.dialect === 'sqlite') {
    const { rows } = await sql<{ v: string }>`select sqlite_version() as v`.execute(store.db);
    return `SQLite ${rows[0]?.v ?? '?'}`;
  }
  const { rows } = await sql<{ v: string }>`show server_version`.execute(store.db);
  const first = rows[0] as Record<string, string> | undefined;
  return `PostgreSQL ${first ? Object.values(first)[0] : '?'}`;
}
