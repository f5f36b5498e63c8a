import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { loginTokenSchema, responseSchemas } from '../../src/moodle/index.js';
import { listFixtures, loadFixture } from '../support/moodle.js';

const successFixtures = listFixtures().filter((name) => !name.startsWith('error_'));

function schemaFor(name: string): z.ZodType | undefined {
  const { request } = loadFixture(name);
  if (request.path === '/login/token.php') return loginTokenSchema;
  const wsfunction = request.wsfunction ?? '';
  return wsfunction in responseSchemas ? responseSchemas[wsfunction as keyof typeof responseSchemas] : undefined;
}

describe('the response schemas, built from the answers recorded from a real Moodle', () => {
  it('cover every recorded success (a new fixture without a schema fails here)', () => {
    expect(successFixtures.filter((name) => schemaFor(name) === undefined)).toEqual([]);
    expect(successFixtures.length).toBeGreaterThan(30);
  });

  it.each(successFixtures)('accept %s', (name) => {
    const fixture = loadFixture(name);
    expect(fixture.http_status).toBe(200);
    expect(JSON.parse(fixture.raw_response)).toEqual(fixture.response);
    const parsed = schemaFor(name)?.safeParse(fixture.response);
    expect(parsed?.error?.issues ?? []).toEqual([]);
  });

  it('keep the fields callers rely on', () => {
    const contents = responseSchemas.core_course_get_contents.parse(loadFixture('core_course_get_contents.learner1').response);
    const page6 = contents.flatMap((s) => s.modules).find((m) => m.id === 6);
    expect(page6).toMatchObject({ modname: 'page', instance: 4, completion: 2, completiondata: { state: 1, isautomatic: true } });

    const cm = responseSchemas.core_course_get_course_module.parse(loadFixture('core_course_get_course_module').response).cm;
    expect(cm).toMatchObject({ id: 3, course: 2, idnumber: 'types-associations' });

    const grades = responseSchemas.gradereport_user_get_grade_items.parse(loadFixture('gradereport_user_get_grade_items.learner1').response);
    expect(grades.usergrades[0]?.gradeitems.find((item) => item.cmid === 7)).toMatchObject({ graderaw: 85, grademax: 100 });
  });

  it('accept the recorded "not found" answers, which are not errors', () => {
    expect(responseSchemas.core_course_get_courses_by_field.parse(loadFixture('core_course_get_courses_by_field.notfound').response).courses).toEqual([]);
    expect(responseSchemas.core_user_get_users_by_field.parse(loadFixture('core_user_get_users_by_field.notfound').response)).toEqual([]);
    expect(responseSchemas.enrol_manual_enrol_users.parse(loadFixture('enrol_manual_enrol_users').response)).toBeNull();
  });

  it('reject an answer of another shape', () => {
    expect(responseSchemas.core_course_get_contents.safeParse({ courses: [] }).success).toBe(false);
    expect(responseSchemas.enrol_manual_enrol_users.safeParse([]).success).toBe(false);
  });
});
