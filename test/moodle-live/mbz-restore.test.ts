/**
 * The course Pollen builds (npm run curriculum:moodle) restored by Moodle's own CLI, then tracked
 * with no activity map: a learner reads two lessons and passes their quizzes in Moodle, and the
 * progress sync reports exactly those two modules.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runMoodleCli } from '../../scripts/moodle/site.js';
import { loadConfig } from '../../src/config/index.js';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import { activityIdnumbers, exportMbz } from '../../src/curriculum/mbz/export.js';
import type { CurriculumModule } from '../../src/curriculum/schema.js';
import { MoodleClient } from '../../src/moodle/index.js';
import { createProgressRuntime } from '../../src/progress/runtime.js';
import { openPollenStore } from '../../src/store-schema.js';
import { describeLive, generateCourse, learnerToken, quizAttempt, unique } from '../support/moodle-live.js';
import type { MoodleSite } from '../../scripts/moodle/site.js';

async function restore(site: MoodleSite, file: string): Promise<number> {
  const out = await runMoodleCli(site, 'admin/cli/restore_backup.php', [`--file=${file}`, '--categoryid=1']);
  const id = /Restored course ID: (\d+)/.exec(out)?.[1];
  if (!id) throw new Error(`restore_backup.php did not restore: ${out.slice(-500)}`);
  return Number(id);
}

describeLive('the Moodle course Pollen builds', (live) => {
  let curriculum: CurriculumModule[];
  let file: string;
  let courseId: number;
  let admin: MoodleClient;

  beforeAll(async () => {
    curriculum = await loadCurriculum('course-modules');
    file = path.join(await mkdtemp(path.join(tmpdir(), 'pollen-mbz-')), 'pollen.mbz');
    await writeFile(file, exportMbz(curriculum, { wikiBaseUrl: 'https://wiki.example.org/index.php/', shortName: `pollen-${unique()}` }));
    courseId = await restore(live(), file);
    admin = new MoodleClient({ url: live().url, token: live().adminToken, retryDelayMs: 0 });
  });
  afterAll(async () => {
    if (file) await rm(path.dirname(file), { recursive: true, force: true });
  });

  it('restores with admin/cli/restore_backup.php into named sections, one page, wiki link and quiz per module, completion set', async () => {
    const sections = await admin.getCourseContents(courseId);
    expect(sections.map((s) => s.name)).toEqual(['General', 'Les communs', 'Accompagner les associations', 'Communication externe']);
    const modules = sections.flatMap((s) => s.modules);
    expect(modules.filter((m) => m.modname === 'page')).toHaveLength(curriculum.length);
    expect(modules.filter((m) => m.modname === 'url')).toHaveLength(curriculum.length);
    expect(modules.filter((m) => m.modname === 'quiz')).toHaveLength(curriculum.length);
    expect(new Set(modules.map((m) => `${m.modname}:${m.completion}`))).toEqual(new Set(['page:2', 'url:1', 'quiz:2']));
    const first = modules.find((m) => m.modname === 'url');
    expect(first?.url).toBeDefined();
    const [course] = await admin.getCourses([courseId]);
    expect(course?.enablecompletion).toBe(1);
    expect(course?.summary).toMatch(/environ \d+,\d heures/);
  });

  it('gives every activity its idnumber (the quiz carries the module slug), and keeps them on a second restore', async () => {
    const expected = Object.fromEntries(curriculum.flatMap((m) => Object.values(activityIdnumbers(m.slug)).map((idnumber) => [idnumber, true])));
    const first = await admin.getActivityIdnumbers(courseId);
    expect(Object.fromEntries([...first.keys()].map((k) => [k, true]))).toEqual(expected);
    const quizzes = (await admin.getCourseContents(courseId)).flatMap((s) => s.modules).filter((m) => m.modname === 'quiz');
    expect(quizzes.map((q) => q.id).sort()).toEqual(curriculum.map((m) => first.get(m.slug)).sort());
    // Each quiz opens once its module's page is viewed: the restore pointed the condition at the restored page.
    for (const module of curriculum) {
      const quiz = quizzes.find((q) => q.id === first.get(module.slug));
      expect(JSON.parse(quiz?.availability ?? 'null'), module.slug).toEqual({ op: '&', c: [{ type: 'completion', cm: first.get(`${module.slug}-page`), e: 1 }], showc: [true] });
    }
    const again = await restore(live(), file);
    expect(again).not.toBe(courseId);
    const second = await admin.getActivityIdnumbers(again);
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
  });

  it('grades a quiz with multiple-choice questions out of the whole mark when every right box is ticked', async () => {
    const learner = { username: `mbz-multi-${unique()}`, password: 'Learner-pass-2', firstname: 'Noa', lastname: 'Blanc' };
    await generateCourse(live(), { courseId, users: [learner] });
    const module = curriculum.find((m) => m.quiz.filter((q) => q.multiple && q.answers.length > 2).length > 0)!;
    const idnumbers = await admin.getActivityIdnumbers(courseId);
    // Moodle's own correct response: the right boxes of each single = 0 question, worth 1/n each.
    expect((await quizAttempt(live(), idnumbers.get(module.slug)!, learner.username, 'pass')).grade).toBeCloseTo(10, 3);
  });

  it('is tracked with no activity map: a learner reads two lessons and passes their quizzes in Moodle, the sync reports exactly those two', async () => {
    const learner = { username: `mbz-${unique()}`, password: 'Learner-pass-1', firstname: 'Sacha', lastname: 'Roux' };
    const { users } = await generateCourse(live(), { courseId, users: [learner] });
    const userId = users[learner.username]!;
    const asLearner = new MoodleClient({ url: live().url, token: await learnerToken(live(), learner.username, learner.password), retryDelayMs: 0 });
    const [one, two] = [curriculum[0]!, curriculum[3]!];
    const pages = (await admin.getCourseContents(courseId)).flatMap((s) => s.modules).filter((m) => m.modname === 'page');
    const idnumbers = await admin.getActivityIdnumbers(courseId);
    for (const module of [one, two]) {
      const page = pages.find((p) => p.id === idnumbers.get(`${module.slug}-page`));
      expect((await asLearner.viewPage(page!.instance)).status).toBe(true);
      await quizAttempt(live(), idnumbers.get(module.slug)!, learner.username, 'pass');
    }

    const config = loadConfig({ MOODLE_URL: live().url, MOODLE_TOKEN: live().adminToken, MOODLE_COURSE_ID: String(courseId) });
    expect(config.moodleActivityMap.size).toBe(0);
    const store = await openPollenStore({ kind: 'sqlite', path: ':memory:' });
    try {
      const { tracker, progress } = createProgressRuntime({ config, store, curriculum, moodle: admin });
      const report = await tracker.sync();
      expect(report.warnings).toEqual([]);
      const mine = await progress.learnerProgress(`moodle-${userId}`);
      expect(mine.modules.filter((m) => m.state === 'done').map((m) => m.slug).sort()).toEqual([one.slug, two.slug].sort());
      expect(mine.doneCount).toBe(2);
    } finally {
      await store.close();
    }
  });
});
