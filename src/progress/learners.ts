import { sql, type Kysely } from 'kysely';
import { chunks } from '../store/chunks.js';
import { tables, type StoreDb } from '../store/database.js';
import type { Migration } from '../store/migrations.js';

interface LearnerTables {
  progress_learners: {
    id: string;
    source: 'moodle' | 'local';
    moodle_user_id: number | null;
    username: string;
    display_name: string;
    /** scrypt hash, local (embedded-mode) accounts only */
    password_hash: string | null;
    /** overrides the default learner -> wiki user mapping */
    wiki_user: string | null;
    /** 0 once the learner no longer appears among the course's students */
    active: number;
    first_seen_at: string;
  };
}

export const learnerMigrations: Migration[] = [
  {
    id: 'progress/001-learners',
    async up(db) {
      await db.schema
        .createTable('progress_learners')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('source', 'text', (c) => c.notNull().check(sql`source IN ('moodle', 'local')`))
        .addColumn('moodle_user_id', 'bigint', (c) => c.unique())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('wiki_user', 'text')
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('first_seen_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
];

/** A learner of the cohort, from Moodle's enrolments or a local (embedded-mode) account. */
export interface Learner {
  id: string;
  source: 'moodle' | 'local';
  moodleUserId: number | null;
  username: string;
  displayName: string;
  /** Explicit wiki user name; null: the default mapping applies (see wikiUserOf). */
  wikiUser: string | null;
  active: boolean;
  /** ISO date the store first saw the learner: the start of the stalled clock. */
  firstSeenAt: string;
}

const COLUMNS = ['id', 'source', 'moodle_user_id', 'username', 'display_name', 'wiki_user', 'active', 'first_seen_at'] as const;

type LearnerRow = Pick<LearnerTables['progress_learners'], (typeof COLUMNS)[number]>;

function toLearner(row: LearnerRow): Learner {
  return {
    id: row.id,
    source: row.source,
    moodleUserId: row.moodle_user_id === null ? null : Number(row.moodle_user_id),
    username: row.username,
    displayName: row.display_name,
    wikiUser: row.wiki_user,
    active: Number(row.active) === 1,
    firstSeenAt: row.first_seen_at,
  };
}

/** Where a page of learners ended (LearnerStore.page). */
export interface LearnerCursor {
  sortKey: string;
  id: string;
}

/** The id of a Moodle learner in the store. */
export function moodleLearnerId(userId: number): string {
  return `moodle-${userId}`;
}

/** Learners in the store. Passwords are only ever stored as scrypt hashes. */
export class LearnerStore {
  readonly #db: Kysely<LearnerTables>;

  constructor(
    store: StoreDb,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.#db = tables<LearnerTables>(store);
  }

  /** Creates or refreshes a Moodle learner (name changes follow Moodle); keeps first_seen_at. */
  async upsertMoodleLearner(user: { id: number; username: string; fullname: string }): Promise<Learner> {
    const [learner] = await this.upsertMoodleLearners([user]);
    return learner!;
  }

  /** The same for a whole cohort, in one transaction; learners in the order given. */
  async upsertMoodleLearners(users: ReadonlyArray<{ id: number; username: string; fullname: string }>): Promise<Learner[]> {
    if (users.length === 0) return [];
    const firstSeen = this.now().toISOString();
    await this.#db.transaction().execute(async (trx) => {
      for (const chunk of chunks(users, 200)) {
        await trx
          .insertInto('progress_learners')
          .values(
            chunk.map((user) => ({
              id: moodleLearnerId(user.id),
              source: 'moodle' as const,
              moodle_user_id: user.id,
              username: user.username,
              display_name: user.fullname,
              active: 1,
              first_seen_at: firstSeen,
            })),
          )
          .onConflict((oc) =>
            oc.column('id').doUpdateSet((eb) => ({
              username: eb.ref('excluded.username'),
              display_name: eb.ref('excluded.display_name'),
              active: 1,
            })),
          )
          .execute();
      }
    });
    const byId = new Map((await this.byIds(users.map((u) => moodleLearnerId(u.id)))).map((l) => [l.id, l]));
    return users.map((u) => byId.get(moodleLearnerId(u.id))!);
  }

  /** Marks Moodle learners absent from `keepIds` as inactive (unenrolled, or no longer students). */
  async deactivateMoodleLearnersExcept(keepIds: readonly string[]): Promise<void> {
    const keep = new Set(keepIds);
    const gone = (await this.list({ source: 'moodle' })).filter((l) => !keep.has(l.id)).map((l) => l.id);
    for (const chunk of chunks(gone, 500)) {
      await this.#db.updateTable('progress_learners').set({ active: 0 }).where('id', 'in', chunk).execute();
    }
  }

  /** Adds a local account (embedded mode). @throws when the username is taken. */
  async addLocalLearner(input: { username: string; displayName: string; passwordHash: string; wikiUser?: string | undefined }): Promise<Learner> {
    const id = `local-${input.username}`;
    await this.#db
      .insertInto('progress_learners')
      .values({
        id,
        source: 'local',
        username: input.username,
        display_name: input.displayName,
        password_hash: input.passwordHash,
        wiki_user: input.wikiUser ?? null,
        active: 1,
        first_seen_at: this.now().toISOString(),
      })
      .execute();
    return (await this.byId(id)) as Learner;
  }

  async setPasswordHash(username: string, passwordHash: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('progress_learners')
      .set({ password_hash: passwordHash })
      .where('username', '=', username)
      .where('source', '=', 'local')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Sets (or clears with null) the wiki user of a learner. */
  async setWikiUser(username: string, wikiUser: string | null): Promise<boolean> {
    const result = await this.#db.updateTable('progress_learners').set({ wiki_user: wikiUser }).where('username', '=', username).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async byId(id: string): Promise<Learner | undefined> {
    const row = await this.#db.selectFrom('progress_learners').select(COLUMNS).where('id', '=', id).executeTakeFirst();
    return row && toLearner(row);
  }

  async byIds(ids: readonly string[]): Promise<Learner[]> {
    const result: Learner[] = [];
    for (const chunk of chunks(ids, 500)) {
      const rows = await this.#db.selectFrom('progress_learners').select(COLUMNS).where('id', 'in', chunk).execute();
      result.push(...rows.map(toLearner));
    }
    return result;
  }

  /** A local account and its password hash, for sign-in only. */
  async localAccount(username: string): Promise<{ learner: Learner; passwordHash: string } | undefined> {
    const row = await this.#db
      .selectFrom('progress_learners')
      .select([...COLUMNS, 'password_hash'])
      .where('username', '=', username)
      .where('source', '=', 'local')
      .where('password_hash', 'is not', null)
      .executeTakeFirst();
    return row && { learner: toLearner(row), passwordHash: row.password_hash as string };
  }

  /**
   * One page of the active learners in display order (the order of `list`), after the page that
   * ended with `after` (keyset: the cohort is read page by page, never whole). `sortKey` is the
   * store's own lowercased name, to pass back as `after`.
   */
  async page(limit: number, after?: LearnerCursor): Promise<Array<Learner & { sortKey: string }>> {
    let query = this.#db.selectFrom('progress_learners').select([...COLUMNS, sql<string>`lower(display_name)`.as('sort_key')]).where('active', '=', 1);
    if (after) query = query.where(sql<boolean>`(lower(display_name) > ${after.sortKey} OR (lower(display_name) = ${after.sortKey} AND id > ${after.id}))`);
    const rows = await query.orderBy(sql`lower(display_name)`).orderBy('id').limit(limit).execute();
    return rows.map((row) => ({ ...toLearner(row), sortKey: row.sort_key }));
  }

  /** Learners in display order (case-insensitive); active ones only unless told otherwise. */
  async list(filter: { source?: 'moodle' | 'local'; includeInactive?: boolean } = {}): Promise<Learner[]> {
    let query = this.#db.selectFrom('progress_learners').select(COLUMNS);
    if (filter.source) query = query.where('source', '=', filter.source);
    if (!filter.includeInactive) query = query.where('active', '=', 1);
    const rows = await query.orderBy(sql`lower(display_name)`).orderBy('id').execute();
    return rows.map(toLearner);
  }
}
