import { describe, expect, it } from 'vitest';
import { manualActivityOf, matchActivities, nothingMatchedWarning } from '../../src/progress/activity-match.js';
import { catalogIsStale } from '../../src/progress/tracker.js';
import { fixtureCurriculum } from './support.js';

const modules = fixtureCurriculum().slice(0, 3); // bienvenue, types-associations, guide-pratique
const activity = (cmid: number, idnumber: string | null, completion = 2) => ({ cmid, idnumber, completion, name: `Activité ${cmid}` });

describe('how the course’s activities and the modules meet', () => {
  it('knows a module’s -page, -wiki and -quiz activities, and lists what matches nothing on either side', () => {
    const activities = [
      activity(10, 'bienvenue'), activity(11, 'bienvenue-page'), activity(12, 'bienvenue-wiki', 1),
      activity(20, 'types-associations-quiz'), activity(21, 'types-associations'),
      activity(30, 'atelier-en-plus', 1), activity(31, null),
    ];
    const match = matchActivities(modules, activities, new Map());
    expect(match.unmatchedActivities.map((a) => a.cmid)).toEqual([30]);
    expect(match.modulesWithoutActivity).toEqual(['guide-pratique']);
    expect(match.anyMatched).toBe(true);
    // MOODLE_ACTIVITY_MAP: the activity it names is matched, whatever its idnumber; a cmid not in the course stands for nothing.
    const mapped = matchActivities(modules, activities, new Map([['guide-pratique', 30], ['bienvenue', 999]]));
    expect(mapped.unmatchedActivities).toEqual([]);
    expect(mapped.modulesWithoutActivity).toEqual(['bienvenue']);
  });

  it('says once, in French, what to do when nothing matches', () => {
    const match = matchActivities(modules, [activity(1, null), activity(2, null)], new Map());
    expect(match.anyMatched).toBe(false);
    expect(nothingMatchedWarning(7)).toMatch(/^Aucune activité du cours Moodle 7 \(MOODLE_COURSE_ID\) ne correspond à un module du parcours/);
    expect(nothingMatchedWarning(7)).toContain('MOODLE_ACTIVITY_MAP');
  });

  it('finds the activity a learner ticks: the tracked one when manual, else its manual sibling, else none', () => {
    const [bienvenue] = modules;
    expect(manualActivityOf(bienvenue!, 10, [activity(10, 'bienvenue', 1)])?.cmid).toBe(10);
    expect(manualActivityOf(bienvenue!, 10, [activity(10, 'bienvenue'), activity(11, 'bienvenue-page'), activity(12, 'bienvenue-wiki', 1)])?.cmid).toBe(12);
    expect(manualActivityOf(bienvenue!, 10, [activity(10, 'bienvenue'), activity(11, 'bienvenue-page'), activity(12, 'bienvenue-wiki')])).toBeUndefined();
  });

  it('sees the cached catalog is stale when Moodle’s completion lists an activity it does not know, or no longer lists one it tracks', () => {
    const cached = [activity(1, 'a'), activity(2, 'b', 1), activity(3, 'c', 0)];
    const status = (cmid: number) => ({ cmid, state: 0, timecompleted: 0 });
    expect(catalogIsStale(cached, [[status(1), status(2)], [status(1), status(2)]])).toBe(false);
    expect(catalogIsStale(cached, [[status(1), status(2), status(4)]])).toBe(true); // added
    expect(catalogIsStale(cached, [[status(1)]])).toBe(true); // deleted
    expect(catalogIsStale(cached, [[status(1), status(2), status(3)]])).toBe(true); // completion turned on
    expect(catalogIsStale(cached, [])).toBe(false); // no learner: nothing to compare
  });
});
