import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import type { GatewayDeps } from '../../src/graphql/context.js';
import { MoodleClient } from '../../src/moodle/index.js';
import { courseModuleRoutes, replayMoodle } from '../support/moodle.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { startGateway, type RunningGateway } from './http.js';

const MOODLE = 'http://moodle.test';
let wiki: LocalWiki;
let gateway: RunningGateway;
let deps: GatewayDeps;

beforeAll(async () => {
  wiki = await startWiki();
  replayMoodle(MOODLE, ['core_course_get_courses_by_field', 'core_course_get_contents', 'core_webservice_get_site_info', courseModuleRoutes().batch]);
  deps = {
    // Few, short retries: the point is what the gateway answers once the wiki gives up.
    wiki: await wiki.botClient({ maxRetries: 1, retryBaseMs: 10 }),
    wikiMode: 'test wiki',
    moodle: { api: new MoodleClient({ url: MOODLE, token: 'test-token', retryDelayMs: 0 }), courseId: 2, siteUrl: MOODLE },
    curriculum: await loadCurriculum('course-modules'),
    moodleActivityMap: new Map(),
    probes: [],
  };
  gateway = await startGateway(deps);
  await wiki.stop(); // the wiki goes down; Moodle still answers
});

afterAll(async () => {
  await gateway?.close();
  nock.cleanAll();
});

describe('when the wiki is down and Moodle answers', () => {
  it('still serves the Moodle course and reports the wiki field with WIKI_UNAVAILABLE', async () => {
    const { status, data, errors } = await gateway.query('{ course { shortName sections { name } } wikiPage(title: "Accueil") { exists } }');
    expect(status).toBe(200);
    expect(data!.course.shortName).toBe('MOOC-ASSO');
    expect(data!.course.sections.length).toBe(4);
    expect(data!.wikiPage).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors![0]).toMatchObject({ path: ['wikiPage'], extensions: { code: 'WIKI_UNAVAILABLE', upstream: 'wiki' } });
    expect(JSON.stringify(errors)).not.toMatch(/RobotPass|lgpassword|token/i);
  });

  it('keeps the curriculum readable; only each module\'s wiki page is in error', async () => {
    const { data, errors } = await gateway.query('{ curriculum { moduleCount modules { slug title } } module(slug: "logiciel-libre") { title wikiPage { exists } } }');
    expect(data!.curriculum.moduleCount).toBeGreaterThanOrEqual(17);
    expect(data!.module).toEqual({ title: 'Le logiciel libre et ses quatre libertés', wikiPage: null });
    expect(errors?.map((e) => e.extensions?.code)).toEqual(['WIKI_UNAVAILABLE']);
    expect(errors?.[0]?.path).toEqual(['module', 'wikiPage']);
  });

  it('returns module hits of a search, then one null item carrying the wiki error', async () => {
    const { data, errors } = await gateway.query('{ search(text: "logiciel libre") { ... on ModuleSearchHit { module { slug } } } }');
    const hits = data!.search as Array<{ module?: { slug: string } } | null>;
    expect(hits[0]?.module?.slug).toBe('logiciel-libre');
    expect(hits.at(-1)).toBeNull();
    expect(errors?.[0]?.extensions?.code).toBe('WIKI_UNAVAILABLE');
  });

  it('says in /health which upstream is down, with HTTP 503', async () => {
    const res = await fetch(`${gateway.url}/health`);
    expect(res.status).toBe(503);
    const health = (await res.json()) as { ok: boolean; upstreams: Array<{ name: string; ok: boolean; error: string | null }> };
    expect(health.ok).toBe(false);
    expect(health.upstreams.find((u) => u.name === 'wiki')).toMatchObject({ ok: false, error: 'unreachable' });
    expect(health.upstreams.find((u) => u.name === 'moodle')).toMatchObject({ ok: true });
  });

  it('counts the failed wiki calls as unavailable in /metrics', async () => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(Number(text.match(/^pollen_upstream_calls_total\{upstream="wiki",outcome="unavailable"\} (\d+)$/m)?.[1])).toBeGreaterThanOrEqual(3);
  });
});
