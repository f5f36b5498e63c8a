/**
 * How the course's Moodle activities and the curriculum's modules meet: which activity a module
 * is tracked by, which one a learner may tick by hand, and what matches nothing on either side.
 * Pure: the activities come from the catalog (or the gateway's own read of the course).
 */
import type { CurriculumModule } from '../curriculum/schema.js';

/**
 * The suffixes of a module's other activities in Pollen's own course (curriculum:moodle): the
 * tracked activity carries the module's idnumber, its siblings `<idnumber>-page`, `-wiki`, `-quiz`
 * (an older build put the slug on the page and `-quiz` on the quiz).
 */
export const SIBLING_SUFFIXES = ['page', 'wiki', 'quiz'] as const;

/** Moodle completion mode that lets a learner mark an activity done. */
export const MANUAL_COMPLETION = 1;

/** What the matching needs of an activity. */
export interface MatchableActivity {
  cmid: number;
  idnumber: string | null;
  /** 0 none, 1 manual, 2 automatic. */
  completion: number;
  name: string;
  /** Moodle's module type (page, quiz...), when known. */
  modname?: string | null | undefined;
}

/**
 * slug -> cmid for the curriculum: the operator's MOODLE_ACTIVITY_MAP first, then the module's
 * own `moodle.cmid`, then its `moodle.idnumber` (= its slug) looked up among the activities.
 */
export function mapModulesToCmids(
  modules: readonly CurriculumModule[],
  activities: readonly MatchableActivity[],
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

/**
 * The activity a learner marks by hand for a module: its tracked activity when that one is
 * manual, else a sibling (`<idnumber>-wiki`, ...) with manual completion; undefined when the
 * module has none (every activity of it completes by itself).
 */
export function manualActivityOf(
  module: CurriculumModule,
  trackedCmid: number,
  activities: readonly MatchableActivity[],
): MatchableActivity | undefined {
  const tracked = activities.find((a) => a.cmid === trackedCmid);
  if (tracked?.completion === MANUAL_COMPLETION) return tracked;
  const base = module.moodle.idnumber ?? tracked?.idnumber;
  if (!base) return undefined;
  const siblings = new Set(SIBLING_SUFFIXES.map((suffix) => `${base}-${suffix}`));
  return activities.find((a) => a.idnumber !== null && siblings.has(a.idnumber) && a.completion === MANUAL_COMPLETION);
}

/** What matches nothing: activities Pollen does not know, modules Moodle has no activity for. */
export interface ActivityMatch {
  /** Activities with an idnumber that is no module's idnumber nor a sibling's (`<idnumber>-wiki`...). */
  unmatchedActivities: MatchableActivity[];
  /** Slugs of the modules no activity stands for, in curriculum order. */
  modulesWithoutActivity: string[];
  /** Whether at least one module has its activity. */
  anyMatched: boolean;
}

export function matchActivities(
  modules: readonly CurriculumModule[],
  activities: readonly MatchableActivity[],
  overrides: ReadonlyMap<string, number>,
): ActivityMatch {
  const cmidOf = mapModulesToCmids(modules, activities, overrides);
  const present = new Set(activities.map((a) => a.cmid));
  const known = new Set<string>();
  for (const module of modules) {
    const idnumbers = [module.moodle.idnumber, module.slug].filter((i): i is string => i !== undefined);
    for (const idnumber of idnumbers) {
      known.add(idnumber);
      for (const suffix of SIBLING_SUFFIXES) known.add(`${idnumber}-${suffix}`);
    }
  }
  const mapped = new Set(cmidOf.values());
  return {
    unmatchedActivities: activities.filter((a) => a.idnumber && !known.has(a.idnumber) && !mapped.has(a.cmid)),
    // A configured cmid that is not in the course stands for nothing either.
    modulesWithoutActivity: modules.filter((m) => !present.has(cmidOf.get(m.slug) ?? -1)).map((m) => m.slug),
    anyMatched: modules.some((m) => present.has(cmidOf.get(m.slug) ?? -1)),
  };
}

/** The sync's one warning when no module has its activity (e.g. a course imported from the cartridge). */
export function nothingMatchedWarning(courseId: number): string {
  return (
    `Aucune activité du cours Moodle ${courseId} (MOODLE_COURSE_ID) ne correspond à un module du parcours : la progression ne peut pas être suivie. ` +
    'Pollen reconnaît une activité à son numéro d’identification (idnumber), qui doit être l’identifiant du module (slug). ' +
    'Restaurez le cours que construit `npm run curriculum:moodle` (le paquet .imscc n’en porte aucun), ' +
    'ou donnez ces numéros aux activités dans Moodle (Paramètres de l’activité > Numéro d’identification), ' +
    'ou indiquez MOODLE_ACTIVITY_MAP=slug:cmid,…'
  );
}
