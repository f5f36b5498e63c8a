/**
 * The IMS Common Cartridge Pollen writes for other LMSs (npm run curriculum:export), imported into
 * the live Moodle by Moodle's own converters (imscc11 -> moodle1 -> moodle2, the code the web
 * restore runs) from the command line (scripts/moodle/restore-cartridge.php), then read back through
 * the web services Pollen uses.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runSitePhp } from '../../scripts/moodle/site.js';
import { activityTitles, exportImscc, PRESENTATION_TITLE } from '../../src/curriculum/imscc/index.js';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import { groups, groupTitles, type CurriculumModule } from '../../src/curriculum/schema.js';
import { MoodleClient, type MoodleCourseSection } from '../../src/moodle/index.js';
import { describeLive, generateCourse, unique } from '../support/moodle-live.js';

const WIKI = 'https://wiki.example.org/index.php/';

/** What restore-cartridge.php prints, read from Moodle's tables after the restore. */
interface Restored {
  courseId: number;
  format: string;
  sections: Array<{ number: number; name: string | null; summary: string }>;
  modules: Array<{ modname: string; name: string; section: number; content: string | null }>;
}

describeLive('the IMS Common Cartridge in Moodle', (live) => {
  let curriculum: CurriculumModule[];
  let dir: string;
  let restored: Restored;
  let sections: MoodleCourseSection[];
  let admin: MoodleClient;

  beforeAll(async () => {
    curriculum = await loadCurriculum('course-modules');
    dir = await mkdtemp(path.join(tmpdir(), 'pollen-imscc-'));
    const file = path.join(dir, 'pollen.imscc');
    await writeFile(file, exportImscc(curriculum, { wikiBaseUrl: WIKI }));
    const out = await runSitePhp(live(), 'restore-cartridge.php', [file]);
    restored = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Restored;
    admin = new MoodleClient({ url: live().url, token: live().adminToken, retryDelayMs: 0 });
    sections = await admin.getCourseContents(restored.courseId);
    // Convert and restore: seconds on an idle machine, minutes when the live specs share two busy cores.
  }, 600_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is read as Common Cartridge 1.1 and converted by Moodle', () => {
    expect(restored.format).toBe('imscc11');
    expect(restored.courseId).toBeGreaterThan(1);
  });

  it('keeps section 0 for the presentation and gives each group its own section, its title as the section summary', () => {
    const used = groups.filter((g) => curriculum.some((m) => m.group === g));
    expect(sections.map((s) => s.section)).toEqual([0, ...used.map((_, i) => i + 1)]);
    expect(sections.map((s) => s.summary)).toEqual([PRESENTATION_TITLE, ...used.map((g) => groupTitles[g])]);
    // Moodle's converter has no field for a section name (cc/sheets/course_sections_section.xml holds
    // SUMMARY only, and the moodle1 step sets name to null): Moodle shows its default names.
    expect(restored.sections.map((s) => s.name)).toEqual(sections.map(() => null));
    expect(sections.map((s) => s.name)).toEqual(['General', ...used.map(() => 'New section')]);
    // Each module's activities sit in its group's section, in learner order.
    for (const [i, group] of used.entries()) {
      const expected = curriculum.filter((m) => m.group === group).sort((a, b) => a.order - b.order).flatMap((m) => Object.values(activityTitles(m)));
      expect(sections[i + 1]!.modules.map((m) => m.name)).toEqual(expected);
    }
  });

  it('makes no label, so no broken files.gif image, anywhere in the course', () => {
    expect(restored.modules.filter((m) => m.modname === 'label')).toEqual([]);
    expect(JSON.stringify(restored)).not.toContain('files.gif');
    const modules = sections.flatMap((s) => s.modules);
    expect(modules.filter((m) => m.modname === 'label')).toEqual([]);
    expect(JSON.stringify(sections)).not.toContain('files.gif');
  });

  it('brings every activity: the presentation, then a page, a wiki link and a quiz per module, titled with the module', () => {
    expect(sections[0]!.modules.filter((m) => m.modname !== 'qbank').map((m) => [m.modname, m.name])).toEqual([['page', PRESENTATION_TITLE]]);
    const inGroups = sections.slice(1).flatMap((s) => s.modules);
    const inOrder = groups.flatMap((g) => curriculum.filter((m) => m.group === g).sort((a, b) => a.order - b.order));
    const byType = (modname: string) => inGroups.filter((m) => m.modname === modname);
    expect(inGroups).toHaveLength(curriculum.length * 3);
    expect(byType('page').map((m) => m.name)).toEqual(inOrder.map((m) => activityTitles(m).page));
    expect(byType('url').map((m) => m.name)).toEqual(inOrder.map((m) => activityTitles(m).wiki));
    expect(byType('quiz').map((m) => m.name)).toEqual(inOrder.map((m) => activityTitles(m).quiz));
    // The wiki links point at the configured wiki, not at the loopback default.
    for (const link of byType('url')) expect(link.contents?.[0]?.fileurl, link.name).toMatch(new RegExp(`^${WIKI.replace(/\./g, '\\.')}`));
  });

  it('carries no completion tracking and no idnumber (the .mbz does), so Pollen cannot follow this course by itself', async () => {
    const modules = sections.flatMap((s) => s.modules).filter((m) => m.modname !== 'qbank');
    expect(modules.length).toBeGreaterThan(curriculum.length * 3);
    expect(modules.filter((m) => (m.completion ?? 0) !== 0)).toEqual([]);
    expect((await admin.getActivityIdnumbers(restored.courseId)).size).toBe(0);
  });

  it('has quizzes without grade items (Moodle’s converter writes an empty gradebook) until the course reset the README gives rebuilds them', async () => {
    const learner = { username: `cc-${unique()}`, password: 'Learner-pass-1', firstname: 'Lou', lastname: 'Blanc' };
    const { users } = await generateCourse(live(), { courseId: restored.courseId, users: [learner] });
    const quizItems = async () =>
      ((await admin.getGradeItems(restored.courseId, users[learner.username]!)).usergrades[0]?.gradeitems ?? []).filter((i) => i.itemmodule === 'quiz');
    expect(await quizItems()).toEqual([]);
    // What the administrator does: Course reset > Gradebook > « Supprimer toutes les notes » (here by its script).
    const out = JSON.parse((await runSitePhp(live(), 'rebuild-grade-items.php', [String(restored.courseId)])).trim().split('\n').at(-1) ?? '{}') as { gradeItems: Record<string, number> };
    expect(out.gradeItems.quiz).toBe(curriculum.length);
    const items = await quizItems();
    expect(items).toHaveLength(curriculum.length);
    expect(new Set(items.map((i) => i.grademax))).toEqual(new Set([10]));
  });

  it('keeps the French decimal comma in the course summary', async () => {
    const [course] = await admin.getCourses([restored.courseId]);
    expect(course?.summary).toMatch(/environ \d+,\d heures/);
    expect(course?.summary).not.toMatch(/environ \d+\.\d heures/);
  });
});
