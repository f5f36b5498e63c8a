import type { StoreDb } from '../store/database.js';
import { leaseHolder, processHolderId, type LeaseOptions } from './lease.js';

/** What a job's holder log needs of a logger. */
export interface HolderLogger {
  info(fields: Record<string, unknown>, message: string): void;
}

/**
 * Told after each turn of a once-per-cluster job whether this process ran it; logs when that
 * changes (the first turn too): "this process runs it now", or which process holds it. Operators
 * see in one line per change which replica sends the mails, publishes the notes, syncs progress.
 */
export function holderChangeLog(store: StoreDb, job: string, logger: HolderLogger, lease: LeaseOptions = {}): (ran: boolean) => Promise<void> {
  let last: boolean | undefined;
  const self = lease.holder ?? processHolderId;
  return async (ran) => {
    if (ran === last) return;
    last = ran;
    if (ran) {
      logger.info({ job, holder: self }, `Job ${job}: run by this process`);
      return;
    }
    const holder = await leaseHolder(store, job, lease).catch(() => undefined);
    logger.info({ job, holder: holder ?? null }, `Job ${job}: run by another process`);
  };
}
