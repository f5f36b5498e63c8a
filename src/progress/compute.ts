import type { CurriculumModule } from '../curriculum/schema.js';
import { DAY_MS, type CompletionVia, type LearnerProgress, type ModuleProgress, type ModuleState } from './model.js';
import { wholePercent } from './percent.js';

/** One activity's completion for a learner, as Moodle reports it (state 0-3, unix seconds). */
export interface ActivityCompletion {
  cmid: number;
  /** 0 incomplete, 1 complete, 2 complete pass, 3 complete fail, 4 complete fail with the grade hidden. */
  state: number;
  timecompleted: number;
}

export interface ProgressInputs {
  learnerId: string;
  modules: readonly CurriculumModule[];
  /** slug -> cmid, for modules that have a Moodle activity. */
  cmidOf: ReadonlyMap<string, number>;
  /** Moodle completion (Moodle mode). */
  moodle?: readonly ActivityCompletion[] | undefined;
  /** slug -> ISO time the learner marked it done (embedded mode). */
  self?: ReadonlyMap<string, string> | undefined;
  /** Slugs whose contribute page the learner's wiki account has edited. */
  wikiDone?: ReadonlySet<string> | undefined;
  /** The learner's previous snapshot: keeps when a wiki contribution was first seen. */
  previous?: LearnerProgress | undefined;
  /** When the learner was first seen: the stalled clock starts there when nothing is done. */
  firstSeenAt: string;
  now: Date;
  stalledAfterDays: number;
}

/** Moodle's completion state to a module state. */
function stateOf(completion: ActivityCompletion | undefined): ModuleState {
  if (!completion) return 'not_started';
  if (completion.state === 1 || completion.state === 2) return 'done';
  if (completion.state === 3 || completion.state === 4) return 'failed';
  return 'not_started';
}

/**
 * Maps completion onto the curriculum. A module is done when its Moodle activity is complete
 * (or complete-pass), when the learner marked it done (embedded mode), or when the learner's wiki
 * account edited the page of its contribute activity. With Moodle, a module with no Moodle activity
 * is "outside Moodle" (unless done on the wiki) and left out of the percentage. Pure: the clock
 * comes in as `now`.
 */
export function computeProgress(inputs: ProgressInputs): LearnerProgress {
  const byCmid = new Map((inputs.moodle ?? []).map((c) => [c.cmid, c]));
  const previous = new Map((inputs.previous?.modules ?? []).map((m) => [m.slug, m]));
  const nowIso = inputs.now.toISOString();
  const modules: ModuleProgress[] = inputs.modules.map((module) => {
    const cmid = inputs.cmidOf.get(module.slug);
    const completion = cmid === undefined ? undefined : byCmid.get(cmid);
    let state = stateOf(completion);
    let completedAt: string | null = null;
    let via: CompletionVia | null = null;
    if (state !== 'not_started' && completion) {
      via = 'moodle';
      completedAt = completion.timecompleted > 0 ? new Date(completion.timecompleted * 1000).toISOString() : null;
    }
    const selfAt = inputs.self?.get(module.slug);
    if (state !== 'done' && selfAt !== undefined) {
      state = 'done';
      via = 'self';
      completedAt = selfAt;
    }
    if (state !== 'done' && inputs.wikiDone?.has(module.slug)) {
      const before = previous.get(module.slug);
      state = 'done';
      via = 'wiki';
      completedAt = before?.via === 'wiki' && before.completedAt ? before.completedAt : nowIso;
    }
    // With Moodle, a module no activity stands for cannot be completed there: its own state.
    if (state === 'not_started' && inputs.moodle !== undefined && cmid === undefined) state = 'outside_moodle';
    return { slug: module.slug, state, completedAt, via };
  });
  const doneCount = modules.filter((m) => m.state === 'done').length;
  const moduleCount = modules.length;
  const completable = modules.filter((m) => m.state !== 'outside_moodle').length;
  const percent = wholePercent(doneCount, completable);
  const times = modules.map((m) => m.completedAt).filter((t): t is string => t !== null).sort();
  const lastActivityAt = times.at(-1) ?? null;
  return {
    learnerId: inputs.learnerId,
    percent,
    doneCount,
    moduleCount,
    modules,
    lastActivityAt,
    stalled: isStalled(percent, lastActivityAt, inputs.firstSeenAt, inputs.now, inputs.stalledAfterDays),
    snapshotAt: nowIso,
  };
}

/** Not finished, and no progress for `days` days (counted from first sight when nothing is done). */
export function isStalled(percent: number, lastActivityAt: string | null, firstSeenAt: string, now: Date, days: number): boolean {
  if (percent >= 100) return false;
  const since = Date.parse(lastActivityAt ?? firstSeenAt);
  return now.getTime() - since >= days * DAY_MS;
}

/** Whole days since the learner's last progress (or first sight). */
export function daysSince(iso: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(iso)) / DAY_MS));
}
