/**
 * Heavy reads of a SQLite store off the event loop. better-sqlite3 runs each statement on the
 * calling thread: a dashboard's cohort query over 10,000 learners holds the gateway for 20 to 50 ms,
 * and every public page waits behind it. These reads go instead to a second connection to the
 * same file in a worker thread (WAL: it reads what was committed, never waits on the writer), as
 * a Kysely instance whose queries are posted to the worker and answered with their rows.
 *
 * Read-only: the connection is `query_only`, so a write sent there by mistake fails instead of
 * racing the main connection; transactions and streams are refused (exports stream on the main
 * connection, a page at a time). The worker starts on the first query and stops after a minute
 * without one, so a gateway nobody reads the dashboard of carries no second heap.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import {
  Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler,
  type CompiledQuery, type DatabaseConnection, type Dialect, type Driver, type QueryResult,
} from 'kysely';

/** The worker: plain JavaScript run as a script (no loader needed under tsx, vitest or node). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true, timeout: workerData.busyTimeoutMs });
db.pragma('query_only = ON');
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
if (workerData.cacheKib) db.pragma('cache_size = -' + workerData.cacheKib);
const kept = new Map();
parentPort.on('message', ({ id, sql, parameters }) => {
  try {
    let statement = kept.get(sql);
    if (statement === undefined || statement.busy) {
      statement = db.prepare(sql);
      if (kept.size < 500) kept.set(sql, statement);
    }
    if (!statement.reader) throw Object.assign(new Error('the reading connection runs no write'), { code: 'SQLITE_READONLY' });
    parentPort.postMessage({ id, rows: statement.all(parameters) });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: String(error && error.message), code: error && error.code } });
  }
});
`;

/** An error of the reading connection, with SQLite's code (`SQLITE_BUSY`…) kept for the store's checks. */
export class SqliteReaderError extends Error {
  override readonly name = 'SqliteReaderError';
  constructor(message: string, readonly code: string | undefined) {
    super(message);
  }
}

interface Pending {
  resolve(rows: unknown[]): void;
  reject(error: Error): void;
}

export interface SqliteReaderOptions {
  busyTimeoutMs: number;
  /** SQLite's page cache of the worker's connection, in KiB (default: better-sqlite3's 16 MB). */
  cacheKib?: number;
  /** The worker stops after this long without a query; the next one starts it again. */
  idleMs?: number;
}

/** The worker and the queries it has not answered yet. */
class ReaderThread {
  #worker: Worker | undefined;
  #idle: NodeJS.Timeout | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  #closed = false;
  readonly #driver = createRequire(import.meta.url).resolve('better-sqlite3');

  constructor(readonly file: string, readonly options: SqliteReaderOptions) {}

  run(sql: string, parameters: readonly unknown[]): Promise<unknown[]> {
    if (this.#closed) return Promise.reject(new SqliteReaderError('the store is closed', 'SQLITE_MISUSE'));
    const worker = this.#started();
    const id = this.#nextId++;
    clearTimeout(this.#idle);
    this.#idle = undefined;
    return new Promise<unknown[]>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, sql, parameters });
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#stop();
  }

  #started(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver: this.#driver, file: this.file, busyTimeoutMs: this.options.busyTimeoutMs, cacheKib: this.options.cacheKib },
      // A small heap: rows pass through, nothing is kept but prepared statements.
      resourceLimits: { maxOldGenerationSizeMb: 48 },
    });
    // Never what keeps the process alive.
    worker.unref();
    worker.on('message', (message: { id: number; rows?: unknown[]; error?: { message: string; code?: string } }) => {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (message.error) pending.reject(new SqliteReaderError(message.error.message, message.error.code));
      else pending.resolve(message.rows ?? []);
      if (this.#pending.size === 0) this.#armIdle();
    });
    const fail = (error: Error) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      const lost = [...this.#pending.values()];
      this.#pending.clear();
      for (const p of lost) p.reject(new SqliteReaderError(`the reading connection stopped: ${error.message}`, 'SQLITE_CANTOPEN'));
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit ${code}`)));
    this.#worker = worker;
    return worker;
  }

  #armIdle(): void {
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => void this.#stop(), this.options.idleMs ?? 60_000);
    this.#idle.unref();
  }

  async #stop(): Promise<void> {
    clearTimeout(this.#idle);
    this.#idle = undefined;
    const worker = this.#worker;
    if (!worker || this.#pending.size > 0 && !this.#closed) return;
    this.#worker = undefined;
    for (const p of this.#pending.values()) p.reject(new SqliteReaderError('the store is closed', 'SQLITE_MISUSE'));
    this.#pending.clear();
    await worker.terminate();
  }
}

class ReaderConnection implements DatabaseConnection {
  constructor(readonly thread: ReaderThread) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    return { rows: (await this.thread.run(compiled.sql, compiled.parameters)) as R[] };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new SqliteReaderError('the reading connection does not stream: stream on the store’s own connection', 'SQLITE_MISUSE');
  }
}

class ReaderDriver implements Driver {
  readonly #connection: ReaderConnection;
  constructor(readonly thread: ReaderThread) {
    this.#connection = new ReaderConnection(thread);
  }
  async init(): Promise<void> {}
  // Queries are independent reads: the worker answers them in order, no connection is held.
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.#connection;
  }
  async beginTransaction(): Promise<void> {
    throw new SqliteReaderError('the reading connection runs no transaction', 'SQLITE_MISUSE');
  }
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {
    await this.thread.close();
  }
}

class ReaderDialect implements Dialect {
  constructor(readonly thread: ReaderThread) {}
  createAdapter() {
    return new SqliteAdapter();
  }
  createDriver(): Driver {
    return new ReaderDriver(this.thread);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createIntrospector(db: Kysely<any>) {
    return new SqliteIntrospector(db);
  }
}

/** A Kysely instance reading `file` on a worker thread's own connection (see above). */
export function openSqliteReader(file: string, options: SqliteReaderOptions, log?: (event: unknown) => void): Kysely<any> {
  return new Kysely<any>({ dialect: new ReaderDialect(new ReaderThread(file, options)), ...(log ? { log } : {}) });
}
