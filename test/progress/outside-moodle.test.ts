import { describe, expect, it } from 'vitest';
import { computeProgress } from '../../src/progress/compute.js';
import { completableCount } from '../../src/progress/model.js';
import { fixtureCurriculum } from './support.js';

const now = new Date('2026-12-01T00:00:00Z');
const curriculum = fixtureCurriculum();
const base = { learnerId: 'moodle-3', modules: curriculum, firstSeenAt: now.toISOString(), now, stalledAfterDays: 14 };

describe('modules with no Moodle activity ("hors Moodle")', () => {
  it('have their own state and are left out of the percentage', () => {
    // 4 of the 7 modules have a Moodle activity; the learner completed 2 of them.
    const slugs = curriculum.map((m) => m.slug);
    const cmidOf = new Map(slugs.slice(0, 4).map((slug, i) => [slug, i + 10]));
    const progress = computeProgress({
      ...base,
      cmidOf,
      moodle: [
        { cmid: 10, state: 1, timecompleted: 1795417552 },
        { cmid: 11, state: 2, timecompleted: 1795417552 },
        { cmid: 12, state: 0, timecompleted: 0 },
      ],
    });
    expect(progress.modules.map((m) => m.state)).toEqual(['done', 'done', 'not_started', 'not_started', 'outside_moodle', 'outside_moodle', 'outside_moodle']);
    expect(completableCount(progress)).toBe(4);
    expect(progress.percent).toBe(50);
    expect(progress.moduleCount).toBe(7);
  });

  it('count again once done another way (a wiki contribution), and never exist without Moodle', () => {
    const withWiki = computeProgress({ ...base, cmidOf: new Map(), moodle: [], wikiDone: new Set([curriculum[0]!.slug]) });
    expect(withWiki.modules[0]).toMatchObject({ state: 'done', via: 'wiki' });
    expect(completableCount(withWiki)).toBe(1);
    expect(withWiki.percent).toBe(100);
    const embedded = computeProgress({ ...base, cmidOf: new Map() });
    expect(embedded.modules.every((m) => m.state === 'not_started')).toBe(true);
    expect(completableCount(embedded)).toBe(7);
  });
});
