/**
 * The contract with a real Moodle 5.1: every web-service function Pollen calls, through Pollen's
 * own client (whose zod schemas were built from the recorded fixtures), against the live Moodle.
 * A schema that rejects a live answer fails here; the recorded fixtures stay for fast unit specs.
 */
import { beforeAll, expect, it } from 'vitest';
import { MoodleClient, MoodleAuthError, MoodleLoginError, MoodleNotFoundError, MoodleError, requestLoginToken } from '../../src/moodle/index.js';
import { describeLive, generateCourse, learnerToken, unique, type GeneratedCourse } from '../support/moodle-live.js';

describeLive('Moodle web-service contract', (live) => {
  let admin: MoodleClient;
  let course: GeneratedCourse;
  const suffix = unique();
  const learner = { username: `learner-${suffix}`, password: 'Learner-pass-1', firstname: 'Camille', lastname: 'Martin' };
  const other = { username: `other-${suffix}`, password: 'Learner-pass-2', firstname: 'Dominique', lastname: 'Bernard' };

  beforeAll(async () => {
    course = await generateCourse(live(), {
      course: { fullname: `Contrat ${suffix}`, shortname: `contract-${suffix}` },
      sections: ['Les communs', 'Accompagner'],
      modules: [
        { modname: 'page', name: 'Bienvenue', section: 1, idnumber: 'bienvenue', completion: 1 },
        { modname: 'page', name: 'Lecture', section: 1, idnumber: 'lecture', completion: 2, completionview: 1 },
        { modname: 'url', name: 'Guide', section: 2, idnumber: 'guide', completion: 1, externalurl: 'https://example.org/' },
        { modname: 'assign', name: 'Devoir', section: 2, idnumber: 'devoir', completion: 1, grade: 100 },
        { modname: 'quiz', name: 'Quiz', section: 2, idnumber: 'quiz', completion: 1, grade: 10 },
        { modname: 'qbank', name: 'Banque de questions', section: 0 },
      ],
      users: [learner, other],
      completionCriteria: 'all',
    });
    admin = new MoodleClient({ url: live().url, token: live().adminToken, retryDelayMs: 0 });
  });

  it('core_webservice_get_site_info: the token user and the functions of its service', async () => {
    const info = await admin.getSiteInfo();
    expect(info.username).toBe('admin');
    expect(info.functions?.map((f) => f.name)).toContain('core_course_get_contents');
  });

  it('core_course_get_courses and core_course_get_courses_by_field (id, shortname, not found)', async () => {
    expect((await admin.getCourses([course.courseId]))[0]).toMatchObject({ id: course.courseId, enablecompletion: 1 });
    expect(await admin.getCourseByField('id', course.courseId)).toMatchObject({ shortname: `contract-${suffix}` });
    expect((await admin.getCourseByField('shortname', `contract-${suffix}`))?.id).toBe(course.courseId);
    expect(await admin.getCourseByField('id', 999_999)).toBeNull();
  });

  it('core_course_get_contents: named sections, every activity readable, the question bank too', async () => {
    const sections = await admin.getCourseContents(course.courseId);
    expect(sections.map((s) => s.name).slice(1)).toEqual(['Les communs', 'Accompagner']);
    const modules = sections.flatMap((s) => s.modules);
    expect(modules.filter((m) => m.unreadable)).toEqual([]);
    expect(modules.find((m) => m.id === course.cmids.lecture)).toMatchObject({ modname: 'page', completion: 2 });
    expect(modules.find((m) => m.id === course.cmids.bienvenue)).toMatchObject({ completion: 1 });
  });

  it('core_course_get_course_module(_by_instance): idnumbers, and none for the question bank', async () => {
    expect(await admin.getCourseModule(course.cmids.bienvenue!)).toMatchObject({ idnumber: 'bienvenue', completion: 1 });
    expect(await admin.getCourseModuleByInstance('page', course.instances.lecture!)).toMatchObject({ id: course.cmids.lecture, idnumber: 'lecture' });
    expect((await admin.getCourseModule(course.cmids['Banque de questions']!)).idnumber).toBe('');
    const idnumbers = await admin.getActivityIdnumbers(course.courseId);
    expect(Object.fromEntries(idnumbers)).toEqual({
      bienvenue: course.cmids.bienvenue, lecture: course.cmids.lecture, guide: course.cmids.guide, devoir: course.cmids.devoir, quiz: course.cmids.quiz,
    });
  });

  it('core_course_get_updates_since', async () => {
    const updates = await admin.getUpdatesSince(course.courseId, 0);
    expect(updates.instances.map((i) => i.id)).toContain(course.cmids.bienvenue);
  });

  it('core_enrol_get_enrolled_users and core_enrol_get_users_courses', async () => {
    const users = await admin.getEnrolledUsers(course.courseId);
    expect(users.map((u) => u.username).sort()).toEqual([learner.username, other.username].sort());
    expect((await admin.getUsersCourses(course.users[learner.username]!)).map((c) => c.id)).toEqual([course.courseId]);
  });

  it('core_user_get_users_by_field, core_user_create_users, enrol_manual_enrol_users, core_course_create_courses', async () => {
    expect((await admin.getUsersByField('username', [learner.username]))[0]?.id).toBe(course.users[learner.username]);
    expect(await admin.getUsersByField('username', ['nobody-here'])).toEqual([]);
    const [created] = await admin.createUsers([{ username: `new-${suffix}`, password: 'New-pass-123', firstname: 'Alex', lastname: 'Petit', email: `new-${suffix}@example.invalid` }]);
    const [newCourse] = await admin.createCourses([{ fullname: `Nouveau ${suffix}`, shortname: `new-${suffix}`, categoryid: 1, enablecompletion: true }]);
    await admin.enrolUsers([{ roleid: 5, userid: created!.id, courseid: newCourse!.id }]);
    expect((await admin.getEnrolledUsers(newCourse!.id)).map((u) => u.id)).toEqual([created!.id]);
  });

  it('a learner marks a manual activity, views a page, and completion reads back (batched and not)', async () => {
    const token = await learnerToken(live(), learner.username, learner.password);
    const asLearner = new MoodleClient({ url: live().url, token, retryDelayMs: 0 });
    expect((await asLearner.updateActivityCompletionManually(course.cmids.bienvenue!, true)).status).toBe(true);
    expect((await asLearner.viewPage(course.instances.lecture!)).status).toBe(true);
    const learnerId = course.users[learner.username]!;
    const statuses = await admin.getActivitiesCompletion(course.courseId, learnerId);
    const done = statuses.statuses.filter((s) => s.state > 0).map((s) => s.cmid).sort();
    expect(done).toEqual([course.cmids.bienvenue, course.cmids.lecture].sort());
    const [mine, theirs] = await admin.callEach(
      'core_completion_get_activities_completion_status',
      [{ courseid: course.courseId, userid: learnerId }, { courseid: course.courseId, userid: course.users[other.username]! }],
      (await import('../../src/moodle/index.js')).activitiesCompletionSchema,
    );
    expect(mine?.ok && mine.data.statuses.filter((s) => s.state > 0).length).toBe(2);
    expect(theirs?.ok && theirs.data.statuses.filter((s) => s.state > 0).length).toBe(0);
    const completion = await admin.getCourseCompletion(course.courseId, learnerId);
    expect(completion.completionstatus.completed).toBe(false);
    expect(completion.completionstatus.completions.filter((c) => c.complete).length).toBe(2);
    // Moodle refuses a learner reading another learner's completion.
    await expect(asLearner.getActivitiesCompletion(course.courseId, course.users[other.username]!)).rejects.toBeInstanceOf(MoodleError);
  });

  it('gradereport_user_get_grade_items', async () => {
    const grades = await admin.getGradeItems(course.courseId, course.users[learner.username]!);
    const items = grades.usergrades[0]?.gradeitems ?? [];
    expect(items.find((i) => i.cmid === course.cmids.devoir)).toMatchObject({ grademax: 100 });
    expect(items.find((i) => i.cmid === course.cmids.quiz)).toMatchObject({ grademax: 10 });
  });

  it('errors: bad token, unknown course, automatic activity marked by hand, bad password', async () => {
    const bad = new MoodleClient({ url: live().url, token: 'not-a-token', retryDelayMs: 0 });
    await expect(bad.getSiteInfo()).rejects.toBeInstanceOf(MoodleAuthError);
    await expect(admin.getCourseContents(999_999)).rejects.toBeInstanceOf(MoodleNotFoundError);
    const token = await learnerToken(live(), other.username, other.password);
    const asOther = new MoodleClient({ url: live().url, token, retryDelayMs: 0 });
    await expect(asOther.updateActivityCompletionManually(course.cmids.lecture!, true)).rejects.toMatchObject({ code: 'cannotmanualctrack' });
    await expect(requestLoginToken(live().url, other.username, 'wrong')).rejects.toBeInstanceOf(MoodleLoginError);
  });
});
