/**
 * Writes that several processes make on one store (CLI bots, a watcher, gateways): each attempt
 * is atomic, and an attempt the store refused for being busy is tried again a bounded number of
 * times, then reported as STORE_BUSY with nothing written.
 */
import type { Kysely, Transaction } from 'kysely';
import { isStoreBusy, StoreBusyError, SQLITE_BUSY_TIMEOUT_MS, type StoreDb } from './database.js';

export interface BusyRetryOptions {
  /** Attempts in all. Default WRITE_ATTEMPTS. */
  attempts?: number;
  /** Pause before the n-th retry: n × this, plus up to as much at random. Default 100 ms. */
  pauseMs?: number;
}

/**
 * Attempts of one write. Each SQLite attempt already waits up to SQLITE_BUSY_TIMEOUT_MS for the
 * lock: the whole lasts about 15 s at worst, far beyond any Pollen write's turn.
 */
export const WRITE_ATTEMPTS = 3;

/** Why a write did not go through, in French: what a person sees (CLI, dashboard). */
export function storeBusyReason(attempts = WRITE_ATTEMPTS): string {
  return `la base de données est restée occupée par d’autres processus Pollen pendant ${attempts} essais ` +
    `(environ ${Math.round((attempts * SQLITE_BUSY_TIMEOUT_MS) / 1000)} s) ; rien n’a été enregistré`;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` again while the store answers busy (see isStoreBusy), at most `attempts` times in
 * all; then throws StoreBusyError. `work` must be atomic (one statement or one transaction), so
 * that a refused attempt left nothing behind.
 */
export async function retryWhenBusy<T>(work: () => Promise<T>, options: BusyRetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? WRITE_ATTEMPTS);
  const pauseMs = options.pauseMs ?? 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!isStoreBusy(err) || err instanceof StoreBusyError) throw err;
      if (attempt >= attempts) throw new StoreBusyError(storeBusyReason(attempts), { cause: err });
      await pause(attempt * pauseMs + Math.random() * attempt * pauseMs);
    }
  }
}

/**
 * One transaction that writes, retried while the store is busy. SQLite: it begins IMMEDIATE (the
 * store's driver), so it waits for the write lock up front instead of failing half-way; PostgreSQL:
 * a serialization failure or a deadlock is tried again. Rolled back on any error.
 */
export function writeTransaction<DB, T>(
  db: StoreDb | Kysely<DB>, work: (trx: Transaction<DB>) => Promise<T>, options: BusyRetryOptions = {},
): Promise<T> {
  const kysely = ('description' in db ? db.db : db) as Kysely<DB>;
  return retryWhenBusy(() => kysely.transaction().execute(work), options);
}
