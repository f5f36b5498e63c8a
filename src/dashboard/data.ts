/**
 * What the dashboard shows, gathered from the progress store, the wiki and the notes queue, and
 * shaped for the views. Read-only: nothing here writes to a store or an upstream.
 */
import type { ActivityMatch } from '../progress/activity-match.js';
import type { CurriculumModule } from '../curriculum/schema.js';
import { wikiPageUrl as pageUrl } from '../wiki/urls.js';
import type { NoteState, QueueEntry } from '../notes/queue.js';
import type { ModuleState } from '../progress/model.js';
import type { CohortLearner, CohortSummary } from '../progress/service.js';
import type { CohortPage } from './cohort-view.js';
import { percentOf } from '../web/format.js';

/** The notes queue's read API (NoteQueue.list / listQueue satisfy it). */
export interface NotesQueueReader {
  list(opts?: { limit?: number; states?: readonly NoteState[] }): Promise<{ entries: QueueEntry[]; counts: Record<NoteState, number>; total: number }>;
  /** Published notes naming a person (the learner page); a reader without it shows no such section. */
  mentioning?(name: string, opts?: { limit?: number }): Promise<QueueEntry[]>;
}

/** A recent wiki change as the wiki layer reports it. */
export interface RecentChangeInput {
  title: string;
  type: string;
  user: string;
  timestamp: string;
  comment: string;
  bot: boolean;
  revid?: number | undefined;
}

/** The wiki's read API the dashboard needs (WikiClient satisfies it). */
export interface RecentChangesReader {
  readonly apiUrl: string;
  recentChanges(limit?: number): Promise<RecentChangeInput[]>;
}

export interface DashboardSources {
  /** The whole cohort (shaped here), or its part already read page by page from the store (cohort-data.ts). */
  cohort: () => Promise<CohortSummary | CohortPart> | CohortSummary | CohortPart;
  curriculum: readonly CurriculumModule[];
  wiki?: RecentChangesReader | undefined;
  notes?: NotesQueueReader | undefined;
  /** How many wiki changes and queue entries to show. Default 15 and 10. */
  wikiLimit?: number;
  notesLimit?: number;
  /** A wiki slower than this is reported as unreachable. Default 5 s. */
  wikiTimeoutMs?: number;
  /** The wiki's section already asked for (readWikiChanges), e.g. before the page's turn; else read here. */
  wikiSection?: Promise<Section<WikiChangeRow[]>> | undefined;
  now?: () => Date;
  /** What matches nothing between the Moodle course and the curriculum (undefined: no Moodle, or not synced yet). */
  moodleMatch?: (() => Promise<ActivityMatch | undefined>) | undefined;
}

export interface ModuleColumn {
  slug: string;
  order: number;
  title: string;
  completedCount: number;
  learnerCount: number;
  /** Whole percent of the cohort that completed the module. */
  percent: number;
}

export interface LearnerRow {
  id: string;
  name: string;
  username: string;
  percent: number;
  doneCount: number;
  /** One state per module column, in the same order. */
  states: ModuleState[];
  /** The completion time of each module column (null when not done). */
  completedAt: Array<string | null>;
  lastActivityAt: string | null;
  stalled: boolean;
}

export interface StalledLearner {
  name: string;
  percent: number;
  daysSinceActivity: number;
  lastActivityAt: string | null;
  /** Title of the last module done (latest completion), null when none. */
  lastModuleTitle: string | null;
}

export interface WikiChangeRow {
  title: string;
  url: string;
  user: string;
  timestamp: string;
  comment: string;
  bot: boolean;
  isNew: boolean;
}

export type Section<T> = { ok: true; value: T } | { ok: false; message: string };

export interface NotesView {
  counts: Record<NoteState, number>;
  total: number;
  latest: QueueEntry[];
  conflicts: QueueEntry[];
}

export interface DashboardData {
  generatedAt: string;
  snapshotAt: string | null;
  stalledAfterDays: number;
  modules: ModuleColumn[];
  /** The grid's rows: the whole cohort (in memory), or only the page shown (`grid` set). */
  learners: LearnerRow[];
  /** Learners followed, over all pages. */
  learnerCount: number;
  /** The grid's page when read page by page from the store; unset: paged from `learners`. */
  grid?: CohortPage | undefined;
  /** The stalled table's rows (one page) and where that page sits. */
  stalled: StalledLearner[];
  stalledView: { page: number; pages: number; total: number };
  /** Mean of the learners' percents, 0 for an empty cohort. */
  averagePercent: number;
  wiki: Section<WikiChangeRow[]>;
  notes: Section<NotesView>;
  /** Moodle activities that match no module, modules with no activity (Moodle mode, after a sync). */
  moodleMatch?: { unmatchedActivities: Array<{ cmid: number; idnumber: string; name: string }>; modulesWithoutActivity: Array<{ order: number; title: string }> } | undefined;
}

/** The grid's module columns, in the order given; completion counts when given (0 otherwise). */
export function moduleColumns(slugs: ReadonlyArray<{ slug: string; completedCount?: number; learnerCount?: number }>, curriculum: readonly CurriculumModule[]): ModuleColumn[] {
  const bySlug = new Map(curriculum.map((m) => [m.slug, m]));
  return slugs.map((m, i) => {
    const module = bySlug.get(m.slug);
    const completedCount = m.completedCount ?? 0;
    const learnerCount = m.learnerCount ?? 0;
    return {
      slug: m.slug,
      order: module?.order ?? i + 1,
      title: module?.title ?? m.slug,
      completedCount,
      learnerCount,
      percent: percentOf(completedCount, learnerCount),
    };
  });
}

