import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { closestSetting, unknownSettingMessage, unknownSettings } from '../../src/config/unknown.js';
import { checkHealth } from '../../src/graphql/health.js';
import type { GatewayDeps } from '../../src/graphql/context.js';
import { checkMoodleSettings } from '../../src/moodle/check.js';
import { MoodleClient } from '../../src/moodle/index.js';
import { replayMoodle } from '../support/moodle.js';

afterEach(() => nock.cleanAll());
const URL = 'http://moodle.test';

describe('settings people get wrong', () => {
  it('warns about unknown POLLEN_*, MOODLE_*, WIKI_* variables with the closest known name, never their values', () => {
    const unknown = unknownSettings({ POLLEN_MOODLE_URL: 'https://secret.example', MOODLE_TOKNE: 'x', WIKI_API: 'y', MOODLE_URL: 'ok', HOME: '/root', POLLEN_PORT: '1' });
    expect(unknown).toEqual([
      { name: 'MOODLE_TOKNE', closest: 'MOODLE_TOKEN' },
      { name: 'POLLEN_MOODLE_URL', closest: 'MOODLE_URL' },
      { name: 'POLLEN_PORT', closest: expect.any(String) },
      { name: 'WIKI_API', closest: 'WIKI_API_URL' },
    ]);
    expect(unknownSettingMessage(unknown[1]!)).toBe('Variable inconnue POLLEN_MOODLE_URL, ignorée : vouliez-vous dire MOODLE_URL ?');
    expect(unknown.map(unknownSettingMessage).join('\n')).not.toContain('secret');
    expect(closestSetting('POLLEN_STORE_PTH')).toBe('POLLEN_STORE_PATH');
  });

  it('names MOODLE_TOKEN when Moodle refuses the token', async () => {
    replayMoodle(URL, ['error_invalid_token']);
    const { problems } = await checkMoodleSettings(new MoodleClient({ url: URL, token: 'wrong', retryDelayMs: 0 }), 2);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^MOODLE_TOKEN : /);
    expect(problems[0]).not.toContain('wrong');
  });

  it('names MOODLE_COURSE_ID when the course does not exist, and /health marks Moodle down', async () => {
    const notFound = { wsfunction: 'core_course_get_courses_by_field', body: JSON.stringify({ courses: [], warnings: [] }) };
    replayMoodle(URL, ['core_webservice_get_site_info', notFound]);
    const client = new MoodleClient({ url: URL, token: 't', retryDelayMs: 0 });
    const { problems } = await checkMoodleSettings(client, 99);
    expect(problems).toEqual([expect.stringMatching(/^MOODLE_COURSE_ID=99 : aucun cours/)]);
    const deps = {
      wiki: { request: async () => ({ query: { general: { generator: 'MediaWiki' } } }) },
      wikiMode: 'fake', moodle: { api: client, courseId: 99, siteUrl: URL }, curriculum: [], probes: [],
    } as unknown as GatewayDeps;
    const health = await checkHealth(deps);
    expect(health.ok).toBe(false);
    expect(health.upstreams.find((u) => u.name === 'moodle')).toMatchObject({ ok: false, mode: 'moodle', error: 'MOODLE_COURSE_ID: no such course' });
  });
});
