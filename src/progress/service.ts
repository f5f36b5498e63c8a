import { MoodleAuthError, MoodleClient, MoodleError, MoodleUnavailableError } from '../moodle/index.js';
import { manualActivityOf, matchActivities, type ActivityMatch } from './activity-match.js';
import { encodeCohortCursor, type CohortCursor, type CohortFigures, type CohortRowFilter, type CohortRowPage } from './cohort-queries.js';
import { daysSince } from './compute.js';
import { ProgressError } from './errors.js';
import type { Learner, LearnerCursor } from './learners.js';
import type { LearnerProgress, SyncReport } from './model.js';
import type { ProgressTracker } from './tracker.js';

/** One learner as a facilitator sees them. */
export interface CohortLearner {
  learner: Learner;
  progress: LearnerProgress;
  stalled: boolean;
  /** Whole days since the last progress (or since first seen when nothing is done). */
  daysSinceActivity: number;
}

/** A learner whose enrolment in the Moodle course is suspended: shown apart, never in the cohort. */
export interface SuspendedLearner {
  moodleUserId: number;
  username: string;
  displayName: string;
}

/** Completion of one curriculum module across the cohort. */
export interface ModuleCompletion {
  slug: string;
  completedCount: number;
  learnerCount: number;
}

/** The cohort as of the latest snapshots: what `cohort` and the dashboard show. */
export interface CohortSummary {
  /** Latest snapshot time among the learners; null before the first sync. */
  snapshotAt: string | null;
  stalledAfterDays: number;
  /** Active learners, by display name. */
  learners: CohortLearner[];
  stalled: CohortLearner[];
  /** In curriculum order. */
  modules: ModuleCompletion[];
}

/** One page of cohort learners, and where it sits among all pages. */
export interface CohortLearnerPage {
  rows: CohortLearner[];
  total: number;
  page: number;
  pages: number;
}

/** Writes a learner's own completion with their own Moodle token. */
export type LearnerMoodleFactory = (learnerToken: string) => Pick<MoodleClient, 'updateActivityCompletionManually'>;

/**
 * The progress API the gateway and the dashboard read: latest snapshots, the cohort summary,
 * and the learner's own markModuleDone.
 */
export class ProgressService {
  constructor(
    readonly tracker: ProgressTracker,
    private readonly learnerMoodle?: LearnerMoodleFactory,
  ) {}

  /** Learners whose enrolment is suspended in Moodle (left out of the cohort), read from Moodle now; none without Moodle. */
  suspendedLearners(): Promise<SuspendedLearner[]> {
    return this.tracker.suspendedLearners();
  }

  /**
   * What matches nothing between the course (as last read by a sync, from the store: no Moodle
   * call) and the curriculum; undefined without Moodle or before the first sync.
   */
  async activityMatch(): Promise<ActivityMatch | undefined> {
    const activities = await this.tracker.catalog?.cached();
    if (!activities || activities.length === 0) return undefined;
    return matchActivities(this.tracker.curriculum, activities, this.tracker.activityMap);
  }

  /** Runs a full sync (admin). */
  sync(): Promise<SyncReport> {
    return this.tracker.sync();
  }

  /** Latest progress of one learner; computed (and snapshotted) now if they have none yet. */
  async learnerProgress(learnerId: string): Promise<LearnerProgress> {
    return (await this.learnersProgress([learnerId])).get(learnerId) ?? this.tracker.refreshLearner(learnerId);
  }

  /** Latest snapshots of many learners in one store read (the DataLoader's batch function). */
  async learnersProgress(ids: readonly string[]): Promise<Map<string, LearnerProgress>> {
    return this.tracker.snapshots.latest(ids);
  }

  /** A learner's dated snapshots, newest first (the dashboard's progress over time). */
  learnerHistory(learnerId: string, limit = 30): Promise<LearnerProgress[]> {
    return this.tracker.snapshots.history(learnerId, limit);
  }