/** One learner's row of the grid (and of the exports). */
export function learnerRow(row: CohortLearner, modules: readonly ModuleColumn[]): LearnerRow {
  const bySlugProgress = new Map(row.progress.modules.map((p) => [p.slug, p]));
  return {
    id: row.learner.id,
    name: row.learner.displayName,
    username: row.learner.username,
    percent: row.progress.percent,
    doneCount: row.progress.doneCount,
    states: modules.map((m) => bySlugProgress.get(m.slug)?.state ?? 'not_started'),
    completedAt: modules.map((m) => (bySlugProgress.get(m.slug)?.state === 'done' ? (bySlugProgress.get(m.slug)?.completedAt ?? null) : null)),
    lastActivityAt: row.progress.lastActivityAt,
    stalled: row.stalled,
  };
}

/** The stalled table's row for a learner. */
export function stalledRow(row: CohortLearner, curriculum: readonly CurriculumModule[]): StalledLearner {
  const last = row.progress.modules
    .filter((p) => p.state === 'done' && p.completedAt)
    .sort((a, b) => (a.completedAt ?? '').localeCompare(b.completedAt ?? ''))
    .at(-1);
  return {
    name: row.learner.displayName,
    percent: row.progress.percent,
    daysSinceActivity: row.daysSinceActivity,
    lastActivityAt: row.progress.lastActivityAt,
    lastModuleTitle: last ? (curriculum.find((m) => m.slug === last.slug)?.title ?? last.slug) : null,
  };
}

/** The cohort part of the dashboard's data. */
export type CohortPart = Pick<
  DashboardData, 'snapshotAt' | 'stalledAfterDays' | 'modules' | 'learners' | 'learnerCount' | 'stalled' | 'stalledView' | 'averagePercent' | 'grid'
>;

/** Shapes a whole cohort summary (in memory) for the heatmap, the bar chart and the stalled table. */
export function assembleCohort(cohort: CohortSummary, curriculum: readonly CurriculumModule[]): CohortPart {
  const modules = moduleColumns(cohort.modules, curriculum);
  const learners: LearnerRow[] = cohort.learners.map((row) => learnerRow(row, modules));
  const stalled: StalledLearner[] = cohort.stalled.map((row) => stalledRow(row, curriculum));
  // The cohort's modules done over the modules it could have done: the same rounding rule.
  const averagePercent = percentOf(learners.reduce((sum, l) => sum + l.doneCount, 0), learners.length * modules.length);
  return {
    snapshotAt: cohort.snapshotAt, stalledAfterDays: cohort.stalledAfterDays, modules, learners, learnerCount: learners.length,
    stalled, stalledView: { page: 1, pages: 1, total: stalled.length }, averagePercent,
  };
}

/** Recent changes with their page links. */
export function assembleWikiChanges(apiUrl: string, changes: readonly RecentChangeInput[]): WikiChangeRow[] {
  return changes.map((c) => ({
    title: c.title,
    url: pageUrl(apiUrl, c.title),
    user: c.user,
    timestamp: c.timestamp,
    comment: c.comment,
    bot: c.bot,
    isNew: c.type === 'new',
  }));
}

/** The wiki's recent changes for the page, within `wikiTimeoutMs` (5 s): a failure only blanks that section. */
export async function readWikiChanges(sources: Pick<DashboardSources, 'wiki' | 'wikiTimeoutMs' | 'wikiLimit'>): Promise<Section<WikiChangeRow[]>> {
  const wiki = sources.wiki;
  if (!wiki) return { ok: false, message: 'Aucun wiki n’est relié à ce tableau de bord.' };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), sources.wikiTimeoutMs ?? 5000);
  });
  try {
    const changes = await Promise.race([wiki.recentChanges(sources.wikiLimit ?? 15), timeout]);
    return { ok: true, value: assembleWikiChanges(wiki.apiUrl, changes) };
  } catch {
    return {
      ok: false,
      message: 'Le wiki ne répond pas pour le moment : les modifications récentes ne peuvent pas être affichées. Le reste du tableau de bord est à jour ; rechargez la page dans quelques minutes.',
    };
  } finally {
    clearTimeout(timer);
  }
}

async function readNotes(sources: DashboardSources): Promise<Section<NotesView>> {
  if (!sources.notes) return { ok: false, message: 'La file des notes n’est pas reliée à ce tableau de bord.' };
  try {
    const { entries, counts, total } = await sources.notes.list({ limit: sources.notesLimit ?? 10 });
    const conflicts = counts.conflict > 0 ? (await sources.notes.list({ limit: 20, states: ['conflict'] })).entries : [];
    return { ok: true, value: { counts, total, latest: entries, conflicts } };
  } catch {
    return { ok: false, message: 'La file des notes n’a pas pu être lue dans la base locale.' };
  }
}

/** Everything the page shows; the wiki is read with a timeout, and its failure only blanks its section. */
export async function loadDashboard(sources: DashboardSources): Promise<DashboardData> {
  const now = (sources.now ?? (() => new Date()))();
  const wiki = sources.wikiSection ?? readWikiChanges(sources);
  const read = await sources.cohort();
  const cohort = 'learnerCount' in read ? read : assembleCohort(read, sources.curriculum);
  const match = await sources.moodleMatch?.().catch(() => undefined);
  const bySlug = new Map(sources.curriculum.map((m) => [m.slug, m]));
  const moodleMatch = match && {
    unmatchedActivities: match.unmatchedActivities.map((a) => ({ cmid: a.cmid, idnumber: a.idnumber ?? '', name: a.name })),
    modulesWithoutActivity: match.modulesWithoutActivity.map((slug) => ({ order: bySlug.get(slug)?.order ?? 0, title: bySlug.get(slug)?.title ?? slug })),
  };
  return { generatedAt: now.toISOString(), ...cohort, wiki: await wiki, notes: await readNotes(sources), moodleMatch };
}
