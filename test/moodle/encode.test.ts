import { describe, expect, it } from 'vitest';
import { encodeForm, encodeJsonArguments, encodeRestCall, flattenParams, type MoodleParams } from '../../src/moodle/index.js';
import { listFixtures, loadFixture } from '../support/moodle.js';

describe('the Moodle parameter encoder', () => {
  it('spells nested arrays and objects in PHP bracket notation', () => {
    expect(
      flattenParams({
        courses: [{ fullname: 'MOOC', categoryid: 1, courseformatoptions: [{ name: 'numsections', value: '3' }] }],
      }),
    ).toEqual([
      ['courses[0][fullname]', 'MOOC'],
      ['courses[0][categoryid]', '1'],
      ['courses[0][courseformatoptions][0][name]', 'numsections'],
      ['courses[0][courseformatoptions][0][value]', '3'],
    ]);
    expect(flattenParams({ options: { ids: [2, 5] } })).toEqual([
      ['options[ids][0]', '2'],
      ['options[ids][1]', '5'],
    ]);
  });

  it('sends booleans as 1 and 0', () => {
    expect(flattenParams({ cmid: 5, completed: true })).toEqual([['cmid', '5'], ['completed', '1']]);
    expect(flattenParams({ completed: false })).toEqual([['completed', '0']]);
  });

  it('sends dates as Unix timestamps in seconds', () => {
    expect(flattenParams({ since: new Date('2026-11-20T00:00:01.999Z') })).toEqual([['since', '1795132801']]);
  });

  it('leaves out null and undefined parameters, so optional ones can simply be omitted', () => {
    expect(flattenParams({ courseid: 2, userid: undefined, filter: null })).toEqual([['courseid', '2']]);
  });

  it('refuses numbers PHP cannot read', () => {
    expect(() => flattenParams({ courseid: Number.NaN })).toThrow(/courseid/);
  });

  it('form-encodes like PHP: brackets escaped, spaces as +', () => {
    expect(encodeForm(flattenParams({ users: [{ firstname: 'Anne Marie', email: 'a@b.fr' }] }))).toBe(
      'users%5B0%5D%5Bfirstname%5D=Anne+Marie&users%5B0%5D%5Bemail%5D=a%40b.fr',
    );
  });

  it('puts the token in the body, first, and the function and JSON format after it', () => {
    expect(encodeRestCall('secret-token', 'core_course_get_contents', { courseid: 2 })).toBe(
      'wstoken=secret-token&wsfunction=core_course_get_contents&moodlewsrestformat=json&courseid=2',
    );
  });

  it('encodes batch arguments as the JSON strings the recorded batch sent', () => {
    const fixture = loadFixture('tool_mobile_call_external_functions');
    const sent = (fixture.request.params as { requests: Array<{ arguments: string }> }).requests[0]?.arguments;
    expect(encodeJsonArguments({ courseid: 2, userid: 3 })).toBe(sent);
    expect(encodeJsonArguments({ since: new Date(1_000_000), skip: undefined })).toBe('{"since":1000}');
  });

  describe('reproduces the exact form body of every recorded REST call', () => {
    const recorded = listFixtures().filter((name) => loadFixture(name).request.form_body_without_token !== undefined);
    it.each(recorded)('%s', (name) => {
      const { request } = loadFixture(name);
      const params = (Array.isArray(request.params) ? {} : request.params) as MoodleParams;
      const body = encodeForm([
        ['wsfunction', request.wsfunction ?? ''],
        ['moodlewsrestformat', 'json'],
        ...flattenParams(params),
      ]);
      expect(body).toBe(request.form_body_without_token);
    });
  });
});
