import { sql, type Generated, type Kysely } from 'kysely';
import { chunks } from '../store/chunks.js';
import { tables, type StoreDb } from '../store/database.js';
import { withIdColumn, type Migration } from '../store/migrations.js';
import type { CompletionVia, LearnerProgress, ModuleProgress, ModuleState } from './model.js';

interface SnapshotTables {
  progress_snapshots: {
    id: Generated<number>;
    learner_id: string;
    taken_at: string;
    /** 'sync' (the tracker) or 'learner' (after markModuleDone) */
    reason: string;
    percent: number;
    done_count: number;
    module_count: number;
    last_activity_at: string | null;
    stalled: number;
  };
  progress_snapshot_modules: {
    snapshot_id: number;
    position: number;
    slug: string;
    state: string;
    completed_at: string | null;
    via: string | null;
  };
}

export const snapshotMigrations: Migration[] = [
  {
    id: 'progress/002-snapshots',
    async up(db, dialect) {
      await withIdColumn(db.schema.createTable('progress_snapshots'), dialect)
        .addColumn('learner_id', 'text', (c) => c.notNull())
        .addColumn('taken_at', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('percent', 'integer', (c) => c.notNull())
        .addColumn('done_count', 'integer', (c) => c.notNull())
        .addColumn('module_count', 'integer', (c) => c.notNull())
        .addColumn('last_activity_at', 'text')
        .addColumn('stalled', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('progress_snapshots_learner').on('progress_snapshots').columns(['learner_id', 'id']).execute();
      await db.schema
        .createTable('progress_snapshot_modules')
        .addColumn('snapshot_id', 'integer', (c) => c.notNull().references('progress_snapshots.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('slug', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('completed_at', 'text')
        .addColumn('via', 'text')
        .addPrimaryKeyConstraint('progress_snapshot_modules_pk', ['snapshot_id', 'slug'])
        .execute();
    },
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
  readonly #db: Kysely<SnapshotTables>;

  constructor(store: StoreDb) {
    this.#db = tables<SnapshotTables>(store);
  }

  /** Writes one snapshot per learner, in one transaction. */
  async write(progress: readonly LearnerProgress[], reason: 'sync' | 'learner'): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      const modules: Array<SnapshotTables['progress_snapshot_modules']> = [];
      for (const p of progress) {
        const { id } = await trx
          .insertInto('progress_snapshots')
          .values({
            learner_id: p.learnerId,
            taken_at: p.snapshotAt,
            reason,
            percent: p.percent,
            done_count: p.doneCount,
            module_count: p.moduleCount,
            last_activity_at: p.lastActivityAt,
            stalled: p.stalled ? 1 : 0,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        p.modules.forEach((m, i) =>
          modules.push({ snapshot_id: Number(id), position: i, slug: m.slug, state: m.state, completed_at: m.completedAt, via: m.via }),
        );
      }
      for (const chunk of chunks(modules, 1000)) await trx.insertInto('progress_snapshot_modules').values(chunk).execute();
    });
  }

  /**
   * Keeps history useful and the store small on a modest server: every snapshot of the last
   * `fullDays`, then the last one of each day per learner up to `dailyDays`, and each learner's
   * latest one whatever its age. Returns how many snapshots were removed (modules cascade).
   */
  async prune(now: Date, retention: SnapshotRetention = DEFAULT_RETENTION): Promise<number> {
    const cut = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
    return this.#db.transaction().execute(async (trx) => {
      const latestPerLearner = sql`SELECT MAX(id) FROM progress_snapshots GROUP BY learner_id`;
      const thinned = await sql`DELETE FROM progress_snapshots WHERE taken_at < ${cut(retention.fullDays)}
             AND id NOT IN (SELECT MAX(id) FROM progress_snapshots GROUP BY learner_id, substr(taken_at, 1, 10))
             AND id NOT IN (${latestPerLearner})`.execute(trx);
      const expired = await sql`DELETE FROM progress_snapshots WHERE taken_at < ${cut(retention.dailyDays)}
             AND id NOT IN (${latestPerLearner})`.execute(trx);
      return Number(thinned.numAffectedRows ?? 0) + Number(expired.numAffectedRows ?? 0);
    });
  }

  /** The latest snapshot of each given learner (all learners when `ids` is omitted), in two queries per 500 learners. */
  async latest(ids?: readonly string[]): Promise<Map<string, LearnerProgress>> {
    const rows: SnapshotRow[] = [];
    for (const chunk of ids ? chunks(ids) : [undefined]) {
      if (chunk?.length === 0) continue;
      let latest = this.#db
        .selectFrom('progress_snapshots')
        .select((eb) => ['learner_id', eb.fn.max('id').as('id')])
        .groupBy('learner_id');
      if (chunk) latest = latest.where('learner_id', 'in', chunk);
      rows.push(
        ...((await this.#db
          .selectFrom('progress_snapshots as s')
          .innerJoin(latest.as('latest'), 'latest.id', 's.id')
          .selectAll('s')
          .execute()) as SnapshotRow[]),
      );
    }
    return this.#withModules(rows);
  }

  /** A learner's snapshots, newest first. */
  async history(learnerId: string, limit = 30): Promise<LearnerProgress[]> {
    const rows = (await this.#db
      .selectFrom('progress_snapshots')
      .selectAll()
      .where('learner_id', '=', learnerId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute()) as SnapshotRow[];
    const byId = await this.#withModules(rows, true);
    return rows.map((r) => byId.get(String(r.id))).filter((p): p is LearnerProgress => p !== undefined);
  }

  async #withModules(rows: SnapshotRow[], keyBySnapshot = false): Promise<Map<string, LearnerProgress>> {
    const result = new Map<string, LearnerProgress>();
    if (rows.length === 0) return result;
    const bySnapshot = new Map<number, ModuleProgress[]>();
    for (const chunk of chunks(rows.map((r) => Number(r.id)))) {
      const modules = (await this.#db
        .selectFrom('progress_snapshot_modules')
        .select(['snapshot_id', 'slug', 'state', 'completed_at', 'via'])
        .where('snapshot_id', 'in', chunk)
        .orderBy('snapshot_id')
        .orderBy('position')
        .execute()) as ModuleRow[];
      for (const m of modules) {
        const list = bySnapshot.get(Number(m.snapshot_id)) ?? [];
        list.push({ slug: m.slug, state: m.state, completedAt: m.completed_at, via: m.via });
        bySnapshot.set(Number(m.snapshot_id), list);
      }
    }
    for (const r of rows) {
      result.set(keyBySnapshot ? String(r.id) : r.learner_id, {
        learnerId: r.learner_id,
        percent: Number(r.percent),
        doneCount: Number(r.done_count),
        moduleCount: Number(r.module_count),
        modules: bySnapshot.get(Number(r.id)) ?? [],
        lastActivityAt: r.last_activity_at,
        stalled: Number(r.stalled) === 1,
        snapshotAt: r.taken_at,
      });
    }
    return result;
  }
}
