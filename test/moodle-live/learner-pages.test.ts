/**
 * The learner pages over the run's live Moodle (issue 22): the gateway as `npm start` builds it
 * with MOODLE_URL set, on a course made by Moodle's own generator whose activities carry the real
 * curriculum's idnumbers. /parcours and /parcours/<slug> link Moodle's activities (the quiz where
 * there is one, the `-quiz` sibling too), each cmid one that Moodle's core_course_get_contents
 * lists at that address; sign-up points to Moodle's.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import type { CurriculumModule } from '../../src/curriculum/schema.js';
import { MoodleClient } from '../../src/moodle/index.js';
import { startLearnerGateway, Visitor, type LearnerGateway } from '../learner/support.js';
import { describeLive, generateCourse, unique, type GeneratedCourse } from '../support/moodle-live.js';

describeLive('the learner pages link the live Moodle’s activities', (live) => {
  let curriculum: CurriculumModule[];
  let course: GeneratedCourse;
  let gw: LearnerGateway;
  /** Moodle's own activities of the course, by cmid, through Pollen's client. */
  let activities: Map<number, { modname: string; url?: string | undefined }>;
  const suffix = unique();

  beforeAll(async () => {
    curriculum = await loadCurriculum('course-modules');
    const [first, second, third] = curriculum as [CurriculumModule, CurriculumModule, CurriculumModule];
    course = await generateCourse(live(), {
      course: { fullname: `Parcours ${suffix}`, shortname: `parcours-${suffix}` },
      sections: ['Les communs'],
      modules: [
        // Module 1 tracked by its quiz; module 2 by a page (no quiz in Moodle); module 3 by a page, its quiz beside it (`-quiz`).
        { modname: 'quiz', name: 'Quiz du module 1', section: 1, idnumber: first.slug, completion: 2, grade: 10 },
        { modname: 'page', name: 'Leçon du module 2', section: 1, idnumber: second.slug, completion: 1 },
        { modname: 'page', name: 'Leçon du module 3', section: 1, idnumber: `${third.slug}-page`, completion: 1 },
        { modname: 'quiz', name: 'Quiz du module 3', section: 1, idnumber: `${third.slug}-quiz`, completion: 1, grade: 10 },
      ],
    });
    gw = await startLearnerGateway({ env: { MOODLE_URL: live().url, MOODLE_TOKEN: live().adminToken, MOODLE_COURSE_ID: String(course.courseId) } });
    const admin = new MoodleClient({ url: live().url, token: live().adminToken, retryDelayMs: 0 });
    activities = new Map((await admin.getCourseContents(course.courseId)).flatMap((s) => s.modules).map((m) => [m.id, m]));
  });
  afterAll(async () => {
    await gw?.close();
  });

  /** Each Moodle link of a page: [href, cmid]. */
  const moodleLinks = (html: string) => [...html.matchAll(/href="([^"]+)" data-moodle-cmid="(\d+)"/g)].map((m) => [m[1]!, Number(m[2])] as const);

  it('/parcours links, for each module Moodle has, an activity of that course at its own address: the quiz where there is one', async () => {
    const html = (await new Visitor(gw.gateway.url).get('/parcours')).html;
    const links = moodleLinks(html);
    const [first, second, third] = curriculum as [CurriculumModule, CurriculumModule, CurriculumModule];
    expect(links.map(([, cmid]) => cmid)).toEqual([course.cmids[first.slug], course.cmids[second.slug], course.cmids[`${third.slug}-quiz`]]);
    for (const [href, cmid] of links) {
      const activity = activities.get(cmid);
      expect(activity, `cmid ${cmid}`).toBeDefined();
      expect(href).toBe(`${live().url}/mod/${activity!.modname}/view.php?id=${cmid}`);
      if (activity!.url) expect(href).toBe(activity!.url);
    }
    expect(html).toContain(`href="${live().url}/course/view.php?id=${course.courseId}"`);
  });

  it('/parcours/<slug> opens the module’s Moodle quiz, else its activity saying there is no quiz, else the course; no local quiz form', async () => {
    const visitor = new Visitor(gw.gateway.url);
    const [first, second, third, fourth] = curriculum as [CurriculumModule, CurriculumModule, CurriculumModule, CurriculumModule];
    const pages = await Promise.all([first, second, third, fourth].map(async (m) => (await visitor.get(`/parcours/${m.slug}`)).html));
    expect(moodleLinks(pages[0]!)).toEqual([[`${live().url}/mod/quiz/view.php?id=${course.cmids[first.slug]}`, course.cmids[first.slug]]]);
    expect(activities.get(course.cmids[first.slug]!)?.modname).toBe('quiz');
    expect(pages[1]).toContain('Aucun quiz de ce module n’est connu dans le cours Moodle');
    expect(moodleLinks(pages[1]!)).toEqual([[`${live().url}/mod/page/view.php?id=${course.cmids[second.slug]}`, course.cmids[second.slug]]]);
    expect(moodleLinks(pages[2]!)).toEqual([[`${live().url}/mod/quiz/view.php?id=${course.cmids[`${third.slug}-quiz`]}`, course.cmids[`${third.slug}-quiz`]]]);
    expect(pages[3]).toContain(`<a class="button" href="${live().url}/course/view.php?id=${course.courseId}">Ouvrir le cours sur Moodle</a>`);
    for (const page of pages) expect(page).not.toMatch(/action="\/parcours\/[^"]+\/(quiz|termine)"/);
  });

  it('points sign-up to that Moodle’s own page', async () => {
    const html = (await new Visitor(gw.gateway.url).get('/inscription')).html;
    expect(html).toContain(`<a href="${live().url}/login/signup.php">créez votre compte sur Moodle</a>`);
  });
});
