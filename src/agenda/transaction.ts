import { sql, type Kysely } from 'kysely';
import type { StoreDb } from '../store/database.js';
import { retryWhenBusy } from '../store/transaction.js';

/**
 * Runs `work` in a transaction that writes. SQLite: `BEGIN IMMEDIATE` takes the write lock up
 * front, so a second process waits (busy_timeout) instead of failing when a read turns into a
 * write; one process's transactions already take turns on its single connection. PostgreSQL: a
 * plain transaction; the work locks the rows it decides on (`SELECT … FOR UPDATE`). Tried again
 * while the store is busy (src/store/transaction.ts).
 */
export async function inWriteTransaction<DB, T>(store: StoreDb, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return retryWhenBusy(() => store.db.connection().execute(async (conn) => {
    await sql.raw(store.dialect === 'sqlite' ? 'begin immediate' : 'begin').execute(conn);
    try {
      const result = await work(conn as Kysely<DB>);
      await sql.raw('commit').execute(conn);
      return result;
    } catch (err) {
      await sql.raw('rollback').execute(conn).catch(() => {});
      throw err;
    }
  }));
}
