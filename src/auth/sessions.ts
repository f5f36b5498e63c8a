import { sql, type Kysely } from 'kysely';
import { tables, type StoreDb } from '../store/database.js';
import type { Migration } from '../store/migrations.js';
import type { Viewer } from './viewer.js';
import { hashToken, newSessionToken } from './tokens.js';

interface SessionTables {
  auth_sessions: {
    token_hash: string;
    role: 'learner' | 'facilitator' | 'admin';
    learner_id: string | null;
    display_name: string | null;
    /** ms since the epoch */
    created_at: number;
    expires_at: number;
    /** The learner's Moodle token, sealed (src/auth/secrets.ts); null when none is kept here. */
    moodle_token_sealed: string | null;
    /** SHA-256 (hex) of the API token this session was opened with; null for a learner's. */
    api_token_hash: string | null;
  };
}

const sqlRoleCheck = sql`role IN ('learner', 'facilitator', 'admin')`;

/** The sessions table (the id predates the async layer: existing SQLite files keep theirs). */
export const sessionMigrations: Migration[] = [
  {
    id: 'auth/001-sessions',
    async up(db) {
      await db.schema
        .createTable('auth_sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('role', 'text', (c) => c.notNull().check(sqlRoleCheck))
        .addColumn('learner_id', 'text')
        .addColumn('display_name', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('auth_sessions_expiry').on('auth_sessions').column('expires_at').execute();
    },
  },
  {
    // Beside the session, so it goes with it: logout, expiry purge, store:migrate.
    id: 'auth/003-session-moodle-tokens',
    async up(db) {
      await db.schema.alterTable('auth_sessions').addColumn('moodle_token_sealed', 'text').execute();
    },
  },
  {
    // A session opened with an API token ends when the token is revoked (or leaves the configuration).
    id: 'auth/005-session-api-token',
    async up(db) {
      await db.schema.alterTable('auth_sessions').addColumn('api_token_hash', 'text').execute();
      await db.schema.createIndex('auth_sessions_api_token').on('auth_sessions').column('api_token_hash').execute();
    },
  },
];

/** Ends every session opened with the API token of this SHA-256 (hex); how many there were. */
export async function endSessionsOpenedWith(db: Kysely<unknown>, apiTokenHash: string): Promise<number> {
  const result = await (db as Kysely<SessionTables>).deleteFrom('auth_sessions').where('api_token_hash', '=', apiTokenHash).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A session as handed to its owner at login: the only time the token is seen in clear. */
export interface IssuedSession {
  token: string;
  /** Hash under which the session is stored (for in-memory side data such as a Moodle token). */
  tokenHash: string;
  expiresAt: Date;
  viewer: Viewer;
}

/**
 * Gateway sessions in the store, keyed by the SHA-256 of their token: a copy of the store gives
 * no usable token. In the store (not in memory) so a session opened on one gateway replica is
 * accepted by the others. Expired rows are ignored on read and purged on each new login.
 */
export class SessionStore {
  readonly #db: Kysely<SessionTables>;

  constructor(
    store: StoreDb,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#db = tables<SessionTables>(store);
  }

  /**
   * Opens a session. `sealMoodleToken`, given the new session's hash, returns the learner's
   * sealed Moodle token to keep in the same row (one insert).
   */
  async create(viewer: Viewer, options: { sealMoodleToken?: (tokenHash: string) => string; apiTokenHash?: string } = {}): Promise<IssuedSession> {
    if (viewer.role === 'anonymous') throw new Error('An anonymous viewer has no session');
    const token = newSessionToken();
    const tokenHash = hashToken(token);
    const createdAt = this.now();
    const expiresAt = createdAt + this.ttlMs;
    await this.purgeExpired();
    await this.#db
      .insertInto('auth_sessions')
      .values({
        token_hash: tokenHash,
        role: viewer.role,
        learner_id: viewer.learnerId,
        display_name: viewer.displayName,
        created_at: createdAt,
        expires_at: expiresAt,
        moodle_token_sealed: options.sealMoodleToken?.(tokenHash) ?? null,
        api_token_hash: options.apiTokenHash ?? null,
      })
      .execute();
    return { token, tokenHash, expiresAt: new Date(expiresAt), viewer };
  }

  /** The viewer of a live session, or undefined for an unknown or expired token. */
  async find(token: string): Promise<{ viewer: Viewer; tokenHash: string; expiresAt: Date; apiTokenHash: string | null } | undefined> {
    const tokenHash = hashToken(token);
    const row = await this.#db
      .selectFrom('auth_sessions')
      .select(['role', 'learner_id', 'display_name', 'expires_at', 'api_token_hash'])
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row || Number(row.expires_at) <= this.now()) return undefined;
    return {
      tokenHash,
      expiresAt: new Date(Number(row.expires_at)),
      viewer: { role: row.role, learnerId: row.learner_id, displayName: row.display_name },
      apiTokenHash: row.api_token_hash,
    };
  }

  /** The sealed Moodle token of a live session, if one is kept. */
  async sealedMoodleToken(tokenHash: string): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('auth_sessions')
      .select(['moodle_token_sealed', 'expires_at'])
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row || Number(row.expires_at) <= this.now()) return undefined;
    return row.moodle_token_sealed ?? undefined;
  }

  /** Ends a session by its hash (one whose API token is no longer valid). */
  async deleteByHash(tokenHash: string): Promise<void> {
    await this.#db.deleteFrom('auth_sessions').where('token_hash', '=', tokenHash).execute();
  }

  /** Ends every session of a learner (a new password, a deleted account); how many there were. */
  async deleteForLearner(learnerId: string): Promise<number> {
    const result = await this.#db.deleteFrom('auth_sessions').where('learner_id', '=', learnerId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Ends a session; true when there was one. */
  async delete(token: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('auth_sessions').where('token_hash', '=', hashToken(token)).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async purgeExpired(): Promise<number> {
    const result = await this.#db.deleteFrom('auth_sessions').where('expires_at', '<=', this.now()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
