import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { upstreamError } from '../../src/graphql/errors.js';
import { MoodleClient, MoodleInvalidResponseError, resolveActivityIdnumbers, type MoodleShapeLogger } from '../../src/moodle/index.js';
import { courseModuleBody, loadFixture, replayMoodle, type MoodleRoute } from '../support/moodle.js';

afterEach(() => nock.cleanAll());

const URL = 'http://moodle.test';

/** The recorded course plus what a cartridge import adds: a question bank (cmid 9) and an odd activity (cmid 10). */
function contentsWithOddActivities(): string {
  const sections = loadFixture('core_course_get_contents').response as Array<{ modules: unknown[] }>;
  const qbank = {
    ...(sections[1]?.modules[0] as Record<string, unknown>),
    id: 9, name: 'Banque de questions', modname: 'qbank', modplural: 'Question banks', instance: 1, completion: 0,
  };
  // An activity of a plugin Pollen has never seen, without fields every core module has.
  const odd = { id: 10, name: 'Activité exotique', modname: 'exotic', visible: 1 };
  sections[1]?.modules.push(qbank, odd);
  return JSON.stringify(sections);
}

function warnings(): { logger: MoodleShapeLogger; lines: Array<{ details: Record<string, unknown>; message: string }> } {
  const lines: Array<{ details: Record<string, unknown>; message: string }> = [];
  return { logger: { warn: (details, message) => lines.push({ details, message }) }, lines };
}

const qbankModule = (cmid: number): MoodleRoute => ({
  wsfunction: 'core_course_get_course_module',
  params: [['cmid', String(cmid)]],
  // As the live Moodle answers for the qbank a cartridge import creates: idnumber null.
  body: courseModuleBody(3).replace(/"id":3,/, `"id":${cmid},`).replace(/"idnumber":"[^"]*"/, '"idnumber":null'),
});

describe('reading what Moodle really sends', () => {
  it('keeps an activity it cannot read, flagged, and logs the function and the fields at warn', async () => {
    replayMoodle(URL, [{ wsfunction: 'core_course_get_contents', body: contentsWithOddActivities() }]);
    const { logger, lines } = warnings();
    const client = new MoodleClient({ url: URL, token: 't', retryDelayMs: 0, logger });
    const modules = (await client.getCourseContents(2)).flatMap((s) => s.modules);
    expect(modules.map((m) => m.id).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(modules.find((m) => m.id === 9)).toMatchObject({ modname: 'qbank', completion: 0 });
    expect(modules.find((m) => m.id === 9)?.unreadable).toBeUndefined();
    const odd = modules.find((m) => m.id === 10);
    expect(odd).toMatchObject({ name: 'Activité exotique', modname: 'exotic', completion: 0 });
    expect(odd?.unreadable?.some((issue) => issue.startsWith('contextid:'))).toBe(true);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.details).toMatchObject({ wsfunction: 'core_course_get_contents', cmid: 10, modname: 'exotic' });
    expect(lines[0]?.details.issues).toEqual(expect.arrayContaining([expect.stringMatching(/^contextid:/)]));
  });

  it('reads a null idnumber as none: a question bank does not take the course down', async () => {
    const contents = contentsWithOddActivities();
    const perCm: MoodleRoute[] = [1, 2, 3, 4, 5, 6, 7, 8].map((cmid) => ({
      wsfunction: 'core_course_get_course_module',
      params: [['cmid', String(cmid)]],
      body: courseModuleBody(cmid),
    }));
    // cmid 10's description cannot be read either: it is left out, not fatal.
    const broken: MoodleRoute = { wsfunction: 'core_course_get_course_module', params: [['cmid', '10']], body: '{"cm":{"id":10},"warnings":[]}' };
    replayMoodle(URL, [{ wsfunction: 'core_course_get_contents', body: contents }, ...perCm, qbankModule(9), broken]);
    const { logger, lines } = warnings();
    const client = new MoodleClient({ url: URL, token: 't', retryDelayMs: 0, batch: 'never', logger });
    const idnumbers = await resolveActivityIdnumbers(client, 2);
    expect(idnumbers.get('types-associations')).toBe(3);
    expect([...idnumbers.values()]).not.toContain(9);
    expect([...idnumbers.values()]).not.toContain(10);
    expect(idnumbers.size).toBe(7);
    expect((await client.getCourseModule(9)).idnumber).toBe('');
    expect(lines.filter((l) => l.details.wsfunction === 'core_course_get_course_module')).toHaveLength(1);
  });

  it('says Moodle answered unexpectedly (its own code), not that Moodle refused the request', () => {
    const error = upstreamError('moodle', new MoodleInvalidResponseError('core_course_get_contents', ['0.modules: expected array']));
    expect(error.extensions.code).toBe('MOODLE_UNEXPECTED_RESPONSE');
    expect(error.message).toMatch(/inattendue/);
    expect(error.message).toContain('core_course_get_contents');
    expect(error.message).not.toMatch(/refused|refusé/);
    const refused = upstreamError('moodle', Object.assign(new Error('x'), { code: 'nopermissions' }));
    expect(refused.extensions.code).toBe('MOODLE_ERROR');
  });
});
