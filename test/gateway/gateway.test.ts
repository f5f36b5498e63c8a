import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import type { GatewayDeps } from '../../src/graphql/context.js';
import { MoodleClient } from '../../src/moodle/index.js';
import { WikiClient } from '../../src/wiki/index.js';
import { courseModuleRoutes, replayMoodle, type MoodleReplay } from '../support/moodle.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { fixtureCurriculum } from '../progress/support.js';
import { startGateway, type RunningGateway } from './http.js';

const MOODLE = 'http://moodle.test';

let wiki: LocalWiki;
let bot: WikiClient;
let moodleReplay: MoodleReplay;
let gateway: RunningGateway;
let deps: GatewayDeps;
let pageTitles: string[];

beforeAll(async () => {
  wiki = await startWiki();
  pageTitles = await wiki.createPages(120, 'Fiche outil');
  await wiki.createPages([
    {
      title: 'Nextcloud',
      text: "{{Infobox|type=logiciel}}\n'''Nextcloud''' est une suite collaborative libre que des [[CHATONS]] hébergent pour les associations.\n\n== Usages ==\n* Partage de fichiers\n[[Catégorie:Logiciel libre]]",
    },
    { title: 'Framadate', text: 'Framadate sert à organiser des rendez-vous sans compte.\n[[Catégorie:Logiciel libre]]' },
  ]);
  await wiki.humanEdit('Nextcloud', "{{Infobox|type=logiciel}}\n'''Nextcloud''' est une suite collaborative libre que des [[CHATONS]] hébergent pour les associations.\n\n== Usages ==\n* Partage de fichiers\n* Agenda partagé\n[[Catégorie:Logiciel libre]]", 'Ajout de l’agenda');
  bot = await wiki.botClient();
  const { batch } = courseModuleRoutes();
  moodleReplay = replayMoodle(MOODLE, [
    'core_course_get_courses_by_field',
    'core_course_get_contents',
    'core_webservice_get_site_info',
    batch,
  ]);
  deps = {
    wiki: bot,
    wikiMode: 'test wiki',
    moodle: { api: new MoodleClient({ url: MOODLE, token: 'test-token', retryDelayMs: 0 }), courseId: 2, siteUrl: MOODLE },
    curriculum: await loadCurriculum('course-modules'),
    moodleActivityMap: new Map([['logiciel-libre', 2]]),
    probes: [],
  };
  gateway = await startGateway(deps);
});

afterAll(async () => {
  await gateway?.close();
  moodleReplay?.stop();
  nock.cleanAll();
  await wiki?.stop();
});

describe('wiki pages through the gateway', () => {
  it('returns a page with its summary, last revision, contributors and categories', async () => {
    const { data, errors } = await gateway.query(`{
      wikiPage(title: "Nextcloud") {
        title exists url summary categories contributors
        lastRevision { id user comment timestamp }
      }
    }`);
    expect(errors).toBeUndefined();
    const page = data!.wikiPage;
    expect(page).toMatchObject({ title: 'Nextcloud', exists: true });
    expect(page.summary).toBe('Nextcloud est une suite collaborative libre que des CHATONS hébergent pour les associations.');
    expect(page.lastRevision).toMatchObject({ user: 'Admin', comment: 'Ajout de l’agenda' });
    expect(page.contributors).toEqual(expect.arrayContaining(['Admin', 'Robot']));
    expect(page.categories).toEqual(['Catégorie:Logiciel libre']);
    expect(page.url).toBe(`${wiki.apiUrl.replace('api.php', 'index.php')}?title=Nextcloud`);
  });

  it('says a missing page does not exist instead of failing', async () => {
    const { data, errors } = await gateway.query('{ wikiPage(title: "Page qui n existe pas") { exists summary lastRevision { id } contributors } }');
    expect(errors).toBeUndefined();
    expect(data!.wikiPage).toEqual({ exists: false, summary: null, lastRevision: null, contributors: [] });
  });

  it('reads 100 pages with one API call for a bot with apihighlimits', async () => {
    const before = bot.stats.apiCalls;
    const titles = pageTitles.slice(0, 100);
    const { data, errors } = await gateway.query('query($t: [String!]!) { wikiPages(titles: $t) { title exists lastRevision { user } } }', { t: titles });
    expect(errors).toBeUndefined();
    expect(data!.wikiPages).toHaveLength(100);
    expect(data!.wikiPages.every((p: { exists: boolean }) => p.exists)).toBe(true);
    expect(data!.wikiPages.map((p: { title: string }) => p.title)).toEqual(titles);
    expect(bot.stats.apiCalls - before).toBe(1);
  });

  it('reads 100 pages in ceil(100/50) = 2 API calls for an account without apihighlimits', async () => {
    const anonymous = await WikiClient.connect({ apiUrl: wiki.apiUrl });
    const reader = await startGateway({ ...deps, wiki: anonymous });
    try {
      const before = anonymous.stats.apiCalls;
      const { data, errors } = await reader.query('query($t: [String!]!) { wikiPages(titles: $t) { exists } }', { t: pageTitles.slice(0, 100) });
      expect(errors).toBeUndefined();
      expect(data!.wikiPages).toHaveLength(100);
      expect(anonymous.stats.apiCalls - before).toBe(2);
    } finally {
      await reader.close();
    }
  });

  it('lists the members of a category', async () => {
    const { data, errors } = await gateway.query('{ category(name: "Catégorie:Logiciel libre") { name members { title exists } } }');
    expect(errors).toBeUndefined();
    expect(data!.category.name).toBe('Logiciel libre');
    expect(data!.category.members.map((m: { title: string }) => m.title).sort()).toEqual(['Framadate', 'Nextcloud']);
  });

  it('lists recent changes, newest first, with the human edit flagged as not a bot', async () => {
    const { data, errors } = await gateway.query('{ recentChanges(limit: 5) { title user bot type comment revisionId } }');
    expect(errors).toBeUndefined();
    const [latest] = data!.recentChanges;
    expect(data!.recentChanges.length).toBeGreaterThan(0);
    expect(latest).toMatchObject({ title: 'Nextcloud', user: 'Admin', bot: false, type: 'edit' });
  });
});