  /** The configured wiki account overrides (POLLEN_WIKI_USER_MAP), for links to a learner's contributions. */
  get wikiUserMap(): ReadonlyMap<string, string> {
    return this.tracker.wikiUserMap;
  }

  /** The cohort from the latest snapshots: two store queries whatever the cohort's size. */
  async cohortSummary(): Promise<CohortSummary> {
    const now = this.tracker.now();
    const learners = await this.tracker.learners.list();
    const latest = await this.tracker.snapshots.latest(learners.map((l) => l.id));
    const rows: CohortLearner[] = [];
    for (const learner of learners) {
      const progress = latest.get(learner.id);
      if (!progress) continue;
      rows.push(cohortLearner(learner, progress, now));
    }
    const modules = this.tracker.curriculum.map((m) => ({
      slug: m.slug,
      completedCount: rows.filter((r) => r.progress.modules.some((p) => p.slug === m.slug && p.state === 'done')).length,
      learnerCount: rows.length,
    }));
    const snapshotAt = rows.map((r) => r.progress.snapshotAt).sort().at(-1) ?? null;
    return {
      snapshotAt,
      stalledAfterDays: this.tracker.stalledAfterDays,
      learners: rows,
      stalled: rows.filter((r) => r.stalled).sort((a, b) => b.daysSinceActivity - a.daysSinceActivity),
      modules,
    };
  }

  /** The cohort's figures (counts, modules done, completions per module) from SQL aggregates. */
  cohortFigures(): Promise<CohortFigures> {
    return this.tracker.cohort.figures();
  }

  /** One page of the stalled learners, those without progress the longest first. */
  async stalledPage(page: number, pageSize: number): Promise<CohortLearnerPage> {
    return this.#learnerPage(await this.tracker.cohort.stalledPage(page, pageSize));
  }

  /** One page of the cohort in display order, filtered by state and last activity in the store. */
  async cohortPage(filter: CohortRowFilter, page: number, pageSize: number): Promise<CohortLearnerPage> {
    return this.#learnerPage(await this.tracker.cohort.rowsPage(filter, page, pageSize));
  }

  /** One active learner with their latest snapshot (undefined: unknown, inactive or never synced). */
  async cohortLearner(learnerId: string): Promise<CohortLearner | undefined> {
    const row = await this.tracker.cohort.row(learnerId);
    return row && cohortLearner(row.learner, row.progress, this.tracker.now());
  }

  /** Up to `first` learners in display order after `after` (the connection's page), with each one's cursor. */
  async cohortLearnersAfter(first: number, after?: CohortCursor): Promise<Array<{ cursor: string; row: CohortLearner }>> {
    const now = this.tracker.now();
    const rows = await this.tracker.cohort.rowsAfter(first, after);
    return rows.map((r) => ({ cursor: encodeCohortCursor({ sortKey: r.sortKey, id: r.learner.id }), row: cohortLearner(r.learner, r.progress, now) }));
  }

