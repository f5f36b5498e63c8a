import type { CurriculumModule } from '../curriculum/schema.js';
import type { MoodleBatchResult, MoodleClient } from '../moodle/index.js';
import { courseModuleResponseSchema, MoodleInvalidResponseError } from '../moodle/index.js';
import { migrate, type Store } from '../store/db.js';

const MIGRATIONS = [
  {
    id: 'progress/004-activity-cache',
    sql: `CREATE TABLE progress_activity_cache (
      course_id INTEGER NOT NULL,
      cmid INTEGER NOT NULL,
      idnumber TEXT,
      -- 0 none, 1 manual, 2 automatic (core_course_get_contents' modules[].completion)
      completion INTEGER NOT NULL,
      name TEXT NOT NULL,
      fetched_at INTEGER NOT NULL,
      PRIMARY KEY (course_id, cmid)
    );`,
  },
];

/** One activity of the course: what the tracker needs to map it and to write completion. */
export interface CourseActivity {
  cmid: number;
  idnumber: string | null;
  /** 0 none, 1 manual (the learner may mark it), 2 automatic. */
  completion: number;
  name: string;
}

/** Moodle completion mode that lets a learner mark an activity done. */
export const MANUAL_COMPLETION = 1;

/** The Moodle calls the catalog makes. */
export type CatalogMoodle = Pick<MoodleClient, 'getCourseContents' | 'callEach'>;

/**
 * The course's activities (cmid, idnumber, completion mode), cached in the store for a TTL.
 * core_course_get_contents gives cmids and completion modes but never idnumbers, so a refresh
 * is one contents call plus one batched core_course_get_course_module lookup.
 */
export class ActivityCatalog {
  constructor(
    private readonly db: Store,
    private readonly moodle: CatalogMoodle,
    private readonly courseId: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    migrate(db, MIGRATIONS);
  }

  /** The cached activities while fresh, else refetched from Moodle. */
  async activities(): Promise<CourseActivity[]> {
    const rows = this.db
      .prepare('SELECT cmid, idnumber, completion, name, fetched_at FROM progress_activity_cache WHERE course_id = ? ORDER BY cmid')
      .all(this.courseId) as Array<CourseActivity & { fetched_at: number }>;
    const fresh = rows.length > 0 && rows.every((r) => this.now() - r.fetched_at < this.ttlMs);
    if (fresh) return rows.map(({ fetched_at: _, ...a }) => a);
    return this.refresh();
  }

  /** Refetches from Moodle and replaces the cache. Throws the first failed lookup (no silent holes). */
  async refresh(): Promise<CourseActivity[]> {
    const sections = await this.moodle.getCourseContents(this.courseId);
    const modules = new Map(sections.flatMap((s) => s.modules.map((m) => [m.id, m] as const)));
    const cmids = [...modules.keys()];
    const lookups: Array<MoodleBatchResult<{ cm: { id: number; idnumber: string } }>> = await this.moodle.callEach(
      'core_course_get_course_module',
      cmids.map((cmid) => ({ cmid })),
      courseModuleResponseSchema,
    );
    const activities: CourseActivity[] = cmids.map((cmid, i) => {
      const lookup = lookups[i];
      // An activity whose answer Pollen cannot read (logged at warn by the client) keeps no idnumber.
      const unreadable = lookup && !lookup.ok && lookup.error instanceof MoodleInvalidResponseError;
      if (!lookup?.ok && !unreadable) throw lookup?.error ?? new Error(`No answer for cmid ${cmid}`);
      const module = modules.get(cmid);
      return { cmid, idnumber: (lookup?.ok ? lookup.data.cm.idnumber : '') || null, completion: module?.completion ?? 0, name: module?.name ?? '' };
    });
    const at = this.now();
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM progress_activity_cache WHERE course_id = ?').run(this.courseId);
      const insert = this.db.prepare(
        'INSERT INTO progress_activity_cache (course_id, cmid, idnumber, completion, name, fetched_at) VALUES (?, ?, ?, ?, ?, ?)',
      );
      for (const a of activities) insert.run(this.courseId, a.cmid, a.idnumber, a.completion, a.name, at);
    })();
    return activities;
  }

  /** Forgets the cache (e.g. after the course was reorganised). */
  invalidate(): void {
    this.db.prepare('DELETE FROM progress_activity_cache WHERE course_id = ?').run(this.courseId);
  }
}

/**
 * slug -> cmid for the curriculum: the operator's MOODLE_ACTIVITY_MAP first, then the module's
 * own `moodle.cmid`, then its `moodle.idnumber` (= its slug) looked up among the activities.
 */
export function mapModulesToCmids(
  modules: readonly CurriculumModule[],
  activities: readonly CourseActivity[],
  overrides: ReadonlyMap<string, number>,
): Map<string, number> {
  const byIdnumber = new Map(activities.filter((a) => a.idnumber).map((a) => [a.idnumber as string, a.cmid]));
  const result = new Map<string, number>();
  for (const module of modules) {
    const cmid =
      overrides.get(module.slug) ?? module.moodle.cmid ?? (module.moodle.idnumber ? byIdnumber.get(module.moodle.idnumber) : undefined);
    if (cmid !== undefined) result.set(module.slug, cmid);
  }
  return result;
}
