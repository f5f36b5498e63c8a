import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  MoodleAccessError,
  MoodleAuthError,
  MoodleClient,
  MoodleInvalidResponseError,
  MoodleLoginError,
  MoodleNotFoundError,
  MoodleUnavailableError,
  requestLoginToken,
} from '../../src/moodle/index.js';
import { countMoodleRequests, courseModuleRoutes, loadFixture, replayMoodle, type MoodleRoute } from '../support/moodle.js';

const URL_ = 'http://moodle.test';
const TOKEN = 'c0ffee0123456789abcdef0123456789';
const REST = '/webservice/rest/server.php';

function client(options: Partial<ConstructorParameters<typeof MoodleClient>[0]> = {}): MoodleClient {
  return new MoodleClient({ url: `${URL_}/`, token: TOKEN, retryDelayMs: 0, ...options });
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('MoodleClient against replayed Moodle answers', () => {
  it('posts the token, the function and JSON format in a form body, and returns the validated answer', async () => {
    const moodle = replayMoodle(URL_, ['core_webservice_get_site_info']);
    const info = await client().getSiteInfo();
    expect(info).toMatchObject({ sitename: 'Moodle Lab', userid: 2, release: '5.1+ (Build: 20251017)' });
    const form = moodle.requests[0]?.form;
    expect(form?.get('wstoken')).toBe(TOKEN);
    expect(form?.get('wsfunction')).toBe('core_webservice_get_site_info');
    expect(form?.get('moodlewsrestformat')).toBe('json');
  });

  it('sends nested parameters in bracket notation', async () => {
    const moodle = replayMoodle(URL_, ['core_course_get_courses', 'core_course_create_courses']);
    expect((await client().getCourses([2]))[0]).toMatchObject({ id: 2, shortname: 'MOOC-ASSO', numsections: 3 });
    const created = await client().createCourses([
      {
        fullname: 'MOOC Accompagner les associations',
        shortname: 'MOOC-ASSO',
        categoryid: 1,
        idnumber: 'MOOC-ASSO-2025',
        summary: '<p>MOOC pour accompagner les associations : gouvernance, financement, bénévolat.</p>',
        summaryformat: 1,
        format: 'topics',
        showgrades: true,
        enablecompletion: true,
        courseformatoptions: [{ name: 'numsections', value: '3' }],
      },
    ]);
    expect(created).toEqual([{ id: 2, shortname: 'MOOC-ASSO' }]);
    expect(moodle.requests[0]?.form.get('options[ids][0]')).toBe('2');
    expect(moodle.requests[1]?.form.get('courses[0][courseformatoptions][0][name]')).toBe('numsections');
    expect(moodle.requests[1]?.form.get('courses[0][enablecompletion]')).toBe('1');
    expect(moodle.unmatched).toEqual([]);
  });

  it('tells learners apart by the userid they are asked about', async () => {
    const moodle = replayMoodle(URL_, [
      'core_completion_get_activities_completion_status',
      'core_completion_get_activities_completion_status.learner2_nothing_done',
    ]);
    const learner1 = await client().getActivitiesCompletion(2, 3);
    const learner2 = await client().getActivitiesCompletion(2, 4);
    expect(learner1.statuses.filter((s) => s.state === 1).map((s) => s.cmid)).toEqual([2, 3, 5, 6]);
    expect(learner2.statuses.filter((s) => s.state === 1)).toEqual([]);
    expect(moodle.requests.map((r) => r.route)).toEqual([
      'core_completion_get_activities_completion_status',
      'core_completion_get_activities_completion_status.learner2_nothing_done',
    ]);
  });

  it('tells the admin and a learner apart by token when asked to', async () => {
    replayMoodle(URL_, ['core_webservice_get_site_info', 'core_webservice_get_site_info.learner1'], {
      tokens: { admin: 'admin-token', learner1: 'learner-token' },
    });
    expect((await client({ token: 'learner-token' }).getSiteInfo()).username).toBe('learner1');
    expect((await client({ token: 'admin-token' }).getSiteInfo()).username).toBe('admin');
  });

  it('returns null and empty lists for what Moodle does not find', async () => {
    replayMoodle(URL_, ['core_course_get_courses_by_field.notfound', 'core_user_get_users_by_field.notfound', 'core_course_get_courses_by_field']);
    expect(await client().getCourseByField('id', 999)).toBeNull();
    expect(await client().getCourse(999)).toBeUndefined();
    expect(await client().getUsersByField('email', ['nobody@example.com'])).toEqual([]);
    expect((await client().getCourse(2))?.shortname).toBe('MOOC-ASSO');
  });

  it('accepts the null answer of a successful enrolment', async () => {
    const moodle = replayMoodle(URL_, ['enrol_manual_enrol_users']);
    await expect(
      client().enrolUsers([
        { roleid: 5, userid: 3, courseid: 2 },
        { roleid: 5, userid: 4, courseid: 2 },
      ]),
    ).resolves.toBeUndefined();
    expect(moodle.requests[0]?.form.get('enrolments[1][userid]')).toBe('4');
  });

  it('marks and un-marks an activity as done, completed sent as 1 or 0', async () => {
    const moodle = replayMoodle(URL_, [
      'core_completion_update_activity_completion_status_manually.cmid5',
      'core_completion_update_activity_completion_status_manually.uncomplete_cmid5',
    ]);
    expect(await client().updateActivityCompletionManually(5, true)).toEqual({ status: true, warnings: [] });
    expect(await client().updateActivityCompletionManually(5, false)).toEqual({ status: true, warnings: [] });
    expect(moodle.requests.map((r) => r.route)).toEqual([
      'core_completion_update_activity_completion_status_manually.cmid5',
      'core_completion_update_activity_completion_status_manually.uncomplete_cmid5',
    ]);
  });

  it('turns an HTTP 200 error body into a typed error without the token', async () => {
    replayMoodle(URL_, ['error_invalid_token']);
    const error = await client().getSiteInfo().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MoodleAuthError);
    expect(error).toMatchObject({ code: 'invalidtoken', wsfunction: 'core_webservice_get_site_info' });
    expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain(TOKEN);
  });

  it('reports an answer of an unexpected shape as invalidresponse, naming the function', async () => {
    replayMoodle(URL_, [{ wsfunction: 'core_course_get_contents', body: '{"courses":[]}' }]);
    const error = await client().getCourseContents(2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MoodleInvalidResponseError);
    expect(error).toMatchObject({ code: 'invalidresponse', wsfunction: 'core_course_get_contents' });
    expect((error as Error).message).toContain('core_course_get_contents');
  });

  it('answers HTTP 501 to a request no fixture matches, and lists it', async () => {
    const moodle = replayMoodle(URL_, ['core_course_get_contents']);
    await expect(client().getCourseContents(3)).rejects.toBeInstanceOf(MoodleUnavailableError);
    expect(moodle.unmatched.map((r) => r.form.get('courseid'))).toEqual(['3']);
  });
});

