import { migrate, type Store } from '../store/db.js';

const MIGRATIONS = [
  {
    id: 'progress/001-learners',
    sql: `CREATE TABLE progress_learners (
      id TEXT PRIMARY KEY,
      source TEXT NOT NULL CHECK (source IN ('moodle', 'local')),
      moodle_user_id INTEGER UNIQUE,
      username TEXT NOT NULL UNIQUE,
      display_name TEXT NOT NULL,
      -- scrypt hash, local (embedded-mode) accounts only
      password_hash TEXT,
      -- overrides the default learner -> wiki user mapping
      wiki_user TEXT,
      -- 0 once the learner no longer appears among the course's students
      active INTEGER NOT NULL DEFAULT 1,
      first_seen_at TEXT NOT NULL
    );`,
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

interface LearnerRow {
  id: string;
  source: 'moodle' | 'local';
  moodle_user_id: number | null;
  username: string;
  display_name: string;
  wiki_user: string | null;
  active: number;
  first_seen_at: string;
}

const COLUMNS = 'id, source, moodle_user_id, username, display_name, wiki_user, active, first_seen_at';

function toLearner(row: LearnerRow): Learner {
  return {
    id: row.id,
    source: row.source,
    moodleUserId: row.moodle_user_id,
    username: row.username,
    displayName: row.display_name,
    wikiUser: row.wiki_user,
    active: row.active === 1,
    firstSeenAt: row.first_seen_at,
  };
}

/** The id of a Moodle learner in the store. */
export function moodleLearnerId(userId: number): string {
  return `moodle-${userId}`;
}

/** Learners in the local store. Passwords are only ever stored as scrypt hashes. */
export class LearnerStore {
  constructor(
    private readonly db: Store,
    private readonly now: () => Date = () => new Date(),
  ) {
    migrate(db, MIGRATIONS);
  }

  /** Creates or refreshes a Moodle learner (name changes follow Moodle); keeps first_seen_at. */
  upsertMoodleLearner(user: { id: number; username: string; fullname: string }): Learner {
    const id = moodleLearnerId(user.id);
    this.db
      .prepare(
        `INSERT INTO progress_learners (id, source, moodle_user_id, username, display_name, active, first_seen_at)
         VALUES (?, 'moodle', ?, ?, ?, 1, ?)
         ON CONFLICT (id) DO UPDATE SET username = excluded.username, display_name = excluded.display_name, active = 1`,
      )
      .run(id, user.id, user.username, user.fullname, this.now().toISOString());
    return this.byId(id) as Learner;
  }

  /** Marks Moodle learners absent from `keepIds` as inactive (unenrolled, or no longer students). */
  deactivateMoodleLearnersExcept(keepIds: readonly string[]): void {
    const keep = new Set(keepIds);
    const update = this.db.prepare('UPDATE progress_learners SET active = 0 WHERE id = ?');
    for (const learner of this.list({ source: 'moodle' })) if (!keep.has(learner.id)) update.run(learner.id);
  }

  /** Adds a local account (embedded mode). @throws when the username is taken. */
  addLocalLearner(input: { username: string; displayName: string; passwordHash: string; wikiUser?: string | undefined }): Learner {
    const id = `local-${input.username}`;
    this.db
      .prepare(
        `INSERT INTO progress_learners (id, source, username, display_name, password_hash, wiki_user, first_seen_at)
         VALUES (?, 'local', ?, ?, ?, ?, ?)`,
      )
      .run(id, input.username, input.displayName, input.passwordHash, input.wikiUser ?? null, this.now().toISOString());
    return this.byId(id) as Learner;
  }

  setPasswordHash(username: string, passwordHash: string): boolean {
    return this.db.prepare(`UPDATE progress_learners SET password_hash = ? WHERE username = ? AND source = 'local'`).run(passwordHash, username).changes > 0;
  }

  /** Sets (or clears with null) the wiki user of a learner. */
  setWikiUser(username: string, wikiUser: string | null): boolean {
    return this.db.prepare('UPDATE progress_learners SET wiki_user = ? WHERE username = ?').run(wikiUser, username).changes > 0;
  }

  byId(id: string): Learner | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM progress_learners WHERE id = ?`).get(id) as LearnerRow | undefined;
    return row && toLearner(row);
  }

  /** A local account and its password hash, for sign-in only. */
  localAccount(username: string): { learner: Learner; passwordHash: string } | undefined {
    const row = this.db
      .prepare(`SELECT ${COLUMNS}, password_hash FROM progress_learners WHERE username = ? AND source = 'local' AND password_hash IS NOT NULL`)
      .get(username) as (LearnerRow & { password_hash: string }) | undefined;
    return row && { learner: toLearner(row), passwordHash: row.password_hash };
  }

  /** Learners in display order; active ones only unless told otherwise. */
  list(filter: { source?: 'moodle' | 'local'; includeInactive?: boolean } = {}): Learner[] {
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM progress_learners ORDER BY display_name COLLATE NOCASE, id`)
      .all() as LearnerRow[];
    return rows
      .map(toLearner)
      .filter((l) => (filter.source === undefined || l.source === filter.source) && (filter.includeInactive || l.active));
  }
}
