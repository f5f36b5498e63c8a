import type { CurriculumModule } from '../curriculum/schema.js';
import { de, frenchOrder } from '../text/french.js';
import type { Logger } from '../log.js';
import type { MoodleClient } from '../moodle/index.js';
import type { StoreDb } from '../store/database.js';
import { ActivityCatalog, type CourseActivity } from './activity-catalog.js';
import { mapModulesToCmids, matchActivities, nothingMatchedWarning } from './activity-match.js';
import { computeProgress, type ActivityCompletion } from './compute.js';
import { LearnerStore, moodleLearnerId, type Learner } from './learners.js';
import type { LearnerProgress, SyncReport } from './model.js';
import { SelfCompletionStore } from './self-completions.js';
import { SnapshotStore } from './snapshots.js';
import { CohortQueries } from './cohort-queries.js';
import { contributionPages, modulesContributedBy, wikiUserOf, type WikiContributionsSource } from './wiki-contributions.js';

/** The Moodle calls the tracker makes with the site (admin/bot) token. */
export type TrackerMoodle = Pick<
  MoodleClient,
  'getEnrolledUsers' | 'getActivitiesCompletion' | 'getActivitiesCompletionOfUsers' | 'getCourseContents' | 'callEach' | 'stats'
>;

export interface ProgressTrackerOptions {
  store: StoreDb;
  curriculum: readonly CurriculumModule[];
  /** Unset: embedded mode (learners and completions in the store). */
  moodle?: { client: TrackerMoodle; courseId: number } | undefined;
  /** MOODLE_ACTIVITY_MAP: slug -> cmid, winning over the content files. */
  activityMap?: ReadonlyMap<string, number>;
  /** Unset: wiki contributions are not counted. */
  wiki?: WikiContributionsSource | undefined;
  /** POLLEN_WIKI_USER_MAP: username -> wiki user. */
  wikiUserMap?: ReadonlyMap<string, string>;
  /** Default 14. */
  stalledAfterDays?: number;
  /** cmid <-> idnumber cache lifetime. Default 24 h. */
  activityCacheTtlMs?: number;
  now?: () => Date;
  logger?: Logger | undefined;
}

/** Moodle's role shortname for learners. */
const STUDENT_ROLE = 'student';

/**
 * Reads progress (Moodle completion or the store's own), adds wiki contributions, and writes
 * dated snapshots. The sync reads the whole cohort in as few requests as Moodle allows:
 * enrolled users (1), activity catalog (cached), completion of every learner (batched with
 * tool_mobile_call_external_functions, else bounded concurrency, see MoodleClient.callEach).
 */
export class ProgressTracker {
  readonly learners: LearnerStore;
  readonly snapshots: SnapshotStore;
  /** The cohort's read side in SQL (figures, pages, one learner). */
  readonly cohort: CohortQueries;
  readonly selfCompletions: SelfCompletionStore;
  readonly catalog: ActivityCatalog | undefined;
  readonly curriculum: readonly CurriculumModule[];
  readonly stalledAfterDays: number;
  readonly now: () => Date;
  readonly #options: ProgressTrackerOptions;

  constructor(options: ProgressTrackerOptions) {
    this.#options = options;
    this.now = options.now ?? (() => new Date());
    this.curriculum = options.curriculum;
    this.stalledAfterDays = options.stalledAfterDays ?? 14;
    this.learners = new LearnerStore(options.store, this.now);
    this.snapshots = new SnapshotStore(options.store);
    this.cohort = new CohortQueries(options.store);
    this.selfCompletions = new SelfCompletionStore(options.store);
    this.catalog =
      options.moodle &&
      new ActivityCatalog(options.store, options.moodle.client, options.moodle.courseId, options.activityCacheTtlMs ?? 86_400_000, () =>
        this.now().getTime(),
      );
  }

  get mode(): 'moodle' | 'embedded' {
    return this.#options.moodle ? 'moodle' : 'embedded';
  }

  /** MOODLE_ACTIVITY_MAP: slug -> cmid, winning over the content files. */
  get activityMap(): ReadonlyMap<string, number> {
    return this.#options.activityMap ?? new Map();
  }

