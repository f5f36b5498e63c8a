import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  MoodleAccessError,
  MoodleAuthError,
  MoodleClient,
  MoodleError,
  MoodleInvalidParameterError,
  MoodleLoginError,
  MoodleNotFoundError,
  requestLoginToken,
  type MoodleErrorClass,
  type MoodleParams,
} from '../../src/moodle/index.js';
import { listFixtures, loadFixture, replayMoodle } from '../support/moodle.js';

const URL_ = 'http://moodle.test';
const TOKEN = 'c0ffee0123456789abcdef0123456789';
const PASSWORD = 'S3cret#Learner';

/** What each recorded Moodle error must become. */
const expected: Record<string, { errorClass: MoodleErrorClass; code: string }> = {
  error_completion_manual_on_auto_activity: { errorClass: MoodleError, code: 'cannotmanualctrack' },
  error_course_module_not_found: { errorClass: MoodleNotFoundError, code: 'invalidrecordunknown' },
  error_course_not_found: { errorClass: MoodleNotFoundError, code: 'invalidrecordunknown' },
  error_duplicate_username: { errorClass: MoodleInvalidParameterError, code: 'invalidparameter' },
  error_enrol_unknown_user: { errorClass: MoodleNotFoundError, code: 'invalidrecordunknown' },
  error_function_not_in_service: { errorClass: MoodleAccessError, code: 'accessexception' },
  error_invalid_parameter: { errorClass: MoodleInvalidParameterError, code: 'invalidparameter' },
  error_invalid_token: { errorClass: MoodleAuthError, code: 'invalidtoken' },
  error_invalidparameter_with_debuginfo: { errorClass: MoodleInvalidParameterError, code: 'invalidparameter' },
  error_login_token_invalidlogin: { errorClass: MoodleLoginError, code: 'invalidlogin' },
  error_required_capability: { errorClass: MoodleAccessError, code: 'nopermissions' },
  error_unknown_function: { errorClass: MoodleNotFoundError, code: 'invalidrecordunknown' },
};

/** Replays one error fixture and returns what the client threw. */
async function errorOf(name: string): Promise<unknown> {
  const { request } = loadFixture(name);
  replayMoodle(URL_, [name]);
  try {
    if (request.path === '/login/token.php') {
      await requestLoginToken(URL_, 'learner1', PASSWORD);
    } else {
      const params = (Array.isArray(request.params) ? {} : request.params) as MoodleParams;
      await new MoodleClient({ url: URL_, token: TOKEN }).call(request.wsfunction ?? '', params, z.unknown());
    }
  } catch (error) {
    return error;
  }
  throw new Error(`${name} did not fail`);
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('Moodle errors (HTTP 200 with an exception body) become typed errors', () => {
  const errorFixtures = listFixtures().filter((name) => name.startsWith('error_'));

  it('have an expected class for every recorded error (a new error fixture fails here)', () => {
    expect(errorFixtures.filter((name) => !(name in expected))).toEqual([]);
  });

  it.each(errorFixtures)('%s', async (name) => {
    const { errorClass, code } = expected[name] ?? { errorClass: MoodleError, code: '?' };
    const error = await errorOf(name);
    expect(error).toBeInstanceOf(errorClass);
    if (errorClass === MoodleError) expect((error as object).constructor).toBe(MoodleError);
    const moodleError = error as MoodleError;
    expect(moodleError.code).toBe(code);
    expect(moodleError.message).toContain(code);
    const text = `${moodleError.message} ${JSON.stringify(moodleError)} ${String(moodleError.stack)}`;
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(PASSWORD);
  });

  it('keep the Moodle exception class and the function that failed', async () => {
    const error = (await errorOf('error_required_capability')) as MoodleError;
    expect(error.exception).toBe('core\\exception\\required_capability_exception');
    expect(error.wsfunction).toBe('core_completion_get_activities_completion_status');
    expect(error.message).toContain('View activity completion reports');
  });

  it('keep debuginfo (it may hold SQL) off the message and out of JSON, but available', async () => {
    const error = (await errorOf('error_invalidparameter_with_debuginfo')) as MoodleError;
    expect(error.message).not.toContain('Unexpected keys');
    expect(JSON.stringify(error)).not.toContain('Unexpected keys');
    expect(Object.keys(error)).not.toContain('debugInfo');
    expect(error.debugInfo).toContain('Unexpected keys (showcompletionconditions)');
  });

  it('say which login failed without the password', async () => {
    const error = (await errorOf('error_login_token_invalidlogin')) as MoodleLoginError;
    expect(error.message).toBe('Moodle refused the login of learner1: Invalid login, please try again [invalidlogin]');
  });
});
