import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import { tables, type StoreDb } from '../store/database.js';
import type { Migration } from '../store/migrations.js';

interface LeaseTables {
  jobs_leases: {
    name: string;
    /** Who holds it: host, pid and a random suffix (see `processHolderId`). */
    holder: string;
    /** ms since the epoch; past it, anyone may take the lease. */
    expires_at: number;
  };
}

export const leaseMigrations: Migration[] = [
  {
    id: 'jobs/001-leases',
    async up(db) {
      await db.schema
        .createTable('jobs_leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
];

/** Gives back every lease `holder` (default: this process) holds: a stopping process's jobs go to the others at once. */
export async function releaseLeasesOf(store: StoreDb, holder: string = processHolderId): Promise<number> {
  const result = await tables<LeaseTables>(store).deleteFrom('jobs_leases').where('holder', '=', holder).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** This process's name as a lease holder (one per process: its leases are its own). */
export const processHolderId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

/**
 * True only when `holder` (a `processHolderId`) names a process of THIS machine that no longer
 * exists: its leases and claims can be taken at once instead of at their expiry. Any doubt
 * (another machine, another naming, a process we may not signal) answers false.
 */
export function holderProcessGone(holder: string): boolean {
  const m = /^(.*):(\d+):[0-9a-f]{8}$/.exec(holder);
  if (!m || m[1] !== hostname()) return false;
  const pid = Number(m[2]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export interface LeaseOptions {
  /** Default: this process (`processHolderId`). */
  holder?: string;
  /** Clock in ms, for tests. All machines sharing a store must keep their clocks in sync (NTP). */
  now?: () => number;
}

/**
 * Takes the lease `name` until now + ttlMs when it is free, expired, or already ours (then it is
 * extended). One statement (INSERT … ON CONFLICT DO UPDATE … WHERE), atomic on both backends:
 * of two processes asking together, exactly one gets it. True when we hold it.
 */
export async function acquireLease(store: StoreDb, name: string, ttlMs: number, options: LeaseOptions = {}): Promise<boolean> {
  const holder = options.holder ?? processHolderId;
  const now = (options.now ?? Date.now)();
  const result = await tables<LeaseTables>(store)
    .insertInto('jobs_leases')
    .values({ name, holder, expires_at: now + ttlMs })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ holder, expires_at: now + ttlMs })
        .where((eb) => eb.or([eb('jobs_leases.expires_at', '<=', now), eb('jobs_leases.holder', '=', holder)])),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Sets our lease to end at `until` (ms), e.g. to hold it for the rest of an interval. False when it is no longer ours. */
export async function holdLeaseUntil(store: StoreDb, name: string, until: number, options: LeaseOptions = {}): Promise<boolean> {
  const result = await tables<LeaseTables>(store)
    .updateTable('jobs_leases')
    .set({ expires_at: until })
    .where('name', '=', name)
    .where('holder', '=', options.holder ?? processHolderId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Gives the lease back at once (when ours). */
export async function releaseLease(store: StoreDb, name: string, options: LeaseOptions = {}): Promise<void> {
  await tables<LeaseTables>(store)
    .deleteFrom('jobs_leases')
    .where('name', '=', name)
    .where('holder', '=', options.holder ?? processHolderId)
    .execute();
}

/** Who holds `name` now, if anyone (for /health and tests). */
export async function leaseHolder(store: StoreDb, name: string, options: Pick<LeaseOptions, 'now'> = {}): Promise<string | undefined> {
  const db: Kysely<LeaseTables> = tables<LeaseTables>(store);
  const row = await db.selectFrom('jobs_leases').select(['holder', 'expires_at']).where('name', '=', name).executeTakeFirst();
  return row && Number(row.expires_at) > (options.now ?? Date.now)() ? row.holder : undefined;
}
