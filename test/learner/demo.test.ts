/** POLLEN_DEMO=1 gives the learner space fictional learners, progress over time and quiz attempts, some failed; once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLearnerDemo } from '../../src/learner/demo.js';
import { startLearnerGateway, type LearnerGateway } from './support.js';

let gw: LearnerGateway;

beforeAll(async () => {
  gw = await startLearnerGateway({ env: { POLLEN_DEMO: '1' } });
}, 120_000);
afterAll(async () => {
  await gw?.close();
});

describe('the learner space’s demo', () => {
  it('creates fictional learners whose completions are spread over time, with passed and failed attempts', async () => {
    const learners = (await gw.runtime.tracker.learners.list()).filter((l) => l.username.startsWith('demo-'));
    expect(learners).toHaveLength(12);
    const ids = learners.map((l) => l.id);
    const progress = await gw.runtime.deps.progress!.learnersProgress(ids);
    const dates = new Set([...progress.values()].flatMap((p) => p.modules.map((m) => m.completedAt?.slice(0, 10)).filter(Boolean)));
    expect(dates.size).toBeGreaterThan(5);
    const activity = await gw.space.quizActivity(ids);
    const all = [...activity.values()];
    expect(all.reduce((n, a) => n + a.attempts, 0)).toBeGreaterThan(all.reduce((n, a) => n + a.passed, 0));
    expect(all.some((a) => a.failingModules.length > 0)).toBe(true);
    // Each passed attempt completed its module: the dashboard's counts agree with the attempts.
    for (const id of ids) expect(progress.get(id)!.doneCount).toBe(activity.get(id)?.passed ?? 0);
    expect(await loadLearnerDemo(gw.runtime.database, gw.runtime.tracker)).toBe('Démo : les apprenant·es fictif·ves sont déjà là.');
  });
});
