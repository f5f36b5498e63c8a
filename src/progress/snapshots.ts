import { migrate, type Store } from '../store/db.js';
import type { CompletionVia, LearnerProgress, ModuleProgress, ModuleState } from './model.js';

const MIGRATIONS = [
  {
    id: 'progress/002-snapshots',
    sql: `CREATE TABLE progress_snapshots (
      id INTEGER PRIMARY KEY,
      learner_id TEXT NOT NULL,
      taken_at TEXT NOT NULL,
      -- 'sync' (the tracker) or 'learner' (after markModuleDone)
      reason TEXT NOT NULL,
      percent INTEGER NOT NULL,
      done_count INTEGER NOT NULL,
      module_count INTEGER NOT NULL,
      last_activity_at TEXT,
      stalled INTEGER NOT NULL
    );
    CREATE INDEX progress_snapshots_learner ON progress_snapshots (learner_id, id);
    CREATE TABLE progress_snapshot_modules (
      snapshot_id INTEGER NOT NULL REFERENCES progress_snapshots (id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      slug TEXT NOT NULL,
      state TEXT NOT NULL,
      completed_at TEXT,
      via TEXT,
      PRIMARY KEY (snapshot_id, slug)
    );`,
  },
];

interface SnapshotRow {
  id: number;
  learner_id: string;
  taken_at: string;
  percent: number;
  done_count: number;
  module_count: number;
  last_activity_at: string | null;
  stalled: number;
}

interface ModuleRow {
  snapshot_id: number;
  slug: string;
  state: ModuleState;
  completed_at: string | null;
  via: CompletionVia | null;
}

export interface SnapshotRetention {
  /** Every snapshot is kept this many days. */
  fullDays: number;
  /** Then one a day per learner, up to this many days. */
  dailyDays: number;
}

export const DEFAULT_RETENTION: SnapshotRetention = { fullDays: 30, dailyDays: 365 };

/** Dated progress snapshots, one row per learner per sync (history kept), modules beside. */
export class SnapshotStore {
  constructor(private readonly db: Store) {
    migrate(db, MIGRATIONS);
  }

  /** Writes one snapshot per learner, in one transaction. */
  write(progress: readonly LearnerProgress[], reason: 'sync' | 'learner'): void {
    const insert = this.db.prepare(
      `INSERT INTO progress_snapshots (learner_id, taken_at, reason, percent, done_count, module_count, last_activity_at, stalled)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertModule = this.db.prepare(
      'INSERT INTO progress_snapshot_modules (snapshot_id, position, slug, state, completed_at, via) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const p of progress) {
        const { lastInsertRowid } = insert.run(
          p.learnerId, p.snapshotAt, reason, p.percent, p.doneCount, p.moduleCount, p.lastActivityAt, p.stalled ? 1 : 0,
        );
        p.modules.forEach((m, i) => insertModule.run(lastInsertRowid, i, m.slug, m.state, m.completedAt, m.via));
      }
    })();
  }

  /**
   * Keeps history useful and the store small on a modest server: every snapshot of the last
   * `fullDays`, then the last one of each day per learner up to `dailyDays`, and each learner's
   * latest one whatever its age. Returns how many snapshots were removed (modules cascade).
   */
  prune(now: Date, retention: SnapshotRetention = DEFAULT_RETENTION): number {
    const cut = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
    return this.db.transaction(() => {
      const latestPerLearner = 'SELECT MAX(id) FROM progress_snapshots GROUP BY learner_id';
      const thinned = this.db
        .prepare(
          `DELETE FROM progress_snapshots WHERE taken_at < ?
             AND id NOT IN (SELECT MAX(id) FROM progress_snapshots GROUP BY learner_id, substr(taken_at, 1, 10))
             AND id NOT IN (${latestPerLearner})`,
        )
        .run(cut(retention.fullDays)).changes;
      const expired = this.db
        .prepare(`DELETE FROM progress_snapshots WHERE taken_at < ? AND id NOT IN (${latestPerLearner})`)
        .run(cut(retention.dailyDays)).changes;
      return thinned + expired;
    })();
  }

  /** The latest snapshot of each given learner (all learners when `ids` is omitted), in two queries. */
  latest(ids?: readonly string[]): Map<string, LearnerProgress> {
    const filter = ids ? `WHERE learner_id IN (SELECT value FROM json_each(?))` : '';
    const args = ids ? [JSON.stringify(ids)] : [];
    const rows = this.db
      .prepare(
        `SELECT s.* FROM progress_snapshots s
         JOIN (SELECT learner_id, MAX(id) AS id FROM progress_snapshots ${filter} GROUP BY learner_id) latest ON latest.id = s.id`,
      )
      .all(...args) as SnapshotRow[];
    return this.#withModules(rows);
  }

  /** A learner's snapshots, newest first. */
  history(learnerId: string, limit = 30): LearnerProgress[] {
    const rows = this.db
      .prepare('SELECT * FROM progress_snapshots WHERE learner_id = ? ORDER BY id DESC LIMIT ?')
      .all(learnerId, limit) as SnapshotRow[];
    const byId = this.#withModules(rows, true);
    return rows.map((r) => byId.get(String(r.id))).filter((p): p is LearnerProgress => p !== undefined);
  }

  #withModules(rows: SnapshotRow[], keyBySnapshot = false): Map<string, LearnerProgress> {
    const result = new Map<string, LearnerProgress>();
    if (rows.length === 0) return result;
    const modules = this.db
      .prepare(
        `SELECT snapshot_id, slug, state, completed_at, via FROM progress_snapshot_modules
         WHERE snapshot_id IN (SELECT value FROM json_each(?)) ORDER BY snapshot_id, position`,
      )
      .all(JSON.stringify(rows.map((r) => r.id))) as ModuleRow[];
    const bySnapshot = new Map<number, ModuleProgress[]>();
    for (const m of modules) {
      const list = bySnapshot.get(m.snapshot_id) ?? [];
      list.push({ slug: m.slug, state: m.state, completedAt: m.completed_at, via: m.via });
      bySnapshot.set(m.snapshot_id, list);
    }
    for (const r of rows) {
      result.set(keyBySnapshot ? String(r.id) : r.learner_id, {
        learnerId: r.learner_id,
        percent: r.percent,
        doneCount: r.done_count,
        moduleCount: r.module_count,
        modules: bySnapshot.get(r.id) ?? [],
        lastActivityAt: r.last_activity_at,
        stalled: r.stalled === 1,
        snapshotAt: r.taken_at,
      });
    }
    return result;
  }
}
