import type { Generated, Kysely } from 'kysely';
import { tables, type StoreDb } from '../store/database.js';
import { withIdColumn, type Migration } from '../store/migrations.js';

interface LimitTables {
  auth_login_failures: {
    id: Generated<number>;
    /** What failed: `user:<name>`, `ip:<address>`, `token-ip:<address>`. */
    key: string;
    /** ms since the epoch */
    failed_at: number;
  };
}

export const loginLimitMigrations: Migration[] = [
  {
    id: 'auth/002-login-failures',
    async up(db, dialect) {
      await withIdColumn(db.schema.createTable('auth_login_failures'), dialect)
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('failed_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('auth_login_failures_key').on('auth_login_failures').columns(['key', 'failed_at']).execute();
    },
  },
];

/** One counter and its threshold: `maxFailures` failures of `key` in the window block it. */
export interface LimitRule {
  key: string;
  maxFailures: number;
}

export interface LoginLimitsOptions {
  /** Window length in ms. Default 15 minutes. */
  windowMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** Old failures are deleted at most this often per process. */
const SWEEP_EVERY_MS = 60_000;

/**
 * Failed sign-ins counted in a sliding window, in the store: every gateway replica sees the same
 * counts, so a limit reached through one replica holds on the others. Each failure is a row
 * (key, time); a key is blocked while it has `maxFailures` rows in the window, until the oldest
 * of them leaves it. Rows out of the window are swept at most once a minute.
 */
export class LoginLimits {
  readonly #db: Kysely<LimitTables>;
  readonly #windowMs: number;
  readonly #now: () => number;
  #lastSweep = Number.NEGATIVE_INFINITY;

  constructor(store: StoreDb, options: LoginLimitsOptions = {}) {
    this.#db = tables<LimitTables>(store);
    this.#windowMs = options.windowMs ?? 15 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** Seconds until every rule allows a new attempt; 0 when none blocks. */
  async retryAfterSeconds(rules: readonly LimitRule[]): Promise<number> {
    const now = this.#now();
    let wait = 0;
    for (const rule of rules) {
      const recent = await this.#db
        .selectFrom('auth_login_failures')
        .select('failed_at')
        .where('key', '=', rule.key)
        .where('failed_at', '>', now - this.#windowMs)
        .orderBy('failed_at', 'desc')
        .limit(rule.maxFailures)
        .execute();
      if (recent.length < rule.maxFailures) continue;
      const oldestCounted = Number(recent[recent.length - 1]!.failed_at);
      wait = Math.max(wait, Math.ceil((oldestCounted + this.#windowMs - now) / 1000));
    }
    return wait;
  }

  async recordFailure(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const now = this.#now();
    await this.#db
      .insertInto('auth_login_failures')
      .values(keys.map((key) => ({ key, failed_at: now })))
      .execute();
    if (now - this.#lastSweep >= SWEEP_EVERY_MS) {
      this.#lastSweep = now;
      await this.#db.deleteFrom('auth_login_failures').where('failed_at', '<=', now - this.#windowMs).execute();
    }
  }

  /** Forgets a key's failures (a username after its owner signed in). */
  async clear(key: string): Promise<void> {
    await this.#db.deleteFrom('auth_login_failures').where('key', '=', key).execute();
  }

  /** Failures in the window (for tests and metrics). */
  async count(key: string): Promise<number> {
    const row = await this.#db
      .selectFrom('auth_login_failures')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('key', '=', key)
      .where('failed_at', '>', this.#now() - this.#windowMs)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }
}