  /** POLLEN_WIKI_USER_MAP: learner username → wiki account. */
  get wikiUserMap(): ReadonlyMap<string, string> {
    return this.#options.wikiUserMap ?? new Map();
  }

  async cmidMap(): Promise<Map<string, number>> {
    if (!this.catalog) return new Map();
    return mapModulesToCmids(this.curriculum, await this.catalog.activities(), this.#options.activityMap ?? new Map());
  }

  /** Students whose enrolment is suspended in Moodle (one call); none in embedded mode. */
  async suspendedLearners(): Promise<Array<{ moodleUserId: number; username: string; displayName: string }>> {
    const moodle = this.#options.moodle;
    if (!moodle) return [];
    const suspended = await moodle.client.getEnrolledUsers(moodle.courseId, { status: 'suspended' });
    return suspended
      .filter((u) => (u.roles ?? []).some((r) => r.shortname === STUDENT_ROLE))
      .map((u) => ({ moodleUserId: u.id, username: u.username, displayName: u.fullname }))
      .sort((a, b) => frenchOrder(a.displayName, b.displayName));
  }

  /** Syncs the whole cohort and writes one snapshot per learner. */
  async sync(): Promise<SyncReport> {
    const started = performance.now();
    const moodle = this.#options.moodle;
    const requestsBefore = moodle?.client.stats.httpRequests ?? 0;
    const warnings: string[] = [];
    let learners: Learner[];
    const completion = new Map<string, ActivityCompletion[]>();
    let catalog = this.catalog ? await this.catalog.read() : { activities: [] as CourseActivity[], fromCache: false };
    let catalogRefreshed = Boolean(this.catalog) && !catalog.fromCache;
    const overrides = this.#options.activityMap ?? new Map<string, number>();
    let cmidOf = mapModulesToCmids(this.curriculum, catalog.activities, overrides);

    if (moodle) {
      // Active enrolments only, as Moodle's own reports: a suspended learner is no longer in the cohort.
      const enrolled = await moodle.client.getEnrolledUsers(moodle.courseId, { status: 'active' });
      const students = enrolled.filter((u) => (u.roles ?? []).some((r) => r.shortname === STUDENT_ROLE));
      learners = await this.learners.upsertMoodleLearners(students);
      await this.learners.deactivateMoodleLearnersExcept(learners.map((l) => l.id));
      const results = await moodle.client.getActivitiesCompletionOfUsers(moodle.courseId, students.map((u) => u.id));
      results.forEach((result, i) => {
        const user = students[i];
        if (!user) return;
        if (result.ok) completion.set(moodleLearnerId(user.id), result.data.statuses);
        else warnings.push(`Progression ${de(user.username)} illisible dans Moodle (code ${result.error.code}) : son état précédent est gardé.`);
      });
      // The course changed since the catalog was cached (an activity deleted or added): read it again now.
      if (this.catalog && catalog.fromCache && catalogIsStale(catalog.activities, [...completion.values()])) {
        catalog = { activities: await this.catalog.refresh(), fromCache: false };
        catalogRefreshed = true;
        cmidOf = mapModulesToCmids(this.curriculum, catalog.activities, overrides);
      }
    } else {
      learners = await this.learners.list({ source: 'local' });
    }

    const wikiDone = await this.#wikiContributions(learners, warnings);
    const previous = await this.snapshots.latest(learners.map((l) => l.id));
    const self = await this.selfCompletions.forLearners(learners.map((l) => l.id));
    const now = this.now();
    const progress: LearnerProgress[] = [];
    for (const learner of learners) {
      const before = previous.get(learner.id);
      const statuses = completion.get(learner.id);
      if (moodle && !statuses && before) {
        progress.push({ ...before, snapshotAt: now.toISOString() });
        continue;
      }
      progress.push(
        computeProgress({
          learnerId: learner.id,
          modules: this.curriculum,
          cmidOf,
          moodle: statuses,
          self: self.get(learner.id),
          wikiDone: wikiDone?.get(learner.id) ?? carriedWikiDone(before),
          previous: before,
          firstSeenAt: learner.firstSeenAt,
          now,
          stalledAfterDays: this.stalledAfterDays,
        }),
      );
    }
    await this.snapshots.write(progress, 'sync');
    await this.snapshots.prune(now);
    const match = moodle ? matchActivities(this.curriculum, catalog.activities, overrides) : undefined;
    if (moodle && match && !match.anyMatched) warnings.push(nothingMatchedWarning(moodle.courseId));
    const report: SyncReport = {
      snapshotAt: now.toISOString(),
      source: this.mode,
      learners: progress.length,
      stalled: progress.filter((p) => p.stalled).length,
      moodleRequests: (moodle?.client.stats.httpRequests ?? 0) - requestsBefore,
      durationMs: Math.round(performance.now() - started),
      warnings,
      catalogRefreshed,
      unmatchedActivities: (match?.unmatchedActivities ?? []).map((a) => ({ cmid: a.cmid, idnumber: a.idnumber ?? '', name: a.name })),
      modulesWithoutActivity: match?.modulesWithoutActivity ?? [],
    };
    this.#options.logger?.info(
      { event: 'progress_sync', ...report, warnings: warnings.length, unmatchedActivities: report.unmatchedActivities.length, modulesWithoutActivity: report.modulesWithoutActivity.length },
      'Progress synced',
    );
    return report;
  }

