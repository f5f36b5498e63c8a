import type { MoodleBatchResult, MoodleClient } from '../moodle/index.js';
import { courseModuleResponseSchema, MoodleInvalidResponseError } from '../moodle/index.js';
import type { Kysely } from 'kysely';
import { chunks } from '../store/chunks.js';
import { tables, type StoreDb } from '../store/database.js';
import type { Migration } from '../store/migrations.js';

interface CatalogTables {
  progress_activity_cache: {
    course_id: number;
    cmid: number;
    idnumber: string | null;
    /** 0 none, 1 manual, 2 automatic (core_course_get_contents' modules[].completion) */
    completion: number;
    name: string;
    /** Moodle's module type (quiz, page, assign...); null in rows cached before it was kept. */
    modname: string | null;
    /** ms since the epoch */
    fetched_at: number;
  };
}

export const activityCatalogMigrations: Migration[] = [
  {
    id: 'progress/004-activity-cache',
    async up(db) {
      await db.schema
        .createTable('progress_activity_cache')
        .addColumn('course_id', 'bigint', (c) => c.notNull())
        .addColumn('cmid', 'bigint', (c) => c.notNull())
        .addColumn('idnumber', 'text')
        .addColumn('completion', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('fetched_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('progress_activity_cache_pk', ['course_id', 'cmid'])
        .execute();
    },
  },
  {
    // The learner pages link a module's quiz activity (mod/quiz/view.php), so the type is kept too.
    id: 'progress/005-activity-cache-modname',
    async up(db) {
      await db.schema.alterTable('progress_activity_cache').addColumn('modname', 'text').execute();
      // A cache: emptied, so the next read fetches every activity with its type.
      await db.deleteFrom('progress_activity_cache').execute();
    },
  },
];

/** One activity of the course: what the tracker needs to map it and to write completion. */
export interface CourseActivity {
  cmid: number;
  idnumber: string | null;
  /** 0 none, 1 manual (the learner may mark it), 2 automatic. */
  completion: number;
  name: string;
  /** Moodle's module type (quiz, page, assign...), from core_course_get_contents; null when not known. */
  modname: string | null;
}

function toActivity(r: { cmid: number; idnumber: string | null; completion: number; name: string; modname: string | null }): CourseActivity {
  return { cmid: Number(r.cmid), idnumber: r.idnumber, completion: Number(r.completion), name: r.name, modname: r.modname };
}

/** The Moodle calls the catalog makes. */
export type CatalogMoodle = Pick<MoodleClient, 'getCourseContents' | 'callEach'>;

/**
 * The course's activities (cmid, idnumber, completion mode), cached in the store for a TTL.
 * core_course_get_contents gives cmids and completion modes but never idnumbers, so a refresh
 * is one contents call plus one batched core_course_get_course_module lookup.
 */
export class ActivityCatalog {
  readonly #db: Kysely<CatalogTables>;

  constructor(
    store: StoreDb,
    private readonly moodle: CatalogMoodle,
    private readonly courseId: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#db = tables<CatalogTables>(store);
  }

  /** What the cache holds, however old, without asking Moodle (empty before the first read). */
  async cached(): Promise<CourseActivity[]> {
    const rows = await this.#db.selectFrom('progress_activity_cache').select(['cmid', 'idnumber', 'completion', 'name', 'modname']).where('course_id', '=', this.courseId).orderBy('cmid').execute();
    return rows.map(toActivity);
  }

  /** The cached activities while fresh, else refetched from Moodle. */
  async activities(): Promise<CourseActivity[]> {
    return (await this.read()).activities;
  }

  /** The same, saying whether they came from the cache (a sync then checks them against Moodle's completion data). */
  async read(): Promise<{ activities: CourseActivity[]; fromCache: boolean }> {
    const rows = await this.#db
      .selectFrom('progress_activity_cache')
      .select(['cmid', 'idnumber', 'completion', 'name', 'modname', 'fetched_at'])
      .where('course_id', '=', this.courseId)
      .orderBy('cmid')
      .execute();
    const fresh = rows.length > 0 && rows.every((r) => this.now() - Number(r.fetched_at) < this.ttlMs);
    if (fresh) return { activities: rows.map(toActivity), fromCache: true };
    return { activities: await this.refresh(), fromCache: false };
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
      return { cmid, idnumber: (lookup?.ok ? lookup.data.cm.idnumber : '') || null, completion: module?.completion ?? 0, name: module?.name ?? '', modname: module?.modname ?? null };
    });
    const at = this.now();
    await this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('progress_activity_cache').where('course_id', '=', this.courseId).execute();
      for (const chunk of chunks(activities, 200)) {
        await trx
          .insertInto('progress_activity_cache')
          .values(chunk.map((a) => ({ course_id: this.courseId, cmid: a.cmid, idnumber: a.idnumber, completion: a.completion, name: a.name, modname: a.modname, fetched_at: at })))
          .execute();
      }
    });
    return activities;
  }

  /** Forgets the cache (e.g. after the course was reorganised). */
  async invalidate(): Promise<void> {
    await this.#db.deleteFrom('progress_activity_cache').where('course_id', '=', this.courseId).execute();
  }
}

export { MANUAL_COMPLETION, mapModulesToCmids } from './activity-match.js';
