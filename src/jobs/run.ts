import type { StoreDb } from '../store/database.js';
import { acquireLease, holdLeaseUntil, releaseLease, type LeaseOptions } from './lease.js';

export interface RunExclusiveOptions extends LeaseOptions {
  /**
   * After `fn` ends, keep the lease this long from its start (0: give it back at once). A job run
   * "once per interval" holds it for the interval, so a replica whose timer fires a little later
   * finds it taken.
   */
  holdForMs?: number;
}

export type ExclusiveOutcome<T> = { ran: true; value: T } | { ran: false };

/**
 * Runs `fn` only if this process gets the lease `name`; another process holding it means
 * `{ ran: false }` at once (no waiting). While `fn` runs, the lease is renewed every third of
 * `ttlMs`, so a long run keeps it; if the process dies, the lease expires after `ttlMs` and
 * another process may run the job.
 */
export async function runExclusive<T>(
  store: StoreDb,
  name: string,
  ttlMs: number,
  fn: () => Promise<T>,
  options: RunExclusiveOptions = {},
): Promise<ExclusiveOutcome<T>> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  if (!(await acquireLease(store, name, ttlMs, options))) return { ran: false };
  const renew = setInterval(() => void acquireLease(store, name, ttlMs, options).catch(() => {}), Math.max(10, Math.floor(ttlMs / 3)));
  renew.unref();
  try {
    return { ran: true, value: await fn() };
  } finally {
    clearInterval(renew);
    const holdUntil = startedAt + (options.holdForMs ?? 0);
    await (holdUntil > now() ? holdLeaseUntil(store, name, holdUntil, options) : releaseLease(store, name, options)).catch(() => {});
  }
}
