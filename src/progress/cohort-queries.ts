/**
 * The cohort read side in SQL, for the dashboard at a national network's size: figures as
 * aggregates, and one page of rows at a time (a few queries whatever the cohort's size), over
 * each active learner's latest snapshot. Nothing here writes.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { readChangeVersion } from '../store/changes.js';
import type { StoreDb } from '../store/database.js';
import type { Learner } from './learners.js';
import type { CompletionVia, LearnerProgress, ModuleProgress, ModuleState } from './model.js';

/** The cohort's figures, from aggregates over the latest snapshots. */
export interface CohortFigures {
  /** Active learners with a snapshot. */
  learners: number;
  /** Modules done, summed over those learners. */
  modulesDone: number;
  stalled: number;
  /** Latest snapshot time; null before the first sync. */
  snapshotAt: string | null;
  /** slug -> learners who have the module done. */
  completedBySlug: Map<string, number>;
}

/** A state filter of the grid: overall (`slug` unset) or on one module. */
export interface CohortRowFilter {
  state?: 'done' | 'in_progress' | 'stalled' | 'failed' | 'not_started' | undefined;
  /** The module the state is about; unset: the learner's overall state. */
  slug?: string | undefined;
  /** Last activity on or after this ISO time. */
  activeSince?: string | undefined;
}

export interface CohortRow {
  learner: Learner;
  progress: LearnerProgress;
}

export interface CohortRowPage {
  rows: CohortRow[];
  /** Rows matching over all pages. */
  total: number;
  /** The page given, brought within 1..pages. */
  page: number;
  pages: number;
}

interface JoinedRow {
  snapshot_id: number;
  learner_id: string;
  taken_at: string;
  percent: number;
  done_count: number;
  module_count: number;
  last_activity_at: string | null;
  stalled: number;
  source: 'moodle' | 'local';
  moodle_user_id: number | null;
  username: string;
  display_name: string;
  wiki_user: string | null;
  active: number;
  first_seen_at: string;
}

/** Each active learner's latest snapshot `s`, with the learner `l`. */
const LATEST = sql`progress_snapshots s
  JOIN (SELECT learner_id, MAX(id) AS id FROM progress_snapshots GROUP BY learner_id) latest ON latest.id = s.id
  JOIN progress_learners l ON l.id = s.learner_id AND l.active = 1`;

const ROW_COLUMNS = sql`s.id AS snapshot_id, s.learner_id, s.taken_at, s.percent, s.done_count, s.module_count, s.last_activity_at, s.stalled,
  l.source, l.moodle_user_id, l.username, l.display_name, l.wiki_user, l.active, l.first_seen_at`;

function pageOf(page: number, total: number, size: number): { page: number; pages: number; offset: number } {
  const pages = Math.max(1, Math.ceil(total / size));
  const clamped = Math.min(Math.max(1, Math.floor(page)), pages);
  return { page: clamped, pages, offset: (clamped - 1) * size };
}

/** A cursor of the cohort's connection: where a page ended in display order. */
export interface CohortCursor {
  sortKey: string;
  id: string;
}

export function encodeCohortCursor(c: CohortCursor): string {
  return Buffer.from(JSON.stringify([c.sortKey, c.id])).toString('base64url');
}

/** The cursor, or undefined when it is not one of ours. */
export function decodeCohortCursor(text: string): CohortCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') return { sortKey: value[0], id: value[1] };
  } catch {
    /* not ours */
  }
  return undefined;
}

/** Pages of rows kept at most (each about 50 learners with their modules, tens of KB). */
const KEPT_PAGES = 32;

export class CohortQueries {
  readonly #store: StoreDb;
  readonly #db: Kysely<unknown>;
  /** Figures and pages read, each with the progress version it was read at (see #kept). */
  readonly #reads = new Map<string, { version: number; value: unknown }>();

  constructor(store: StoreDb) {
    this.#store = store;
    // The dashboard's heavy reads, off the event loop on a SQLite file (src/store/sqlite-reader.ts).
    this.#db = store.reader as Kysely<unknown>;
  }

  /**
   * The cohort's heavy reads one at a time per process, in turn: four facilitators reloading the
   * dashboard must not take every core of the store's server (PostgreSQL on the same machine)
   * from the public pages. On SQLite the worker-thread connection already reads in turn.
   */
  #turn: Promise<unknown> = Promise.resolve();

