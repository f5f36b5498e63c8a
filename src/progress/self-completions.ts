import { migrate, type Store } from '../store/db.js';

const MIGRATIONS = [
  {
    id: 'progress/003-self-completions',
    sql: `CREATE TABLE progress_self_completions (
      learner_id TEXT NOT NULL,
      slug TEXT NOT NULL,
      completed_at TEXT NOT NULL,
      PRIMARY KEY (learner_id, slug)
    );`,
  },
];

/** Embedded mode: modules learners marked done themselves (no Moodle to hold completion). */
export class SelfCompletionStore {
  constructor(private readonly db: Store) {
    migrate(db, MIGRATIONS);
  }

  /** Marks done (keeping the first time) or not done. */
  set(learnerId: string, slug: string, done: boolean, at: Date): void {
    if (done) {
      this.db
        .prepare('INSERT INTO progress_self_completions (learner_id, slug, completed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
        .run(learnerId, slug, at.toISOString());
    } else {
      this.db.prepare('DELETE FROM progress_self_completions WHERE learner_id = ? AND slug = ?').run(learnerId, slug);
    }
  }

  /** learnerId -> slug -> ISO time, for the given learners. */
  forLearners(ids: readonly string[]): Map<string, Map<string, string>> {
    const rows = this.db
      .prepare('SELECT learner_id, slug, completed_at FROM progress_self_completions WHERE learner_id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(ids)) as Array<{ learner_id: string; slug: string; completed_at: string }>;
    const result = new Map<string, Map<string, string>>();
    for (const r of rows) {
      const map = result.get(r.learner_id) ?? new Map<string, string>();
      map.set(r.slug, r.completed_at);
      result.set(r.learner_id, map);
    }
    return result;
  }
}