describe('logging a learner in (/login/token.php)', () => {
  it('returns the token and sends username, password and the mobile service', async () => {
    const moodle = replayMoodle(URL_, ['login_token']);
    expect(await requestLoginToken(URL_, 'learner1', 'Learner#2025')).toEqual({
      token: '6d55759d23836e5d0fe28364a23fa11a',
      privatetoken: null,
    });
    expect(Object.fromEntries(moodle.requests[0]?.form ?? [])).toEqual({
      username: 'learner1',
      password: 'Learner#2025',
      service: 'moodle_mobile_app',
    });
  });

  it('throws MoodleLoginError on a bad password, without the password', async () => {
    replayMoodle(URL_, ['error_login_token_invalidlogin']);
    const error = await requestLoginToken(URL_, 'learner1', 'wrong-Pa55').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MoodleLoginError);
    expect(error).toMatchObject({ code: 'invalidlogin' });
    expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain('wrong-Pa55');
  });
});

describe('batches (tool_mobile_call_external_functions)', () => {
  it('return each answer in order; one failing request does not fail the others', async () => {
    const moodle = replayMoodle(URL_, ['tool_mobile_call_external_functions']);
    const results = await client().callBatch(
      [3, 4, 999].map((userid) => ({ wsfunction: 'core_completion_get_activities_completion_status', args: { courseid: 2, userid } })),
    );
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    const failed = results[2];
    expect(failed?.ok === false && failed.error).toBeInstanceOf(MoodleNotFoundError);
    expect(failed?.ok === false && failed.error.code).toBe('invalidrecordunknown');
    expect(moodle.count()).toBe(1);
  });

  it('validate each answer when asked for the completion of several learners', async () => {
    replayMoodle(URL_, ['tool_mobile_call_external_functions']);
    const results = await client().getActivitiesCompletionOfUsers(2, [3, 4, 999]);
    const [learner1] = results;
    expect(learner1?.ok && learner1.data.statuses.filter((s) => s.state === 1).length).toBe(4);
    expect(results[2]?.ok).toBe(false);
  });

  it('fall back to separate calls when the token service lacks the batch function', async () => {
    const denied = loadFixture('error_function_not_in_service').raw_response;
    const c = client();
    const moodle = replayMoodle(URL_, [
      { wsfunction: 'tool_mobile_call_external_functions', body: denied },
      'core_completion_get_activities_completion_status',
      'core_completion_get_activities_completion_status.learner2_nothing_done',
    ]);
    const results = await c.getActivitiesCompletionOfUsers(2, [3, 4]);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    await c.getActivitiesCompletionOfUsers(2, [3]);
    // The batch is tried once per client, then not again.
    expect(countMoodleRequests(moodle)).toEqual({
      tool_mobile_call_external_functions: 1,
      core_completion_get_activities_completion_status: 3,
    });
  });
});