  /**
   * Recomputes one learner now (after they marked a module, or when they have no snapshot yet):
   * one completion call in Moodle mode; wiki contributions are carried from the last snapshot.
   */
  async refreshLearner(learnerId: string): Promise<LearnerProgress> {
    const learner = await this.learners.byId(learnerId);
    if (!learner) throw new Error(`Unknown learner ${learnerId}`);
    const moodle = this.#options.moodle;
    const before = (await this.snapshots.latest([learnerId])).get(learnerId);
    const statuses =
      moodle && learner.moodleUserId !== null
        ? (await moodle.client.getActivitiesCompletion(moodle.courseId, learner.moodleUserId)).statuses
        : undefined;
    const progress = computeProgress({
      learnerId,
      modules: this.curriculum,
      cmidOf: await this.cmidMap(),
      moodle: statuses,
      self: (await this.selfCompletions.forLearners([learnerId])).get(learnerId),
      wikiDone: carriedWikiDone(before),
      previous: before,
      firstSeenAt: learner.firstSeenAt,
      now: this.now(),
      stalledAfterDays: this.stalledAfterDays,
    });
    await this.snapshots.write([progress], 'learner');
    return progress;
  }

  async #wikiContributions(learners: readonly Learner[], warnings: string[]): Promise<Map<string, Set<string>> | undefined> {
    const wiki = this.#options.wiki;
    if (!wiki || learners.length === 0) return undefined;
    const pagesBySlug = contributionPages(this.curriculum);
    const titles = [...new Set([...pagesBySlug.values()].flat())];
    if (titles.length === 0) return undefined;
    try {
      const contributors = await wiki.contributorsOf(titles);
      const overrides = this.#options.wikiUserMap ?? new Map();
      return new Map(learners.map((l) => [l.id, modulesContributedBy(wikiUserOf(l, overrides), pagesBySlug, contributors)]));
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      warnings.push(`Wiki contributions not read (${typeof code === 'string' ? code : 'wiki error'}); previous ones kept.`);
      return undefined;
    }
  }
}

/**
 * Whether Moodle's completion data disagrees with the cached catalog: an activity Moodle tracks
 * that the cache does not know (added, or its completion turned on), or a cached tracked activity
 * that no learner's completion lists any more (deleted, or its completion turned off).
 */
export function catalogIsStale(activities: ReadonlyArray<Pick<CourseActivity, 'cmid' | 'completion'>>, completions: ReadonlyArray<readonly ActivityCompletion[]>): boolean {
  if (completions.length === 0) return false;
  const tracked = new Set(activities.filter((a) => a.completion > 0).map((a) => a.cmid));
  const seen = new Set(completions.flatMap((statuses) => statuses.map((s) => s.cmid)));
  for (const cmid of seen) if (!tracked.has(cmid)) return true;
  for (const cmid of tracked) if (!seen.has(cmid)) return true;
  return false;
}

/** Modules a previous snapshot counted as done through the wiki: a contribution stays made. */
function carriedWikiDone(previous: LearnerProgress | undefined): Set<string> {
  return new Set((previous?.modules ?? []).filter((m) => m.via === 'wiki').map((m) => m.slug));
}