  #learnerPage(found: CohortRowPage): CohortLearnerPage {
    const now = this.tracker.now();
    return { ...found, rows: found.rows.map((r) => cohortLearner(r.learner, r.progress, now)) };
  }

  /**
   * The cohort of `cohortSummary`, page by page (`pageSize` learners a page, three store queries
   * each), for reads that must not hold the whole cohort in memory (the exports).
   */
  async *cohortLearnerPages(pageSize = 500): AsyncGenerator<CohortLearner[]> {
    const now = this.tracker.now();
    let after: LearnerCursor | undefined;
    for (;;) {
      const learners = await this.tracker.learners.page(pageSize, after);
      if (learners.length === 0) return;
      const last = learners.at(-1)!;
      after = { sortKey: last.sortKey, id: last.id };
      const latest = await this.tracker.snapshots.latest(learners.map((l) => l.id));
      const rows: CohortLearner[] = [];
      for (const { sortKey: _sortKey, ...learner } of learners) {
        const progress = latest.get(learner.id);
        if (progress) rows.push(cohortLearner(learner, progress, now));
      }
      if (rows.length) yield rows;
      if (learners.length < pageSize) return;
    }
  }

  /**
   * Marks one of the learner's own modules done (or not). Moodle mode: written to Moodle as the
   * learner (their own token) on the module's manually completed activity: the tracked one when
   * it is manual, else its sibling (in Pollen's own course, the wiki link `<slug>-wiki`, ticked
   * once the learner contributed; the module itself is done when its quiz is passed). Embedded
   * mode: written to the store. Returns the learner's fresh progress.
   * @throws ProgressError UNKNOWN_MODULE, MODULE_NOT_IN_MOODLE, COMPLETION_NOT_MANUAL,
   *   MOODLE_SESSION_EXPIRED; MoodleError for other Moodle failures.
   */
  async markModuleDone(learnerId: string, slug: string, done: boolean, learnerMoodleToken?: string): Promise<LearnerProgress> {
    const module = this.tracker.curriculum.find((m) => m.slug === slug);
    if (!module) throw new ProgressError('UNKNOWN_MODULE', `Aucun module du parcours n’a l’identifiant « ${slug} ».`);
    if (!(await this.tracker.learners.byId(learnerId))) throw new ProgressError('UNKNOWN_LEARNER', 'Cette personne n’est pas (ou plus) inscrite dans le suivi.');
    if (this.tracker.mode === 'embedded') {
      await this.tracker.selfCompletions.set(learnerId, slug, done, this.tracker.now());
      return this.tracker.refreshLearner(learnerId);
    }
    const cmid = (await this.tracker.cmidMap()).get(slug);
    if (cmid === undefined) {
      throw new ProgressError('MODULE_NOT_IN_MOODLE', `Le module « ${slug} » n’a pas d’activité dans le cours Moodle : prévenez votre animateur·rice.`);
    }
    // The module's own activity when the learner marks it, else its sibling they tick by hand (in
    // Pollen's own course: the link to the wiki page, `<slug>-wiki`); none: Moodle completes it.
    const activities = (await this.tracker.catalog?.activities()) ?? [];
    const known = activities.some((a) => a.cmid === cmid);
    const manual = known ? manualActivityOf(module, cmid, activities) : undefined;
    if (known && !manual) throw notManual(slug);
    const target = manual?.cmid ?? cmid;
    if (!learnerMoodleToken || !this.learnerMoodle) {
      throw new ProgressError('MOODLE_SESSION_EXPIRED', 'Pollen ne connaît plus votre session Moodle : reconnectez-vous, puis réessayez.');
    }
    try {
      await this.learnerMoodle(learnerMoodleToken).updateActivityCompletionManually(target, done);
    } catch (error) {
      if (error instanceof MoodleError && error.code === 'cannotmanualctrack') {
        await this.tracker.catalog?.invalidate();
        throw notManual(slug);
      }
      if (error instanceof MoodleAuthError) {
        throw new ProgressError('MOODLE_SESSION_EXPIRED', 'Moodle n’accepte plus votre session : reconnectez-vous, puis réessayez.');
      }
      // The learner's own token: not a setting of Pollen's, so not a MOODLE_TOKEN problem.
      if (error instanceof MoodleError && !(error instanceof MoodleUnavailableError)) {
        throw new ProgressError('MOODLE_REFUSED', `Moodle a refusé d’enregistrer votre avancement (code ${error.code}) : réessayez plus tard ou prévenez votre animateur·rice.`);
      }
      throw error;
    }
    return this.tracker.refreshLearner(learnerId);
  }
}

function cohortLearner(learner: Learner, progress: LearnerProgress, now: Date): CohortLearner {
  return { learner, progress, stalled: progress.stalled, daysSinceActivity: daysSince(progress.lastActivityAt ?? learner.firstSeenAt, now) };
}

function notManual(slug: string): ProgressError {
  return new ProgressError(
    'COMPLETION_NOT_MANUAL',
    `Le module « ${slug} » est validé automatiquement dans Moodle (page consultée, quiz réussi…) : aucune de ses activités ne se coche à la main. Faites ses activités dans Moodle.`,
  );
}
