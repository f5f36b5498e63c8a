import { describe, expect, it } from 'vitest';
import { MoodleAccessError, MoodleAuthError, MoodleError, MoodleNotFoundError, MoodleUnavailableError, moodleSettingProblem } from '../../src/moodle/index.js';

const settings = { url: 'https://user:secret@moodle.example.org/', courseId: 999 };

describe('a Moodle error met with the site settings names the setting, in French', () => {
  it('MOODLE_TOKEN for a refused token or a missing right, MOODLE_COURSE_ID for a course-wide not-found, MOODLE_URL for an address', () => {
    expect(moodleSettingProblem(new MoodleAuthError('x', { code: 'invalidtoken' }), settings)).toMatch(/^MOODLE_TOKEN : Moodle refuse ce jeton \(code invalidtoken\)\. Vérifiez MOODLE_TOKEN/);
    expect(moodleSettingProblem(new MoodleAccessError('x', { code: 'accessexception', wsfunction: 'core_enrol_get_enrolled_users' }), settings)).toMatch(
      /^MOODLE_TOKEN : le jeton n’a pas le droit d’appeler core_enrol_get_enrolled_users \(code accessexception\)/,
    );
    expect(moodleSettingProblem(new MoodleNotFoundError('Can’t find data record in database.', { code: 'invalidrecord', wsfunction: 'core_enrol_get_enrolled_users' }), settings)).toMatch(
      /^MOODLE_COURSE_ID=999 : aucun cours de ce numéro dans Moodle/,
    );
    const network = moodleSettingProblem(new MoodleUnavailableError('x', { code: 'networkerror' }), settings);
    expect(network).toMatch(/^MOODLE_URL : Moodle ne répond pas à https:\/\/moodle\.example\.org \(code networkerror\)/);
    expect(network).not.toContain('secret');
    expect(moodleSettingProblem(new MoodleUnavailableError('x', { code: 'httperror', httpStatus: 404 }), settings)).toMatch(/^MOODLE_URL : https:\/\/moodle\.example\.org ne répond pas comme un Moodle \(code httperror, HTTP 404\)/);
  });

  it('says nothing for errors that are not about the settings', () => {
    expect(moodleSettingProblem(new MoodleNotFoundError('x', { code: 'invalidrecord', wsfunction: 'core_course_get_course_module' }), settings)).toBeUndefined();
    expect(moodleSettingProblem(new MoodleError('x', { code: 'cannotmanualctrack' }), settings)).toBeUndefined();
    expect(moodleSettingProblem(new Error('x'), settings)).toBeUndefined();
  });
});
