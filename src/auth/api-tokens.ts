/**
 * API tokens kept in the store (created at first start or by `npm run token -- create`), beside
 * the ones from the configuration (POLLEN_FACILITATOR_TOKENS, POLLEN_ADMIN_TOKENS). Only the
 * SHA-256 of a token is stored: the clear value is shown once, when it is created.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql, type Generated, type Kysely } from 'kysely';
import { z } from 'zod';
import { tables, type StoreDb } from '../store/database.js';
import { isoNow, runMigrations, withIdColumn, type Migration } from '../store/migrations.js';
import { endSessionsOpenedWith, sessionMigrations } from './sessions.js';
import { hashToken } from './tokens.js';
import type { Viewer } from './viewer.js';

export type ApiTokenRole = 'facilitator' | 'admin';

interface ApiTokensTable {
  id: Generated<number>;
  token_hash: string;
  role: ApiTokenRole;
  name: string;
  created_at: string;
  revoked_at: string | null;
}

interface AuthTables {
  auth_api_tokens: ApiTokensTable;
}

export const API_TOKEN_MIGRATIONS: readonly Migration[] = [
  {
    id: 'auth/002-api-tokens',
    up: async (db, dialect) => {
      await withIdColumn(db.schema.createTable('auth_api_tokens'), dialect)
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('facilitator', 'admin')`))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
    },
  },
];

/** A token's public description: never its value nor its hash. */
export interface ApiTokenInfo {
  id: number;
  role: ApiTokenRole;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

export const tokenNameSchema = z
  .string()
  .trim()
  .min(1, 'Donnez un nom au jeton (la personne ou l’usage), par exemple --name "Camille".')
  .max(80, 'Le nom du jeton fait 80 caractères au plus.');
export const tokenRoleSchema = z.enum(['facilitator', 'admin'], { error: 'Le rôle est « facilitator » ou « admin ».' });

/** A new API token: 24 random bytes, hex (48 characters), as `openssl rand -hex 24` gives. */
export function newApiToken(): string {
  return randomBytes(24).toString('hex');
}

export class ApiTokenStore {
  readonly #store: StoreDb;

  private constructor(store: StoreDb) {
    this.#store = store;
  }

  /** Opens the tokens table, creating it on first use. */
  static async open(store: StoreDb): Promise<ApiTokenStore> {
    // Revoking ends the token's sessions: their table too.
    await runMigrations(store, [...sessionMigrations, ...API_TOKEN_MIGRATIONS]);
    return new ApiTokenStore(store);
  }

  get #db() {
    return tables<AuthTables>(this.#store);
  }

  /** Creates a token and returns its clear value: the only time it is seen. */
  async create(input: { role: ApiTokenRole; name: string }, now: Date = new Date()): Promise<{ token: string; info: ApiTokenInfo }> {
    const role = tokenRoleSchema.parse(input.role);
    const name = tokenNameSchema.parse(input.name);
    const token = newApiToken();
    const createdAt = isoNow(now);
    const row = await this.#db
      .insertInto('auth_api_tokens')
      .values({ token_hash: hashToken(token), role, name, created_at: createdAt, revoked_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { token, info: { id: Number(row.id), role, name, createdAt, revokedAt: null } };
  }

  /** Every token ever created, oldest first (revoked ones included, marked). */
  async list(): Promise<ApiTokenInfo[]> {
    const rows = await this.#db.selectFrom('auth_api_tokens').select(['id', 'role', 'name', 'created_at', 'revoked_at']).orderBy('id').execute();
    return rows.map((r) => ({ id: Number(r.id), role: r.role, name: r.name, createdAt: r.created_at, revokedAt: r.revoked_at }));
  }

  /**
   * Revokes a token by its number and ends every session it opened (the dashboard's cookies),
   * in one transaction: the sessions are in the store, so every replica refuses them at once.
   * False when there is no such live token.
   */
  async revoke(id: number, now: Date = new Date()): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('auth_api_tokens')
        .set({ revoked_at: isoNow(now) })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return false;
      const row = await trx.selectFrom('auth_api_tokens').select('token_hash').where('id', '=', id).executeTakeFirstOrThrow();
      await endSessionsOpenedWith(trx as unknown as Kysely<unknown>, row.token_hash);
      return true;
    });
  }

  /** True once any token was ever created (a revoked one counts: first start is over). */
  async anyEverCreated(): Promise<boolean> {
    const row = await this.#db.selectFrom('auth_api_tokens').select('id').limit(1).executeTakeFirst();
    return row !== undefined;
  }

  /** Whether a live token has this SHA-256 (hex), asked of the store itself. */
  async isLive(hash: string): Promise<boolean> {
    const row = await this.#db.selectFrom('auth_api_tokens').select('id').where('token_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst();
    return row !== undefined;
  }

  /** The live tokens' hashes with their role and name. */
  async live(): Promise<Array<{ hash: string; role: ApiTokenRole; name: string }>> {
    const rows = await this.#db.selectFrom('auth_api_tokens').select(['token_hash', 'role', 'name']).where('revoked_at', 'is', null).execute();
    return rows.map((r) => ({ hash: r.token_hash, role: r.role, name: r.name }));
  }
}

/**
 * The live stored tokens, in memory for the synchronous sign-in path. `refresh()` reloads them
 * from the store: the gateway calls it every few seconds and before each sign-in form, so a
 * token created or revoked by `npm run token` in another process counts within seconds.
 */
export class StoredApiTokens {
  #entries: Array<{ digest: Buffer; role: ApiTokenRole; name: string }> = [];

  constructor(private readonly tokens: ApiTokenStore) {}

  async refresh(): Promise<void> {
    const live = await this.tokens.live();
    this.#entries = live.map((t) => ({ digest: Buffer.from(t.hash, 'hex'), role: t.role, name: t.name }));
  }

  get size(): number {
    return this.#entries.length;
  }

  countByRole(role: ApiTokenRole): number {
    return this.#entries.filter((e) => e.role === role).length;
  }

  /**
   * Whether a live stored token has this SHA-256 (hex): from memory, else from the store (a token
   * created by another process since the last refresh).
   */
  async isLive(hex: string): Promise<boolean> {
    return this.hasDigest(hex) || (await this.tokens.isLive(hex));
  }

  /** Whether a live stored token has this SHA-256 (hex), as last refreshed. */
  hasDigest(hex: string): boolean {
    const presented = Buffer.from(hex, 'hex');
    let found = false;
    for (const entry of this.#entries) found = (presented.length === entry.digest.length && timingSafeEqual(presented, entry.digest)) || found;
    return found;
  }

  /** The viewer a presented token stands for; every entry is compared, in constant time. */
  viewerFor(token: string): Viewer | undefined {
    const presented = createHash('sha256').update(token, 'utf8').digest();
    let found: { role: ApiTokenRole; name: string } | undefined;
    for (const entry of this.#entries) {
      if (timingSafeEqual(presented, entry.digest) && !found) found = entry;
    }
    return found && { role: found.role, learnerId: null, displayName: found.name };
  }
}