  #inTurn<T>(read: () => Promise<T>): Promise<T> {
    const result = this.#turn.then(read, read);
    this.#turn = result.catch(() => undefined);
    return result;
  }

  /**
   * `read()`'s answer, kept until the store's `progress` change marker moves (src/store/changes.ts:
   * triggers raise it with every write of a learner or a snapshot, whoever writes, on any
   * replica): reloading the dashboard between two syncs costs one read of that marker. The
   * version is read before the rows, so a write landing in between only makes the next request
   * read again. Callers must not change what they get: the same objects are handed out again.
   */
  async #kept<T>(key: string, read: () => Promise<T>): Promise<T> {
    const version = await readChangeVersion(this.#store, 'progress');
    if (version === undefined) return this.#inTurn(read);
    const hit = this.#reads.get(key);
    if (hit && hit.version === version) {
      // Most recently used last: the first key is the one to drop.
      this.#reads.delete(key);
      this.#reads.set(key, hit);
      return hit.value as T;
    }
    const value = await this.#inTurn(read);
    this.#reads.delete(key);
    this.#reads.set(key, { version, value });
    if (this.#reads.size > KEPT_PAGES) this.#reads.delete(this.#reads.keys().next().value!);
    return value;
  }

  /**
   * Learner count, modules done, stalled count and the latest snapshot time; completions per
   * module (about 0.1 s at 10,000 learners on SQLite): read again only once the cohort changed.
   */
  figures(): Promise<CohortFigures> {
    return this.#kept('figures', () => this.#readFigures());
  }

  async #readFigures(): Promise<CohortFigures> {
    const totals = await sql<{ learners: number; done: number | null; stalled: number | null; snapshot_at: string | null }>`
      SELECT COUNT(*) AS learners, SUM(s.done_count) AS done, SUM(s.stalled) AS stalled, MAX(s.taken_at) AS snapshot_at FROM ${LATEST}`.execute(this.#db);
    const bySlug = await sql<{ slug: string; n: number }>`
      SELECT m.slug, COUNT(*) AS n FROM ${LATEST} JOIN progress_snapshot_modules m ON m.snapshot_id = s.id
      WHERE m.state = 'done' GROUP BY m.slug`.execute(this.#db);
    const t = totals.rows[0];
    return {
      learners: Number(t?.learners ?? 0),
      modulesDone: Number(t?.done ?? 0),
      stalled: Number(t?.stalled ?? 0),
      snapshotAt: t?.snapshot_at ?? null,
      completedBySlug: new Map(bySlug.rows.map((r) => [r.slug, Number(r.n)])),
    };
  }

  /** Stalled learners, those without progress the longest first, one page: three queries. */
  async stalledPage(page: number, size: number): Promise<CohortRowPage> {
    return this.#kept(`stalled:${page}:${size}`, () => this.#page(sql`s.stalled = 1`, sql`COALESCE(s.last_activity_at, l.first_seen_at), lower(l.display_name), l.id`, page, size));
  }

  /** Learners in display order matching `filter`, one page: three queries. */
  async rowsPage(filter: CohortRowFilter, page: number, size: number): Promise<CohortRowPage> {
    const key = `rows:${JSON.stringify([filter.state ?? null, filter.slug ?? null, filter.activeSince ?? null])}:${page}:${size}`;
    return this.#kept(key, () => this.#page(whereOf(filter), sql`lower(l.display_name), l.id`, page, size));
  }

  /**
   * Up to `limit` learners in display order after the cursor `after` (keyset on the store's own
   * lowercased name and the id): two queries. `sortKey` goes back into the next cursor.
   */
  async rowsAfter(limit: number, after?: CohortCursor): Promise<Array<CohortRow & { sortKey: string }>> {
    const where = after
      ? sql`(lower(l.display_name) > ${after.sortKey} OR (lower(l.display_name) = ${after.sortKey} AND l.id > ${after.id}))`
      : sql`1 = 1`;
    const found = await sql<JoinedRow & { sort_key: string }>`SELECT ${ROW_COLUMNS}, lower(l.display_name) AS sort_key FROM ${LATEST}
      WHERE ${where} ORDER BY lower(l.display_name), l.id LIMIT ${limit}`.execute(this.#db);
    const rows = await this.#withModules(found.rows);
    return rows.map((row, i) => ({ ...row, sortKey: found.rows[i]!.sort_key }));
  }

  /** One active learner and their latest snapshot, by id: two queries. */
  async row(learnerId: string): Promise<CohortRow | undefined> {
    const found = await sql<JoinedRow>`SELECT ${ROW_COLUMNS} FROM ${LATEST} WHERE s.learner_id = ${learnerId}`.execute(this.#db);
    return (await this.#withModules(found.rows))[0];
  }

  async #page(where: RawBuilder<unknown>, orderBy: RawBuilder<unknown>, page: number, size: number): Promise<CohortRowPage> {
    const count = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM ${LATEST} WHERE ${where}`.execute(this.#db);
    const total = Number(count.rows[0]?.n ?? 0);
    const at = pageOf(page, total, size);
    const found = total === 0
      ? []
      : (await sql<JoinedRow>`SELECT ${ROW_COLUMNS} FROM ${LATEST} WHERE ${where} ORDER BY ${orderBy} LIMIT ${size} OFFSET ${at.offset}`.execute(this.#db)).rows;
    return { rows: await this.#withModules(found), total, page: at.page, pages: at.pages };
  }

  async #withModules(rows: JoinedRow[]): Promise<CohortRow[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => Number(r.snapshot_id));
    const modules = await sql<{ snapshot_id: number; slug: string; state: ModuleState; completed_at: string | null; via: CompletionVia | null }>`
      SELECT snapshot_id, slug, state, completed_at, via FROM progress_snapshot_modules
      WHERE snapshot_id IN (${sql.join(ids)}) ORDER BY snapshot_id, position`.execute(this.#db);
    const bySnapshot = new Map<number, ModuleProgress[]>();
    for (const m of modules.rows) {
      const list = bySnapshot.get(Number(m.snapshot_id)) ?? [];
      list.push({ slug: m.slug, state: m.state, completedAt: m.completed_at, via: m.via });
      bySnapshot.set(Number(m.snapshot_id), list);
    }
    return rows.map((r) => ({
      learner: {
        id: r.learner_id,
        source: r.source,
        moodleUserId: r.moodle_user_id === null ? null : Number(r.moodle_user_id),
        username: r.username,
        displayName: r.display_name,
        wikiUser: r.wiki_user,
        active: Number(r.active) === 1,
        firstSeenAt: r.first_seen_at,
      },
      progress: {
        learnerId: r.learner_id,
        percent: Number(r.percent),
        doneCount: Number(r.done_count),
        moduleCount: Number(r.module_count),
        modules: bySnapshot.get(Number(r.snapshot_id)) ?? [],
        lastActivityAt: r.last_activity_at,
        stalled: Number(r.stalled) === 1,
        snapshotAt: r.taken_at,
      },
    }));
  }
}

/** The grid's state filters in SQL (the same rules as the dashboard's in-memory filter). */
function whereOf(filter: CohortRowFilter): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`1 = 1`];
  const moduleIs = (states: string[]) =>
    sql`EXISTS (SELECT 1 FROM progress_snapshot_modules m WHERE m.snapshot_id = s.id AND m.slug = ${filter.slug} AND m.state IN (${sql.join(states)}))`;
  if (filter.state && filter.slug) {
    if (filter.state === 'done') parts.push(moduleIs(['done']));
    else if (filter.state === 'failed') parts.push(moduleIs(['failed']));
    else if (filter.state === 'stalled') parts.push(sql`s.stalled = 1 AND NOT ${moduleIs(['done'])}`);
    // Not started and in progress are one state for a single module: not done, not failed.
    else parts.push(sql`NOT ${moduleIs(['done', 'failed', 'outside_moodle'])}`);
  } else if (filter.state === 'done') parts.push(sql`s.percent = 100`);
  else if (filter.state === 'stalled') parts.push(sql`s.stalled = 1`);
  else if (filter.state === 'failed') parts.push(sql`EXISTS (SELECT 1 FROM progress_snapshot_modules m WHERE m.snapshot_id = s.id AND m.state = 'failed')`);
  else if (filter.state === 'not_started') parts.push(sql`s.done_count = 0`);
  else if (filter.state === 'in_progress') parts.push(sql`s.done_count > 0 AND s.percent < 100`);
  if (filter.activeSince) parts.push(sql`s.last_activity_at IS NOT NULL AND s.last_activity_at >= ${filter.activeSince}`);
  return sql.join(parts, sql` AND `);
}