describe('unified search', () => {
  it('finds wiki pages by their content and curriculum modules by their text', async () => {
    const { data, errors } = await gateway.query(`{
      search(text: "libre", limit: 30) {
        __typename
        ... on WikiSearchHit { title snippet page { exists } }
        ... on ModuleSearchHit { module { slug } snippet }
      }
    }`);
    expect(errors).toBeUndefined();
    const wikiTitles = data!.search.filter((h: { __typename: string }) => h.__typename === 'WikiSearchHit').map((h: { title: string }) => h.title);
    const modules = data!.search.filter((h: { __typename: string }) => h.__typename === 'ModuleSearchHit').map((h: { module: { slug: string } }) => h.module.slug);
    expect(wikiTitles).toEqual(expect.arrayContaining(['Nextcloud']));
    expect(modules[0]).toBe('logiciel-libre');
  });

  it('rejects a one-letter search with a coded error', async () => {
    const { errors } = await gateway.query('{ search(text: "a") { __typename } }');
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('the Moodle course', () => {
  it('returns sections and activities with their idnumbers and completion modes', async () => {
    const { data, errors } = await gateway.query(`{ course { id fullName shortName source url sections { number name activities { id name type idnumber tracksCompletion manualCompletion } } } }`);
    expect(errors).toBeUndefined();
    const course = data!.course;
    expect(course).toMatchObject({ id: 2, fullName: 'MOOC Accompagner les associations', shortName: 'MOOC-ASSO', source: 'MOODLE' });
    const activities = course.sections.flatMap((s: { activities: unknown[] }) => s.activities);
    expect(activities.find((a: { id: number }) => a.id === 6)).toMatchObject({ idnumber: 'role-du-bureau', manualCompletion: false, tracksCompletion: true });
    expect(activities.find((a: { id: number }) => a.id === 2)).toMatchObject({ idnumber: 'bienvenue', manualCompletion: true });
    expect(moodleReplay.unmatched).toEqual([]);
  });

  it('stitches modules to Moodle activities by idnumber (core_course_get_course_module), in one batch', async () => {
    // A curriculum whose idnumbers are the recorded course's.
    const byIdnumber = await startGateway({ ...deps, curriculum: fixtureCurriculum(), moodleActivityMap: new Map() });
    try {
      const before = moodleReplay.count('tool_mobile_call_external_functions');
      const { data, errors } = await byIdnumber.query('{ curriculum { modules { slug moodleActivity { id type manualCompletion } } } }');
      expect(errors).toBeUndefined();
      const bySlug = Object.fromEntries(data!.curriculum.modules.map((m: { slug: string; moodleActivity: unknown }) => [m.slug, m.moodleActivity]));
      expect(bySlug.gouvernance).toEqual({ id: 5, type: 'page', manualCompletion: true });
      expect(bySlug['role-du-bureau']).toEqual({ id: 6, type: 'page', manualCompletion: false });
      expect(bySlug['quiz-final']).toEqual({ id: 8, type: 'quiz', manualCompletion: true });
      // Seven modules, one batched idnumber lookup for the whole request.
      expect(moodleReplay.count('tool_mobile_call_external_functions') - before).toBe(1);
    } finally {
      await byIdnumber.close();
    }
  });

  it('stitches a curriculum module to its Moodle activity by configured cmid', async () => {
    const { data, errors } = await gateway.query('{ module(slug: "logiciel-libre") { title moodleActivity { id name } } other: module(slug: "donnees-ouvertes") { moodleActivity { id } } }');
    expect(errors).toBeUndefined();
    expect(data!.module.moodleActivity).toEqual({ id: 2, name: 'Bienvenue dans le MOOC' });
    expect(data!.other.moodleActivity).toBeNull();
  });
});

describe('the curriculum stitched with the wiki', () => {
  it('fetches the wiki pages of all 17 modules with one wiki API call', async () => {
    const before = bot.stats.apiCalls;
    const { data, errors } = await gateway.query('{ curriculum { moduleCount totalMinutes modules { slug wikiPage { exists } } } }');
    expect(errors).toBeUndefined();
    expect(data!.curriculum.moduleCount).toBeGreaterThanOrEqual(17);
    expect(data!.curriculum.modules).toHaveLength(data!.curriculum.moduleCount);
    expect(bot.stats.apiCalls - before).toBe(1);
  });

  it('gives a quiz question its right choices: one for a single-choice question, several for a multiple-choice one', async () => {
    const { data, errors } = await gateway.query('{ module(slug: "systeme-information-communication") { quiz { choices answer answers multiple } } }');
    expect(errors).toBeUndefined();
    const quiz = data!.module.quiz as Array<{ choices: string[]; answer: number | null; answers: number[]; multiple: boolean }>;
    expect(quiz[1]).toMatchObject({ answer: 2, answers: [2], multiple: false });
    expect(quiz[2]).toMatchObject({ answer: null, answers: [0, 1, 3], multiple: true });
  });
});

describe('health', () => {
  it('reports each upstream with its version and latency', async () => {
    const { data } = await gateway.query('{ health { ok upstreams { name ok version latencyMs } } }');
    const byName = Object.fromEntries(data!.health.upstreams.map((u: { name: string }) => [u.name, u]));
    expect(byName.wiki).toMatchObject({ ok: true, version: 'MediaWiki 1.39.17' });
    expect(byName.moodle).toMatchObject({ ok: true, version: '5.1+ (Build: 20251017)' });
    expect(byName.wiki.latencyMs).toBeGreaterThan(0);
    const res = await fetch(`${gateway.url}/health`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
  });
});

describe('abusive and malformed requests', () => {
  it('rejects a query nested too deep with QUERY_TOO_DEEP', async () => {
    const { status, data, errors } = await gateway.query(
      '{ module(slug: "logiciel-libre") { next { next { next { next { next { next { next { next { next { next { title } } } } } } } } } } } }',
    );
    expect(status).toBe(400);
    expect(data).toBeUndefined();
    expect(errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
  });

  it('rejects a query whose lists multiply into too much work with QUERY_TOO_COSTLY', async () => {
    const { status, errors } = await gateway.query(
      '{ curriculum { modules { prerequisites { prerequisites { activities { title instructions } quiz { question choices } } } } } }',
    );
    expect(status).toBe(400);
    expect(errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
  });

  it('answers a syntax error with a code and no stack trace', async () => {
    const { status, errors } = await gateway.query('{ wikiPage(title: ) { title }');
    expect(status).toBe(400);
    expect(errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(JSON.stringify(errors)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
  });

  it('answers a body that is not JSON with a JSON error and a code, not an HTML page', async () => {
    const res = await fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors[0]?.extensions.code).toBe('BAD_REQUEST');
    expect(body.errors[0]?.message).toBe('Le corps de la requête n’est pas du JSON valide.');
  });

  it('answers a body in an unsupported charset or encoding with a JSON error, never an HTML page with a stack trace', async () => {
    for (const headers of [
      { 'content-type': 'application/json; charset=iso-8859-1' } as Record<string, string>,
      { 'content-type': 'application/json', 'content-encoding': 'x-unknown' },
    ]) {
      const res = await fetch(`${gateway.url}/graphql`, { method: 'POST', headers, body: '{"query":"{ course { id } }"}' });
      expect(res.status).toBe(415);
      expect(res.headers.get('content-type')).toContain('application/json');
      const text = await res.text();
      expect(text).not.toMatch(/at .*\.(ts|js):\d+/);
      expect((JSON.parse(text) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('BAD_REQUEST');
    }
  });

  it('refuses an invalid page title with BAD_USER_INPUT', async () => {
    const { errors } = await gateway.query('{ wikiPage(title: "a|b") { exists } }');
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const long = await gateway.query('query($t: String!) { wikiPage(title: $t) { exists } }', { t: 'é'.repeat(128) });
    expect(long.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(long.errors?.[0]?.message).toContain('255 octets');
  });
});

describe('metrics for operators', () => {
  it('counts upstream calls, their outcome and GraphQL requests in Prometheus format', async () => {
    await gateway.query('{ wikiPage(title: "Nextcloud") { exists } course { id } }');
    const res = await fetch(`${gateway.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    const value = (line: RegExp) => Number(text.match(line)?.[1] ?? Number.NaN);
    expect(value(/^pollen_upstream_calls_total\{upstream="wiki",outcome="ok"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^pollen_upstream_calls_total\{upstream="moodle",outcome="ok"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^pollen_graphql_requests_total\{operation="query",outcome="ok"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^pollen_graphql_requests_total\{operation="invalid",outcome="error"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    expect(text).toContain('pollen_upstream_call_duration_seconds_bucket{le="0.1",upstream="wiki"}');
  });
});

describe('the query explorer', () => {
  it('is served to browsers from the gateway itself, with no external script', async () => {
    const res = await fetch(`${gateway.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('explorateur GraphQL');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="https?:/);
    const sdl = await (await fetch(`${gateway.url}/schema.graphql`)).text();
    expect(sdl).toContain('type WikiPage');
  });
});
