/**
 * Keys every Pollen process must share, kept in the store (`pollen_keys`) when no
 * POLLEN_SECRET_KEY is configured: the first process to need one inserts a random value, the
 * others (replicas, the same gateway after a restart) read that row. Insert-if-absent, so two
 * processes starting together agree on the first value written.
 */
import { randomBytes } from 'node:crypto';
import { tables, type StoreDb } from '../store/database.js';
import type { Migration } from '../store/migrations.js';
import { deriveKey, type KeyPurpose } from './secrets.js';

interface KeyTables {
  pollen_keys: {
    name: string;
    /** base64 */
    value: string;
    created_at: string;
  };
}

export const keyMigrations: Migration[] = [
  {
    id: 'auth/004-keys',
    async up(db) {
      await db.schema
        .createTable('pollen_keys')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
];

/** The store's key named `name` (32 random bytes), created by the first process that asks. */
export async function sharedStoreKey(store: StoreDb, name: string, now: () => number = Date.now): Promise<Buffer> {
  const db = tables<KeyTables>(store);
  await db
    .insertInto('pollen_keys')
    .values({ name, value: randomBytes(32).toString('base64'), created_at: new Date(now()).toISOString() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('pollen_keys').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return Buffer.from(row.value, 'base64');
}

/**
 * A key for `purpose` shared by every process: derived from POLLEN_SECRET_KEY when set (nothing
 * stored), else the store's random key of that name.
 */
export async function sharedKey(store: StoreDb, secretKey: Buffer | undefined, purpose: KeyPurpose): Promise<Buffer> {
  return secretKey ? deriveKey(secretKey, purpose) : sharedStoreKey(store, purpose);
}