describe('activity idnumbers of a course', () => {
  const { batch, perCm, expected } = courseModuleRoutes();

  it('resolve idnumbers to cmids with one batch after the contents', async () => {
    const c = client();
    const moodle = replayMoodle(URL_, ['core_course_get_contents', batch]);
    expect(await c.getActivityIdnumbers(2)).toEqual(expected);
    expect(moodle.count()).toBe(2);
    expect(c.stats.httpRequests).toBe(2);
    expect(moodle.requests[1]?.form.get('requests[7][arguments]')).toBe('{"cmid":8}');
  });

  it('resolve them with one call per activity when batches are off', async () => {
    const moodle = replayMoodle(URL_, ['core_course_get_contents', ...perCm]);
    expect(await client({ batch: 'never' }).getActivityIdnumbers(2)).toEqual(expected);
    expect(moodle.count('core_course_get_course_module')).toBe(8);
    expect(moodle.count('tool_mobile_call_external_functions')).toBe(0);
  });
});

describe('when Moodle is unavailable', () => {
  it('reports a network failure as MoodleUnavailableError, retrying reads', async () => {
    nock(URL_).post(REST).times(3).replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
    const c = client({ maxRetries: 2 });
    const error = await c.getCourseContents(2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MoodleUnavailableError);
    expect(error).toMatchObject({ code: 'networkerror' });
    expect(c.stats.httpRequests).toBe(3);
  });

  it('succeeds when a retry of a read gets through', async () => {
    nock(URL_).post(REST).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    replayMoodle(URL_, ['core_course_get_contents']);
    const c = client();
    expect(await c.getCourseContents(2)).toHaveLength(4);
    expect(c.stats.httpRequests).toBe(2);
  });

  it('never retries a write', async () => {
    nock(URL_).post(REST).times(3).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    const c = client({ maxRetries: 2 });
    await expect(c.updateActivityCompletionManually(2, true)).rejects.toBeInstanceOf(MoodleUnavailableError);
    expect(c.stats.httpRequests).toBe(1);
  });

  it('reports a non-JSON answer (PHP error page) as MoodleUnavailableError, without quoting it', async () => {
    nock(URL_).post(REST).reply(200, `<html>Fatal error: wstoken=${TOKEN}</html>`);
    const c = client();
    const error = await c.getSiteInfo().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MoodleUnavailableError);
    expect(error).toMatchObject({ code: 'invalidjson' });
    expect(String(error)).not.toContain(TOKEN);
    expect(c.stats.httpRequests).toBe(1);
  });

  it('reports HTTP 5xx as MoodleUnavailableError with the status, retrying 503 on reads', async () => {
    nock(URL_).post(REST).times(2).reply(503, 'Service Unavailable');
    const c = client({ maxRetries: 1 });
    const error = await c.getSiteInfo().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'httperror', httpStatus: 503 });
    expect(c.stats.httpRequests).toBe(2);
  });

  it('gives up after timeoutMs', async () => {
    const hangingFetch: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const error = await client({ fetch: hangingFetch, timeoutMs: 20, maxRetries: 0 }).getSiteInfo().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MoodleUnavailableError);
    expect(error).toMatchObject({ code: 'timeout' });
  });

  it('scrubs the token even from a network error that quotes it', async () => {
    const leakyFetch: typeof fetch = () => Promise.reject(new Error(`proxy refused body wstoken=${TOKEN}`));
    const error = await client({ fetch: leakyFetch, maxRetries: 0 }).getSiteInfo().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MoodleUnavailableError);
    expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain(TOKEN);
  });

  it('never shows the token when the client itself is printed', () => {
    expect(JSON.stringify(client())).not.toContain(TOKEN);
  });
});

describe('typed errors callers can branch on', () => {
  it('a learner asking for another learner gets MoodleAccessError (nopermissions)', async () => {
    replayMoodle(URL_, ['error_required_capability']);
    await expect(client().getActivitiesCompletion(2, 4)).rejects.toBeInstanceOf(MoodleAccessError);
  });

  it('call() accepts any function with the caller\'s schema', async () => {
    replayMoodle(URL_, ['mod_page_view_page']);
    expect(await client().call('mod_page_view_page', { pageid: 4 }, z.object({ status: z.boolean() }))).toEqual({ status: true });
  });
});
