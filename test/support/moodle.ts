/**
 * Test helpers for anything that talks to Moodle: load the answers recorded from a real Moodle
 * (../shared/fixtures/moodle) and replay them with nock.
 *
 * ```ts
 * import nock from 'nock';
 * import { replayMoodle } from '../support/moodle.js';
 *
 * afterEach(() => nock.cleanAll());
 *
 * it('shows learner1 progress', async () => {
 *   const moodle = replayMoodle('http://moodle.test', [
 *     'core_course_get_contents',
 *     'core_completion_get_activities_completion_status',                     // userid 3
 *     'core_completion_get_activities_completion_status.learner2_nothing_done', // userid 4
 *   ]);
 *   const client = new MoodleClient({ url: 'http://moodle.test', token: 'test-token', retryDelayMs: 0 });
 *   // … exercise the code under test …
 *   expect(moodle.unmatched).toEqual([]);
 *   expect(moodle.count('core_course_get_contents')).toBe(1);
 * });
 * ```
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nock from 'nock';

/** The repository's root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * A path inside the shared folder, which CI clones beside the repository (`../shared`).
 * The one place that knows where it is.
 */
export function sharedPath(...segments: string[]): string {
  return path.resolve(repoRoot, '../shared', ...segments);
}

/** Where the recorded Moodle answers live. */
export const moodleFixturesDir = sharedPath('fixtures', 'moodle');

/** One recorded exchange with the real Moodle. */
export interface MoodleFixture {
  request: {
    method: string;
    /** `/webservice/rest/server.php` or `/login/token.php`. */
    path: string;
    /** Absent for /login/token.php. */
    wsfunction?: string;
    /** Whose token made the call: `admin`, `learner1`, `invalid`, `admin(moodle_mobile_app)`… */
    as?: string;
    /** The parameters as sent (`[]` when there were none). */
    params: Record<string, unknown> | unknown[];
    /** The exact form body minus `wstoken`. */
    form_body_without_token?: string;
  };
  http_status: number;
  /** The decoded answer. */
  response: unknown;
  /** The exact body Moodle sent. */
  raw_response: string;
  note?: string;
}

/** The names (file name without `.json`) of every recorded exchange, `_meta` excluded. */
export function listFixtures(): string[] {
  return readdirSync(moodleFixturesDir)
    .filter((file) => file.endsWith('.json') && !file.startsWith('_'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

/** Loads one recorded exchange by name, e.g. `core_course_get_contents.learner1` (`.json` optional). */
export function loadFixture(name: string): MoodleFixture {
  const file = path.join(moodleFixturesDir, name.endsWith('.json') ? name : `${name}.json`);
  return JSON.parse(readFileSync(file, 'utf8')) as MoodleFixture;
}

/** The site facts recorded with the fixtures (ids, cmids, idnumbers). */
export function loadMoodleMeta(): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(moodleFixturesDir, '_meta.json'), 'utf8')) as Record<string, unknown>;
}

/** The decoded pairs of a form body, without the token and the fields every call carries. */
export function formParams(body: string): Array<[string, string]> {
  return [...new URLSearchParams(body)].filter(
    ([key]) => key !== 'wstoken' && key !== 'wsfunction' && key !== 'moodlewsrestformat',
  );
}

/** A hand-written answer, for cases no fixture covers (e.g. a 503, a changed shape). */
export interface MoodleRoute {
  /** Default `/webservice/rest/server.php`. */
  path?: string;
  /** Matches this function only (REST calls). */
  wsfunction?: string;
  /** Matches only these parameters (compared as bracket-encoded pairs, in any order). */
  params?: Array<[string, string]>;
  /** Matches only requests sent with this token. */
  token?: string;
  /** Any further condition on the decoded form body. */
  match?: (form: URLSearchParams) => boolean;
  /** HTTP status. Default 200 (Moodle answers 200 even for errors). */
  status?: number;
  /** The exact body to send. */
  body: string;
  /** A name for `requests[].route` (fixtures use their file name). */
  name?: string;
}

export interface ReplayOptions {
  /**
   * Token of each fixture's `as` (e.g. `{ admin: 'admin-token', learner1: 'l1-token' }`): a fixture
   * whose `as` is listed only answers requests carrying that token. Lets admin and learner
   * versions of one call coexist.
   */
  tokens?: Record<string, string>;
  /** Latency of every answer, e.g. 40 ms like the real Moodle (see moodle.md). Default 0. */
  delayMs?: number;
}

/** A request the replay received. */
export interface ReplayedRequest {
  path: string;
  wsfunction: string | undefined;
  /** The decoded form body (token included: this is a test). */
  form: URLSearchParams;
  /** Name of the route or fixture that answered; undefined when nothing matched. */
  route: string | undefined;
}

export interface MoodleReplay {
  /** Every request received, in order. */
  readonly requests: ReplayedRequest[];
  /** Requests no route matched (answered HTTP 501, which the client reports as unavailable). */
  readonly unmatched: ReplayedRequest[];
  /** How many requests were received, for one function or in all. */
  count(wsfunction?: string): number;
  /** Removes the interceptors (nock.cleanAll() does it too). */
  stop(): void;
}

interface CompiledRoute extends MoodleRoute {
  name: string;
}

function routeFromFixture(name: string, tokens: Record<string, string> | undefined): CompiledRoute {
  const fixture = loadFixture(name);
  const { request } = fixture;
  const token = request.as !== undefined ? tokens?.[request.as] : undefined;
  const route: CompiledRoute = { name, path: request.path, status: fixture.http_status, body: fixture.raw_response };
  if (request.wsfunction !== undefined) route.wsfunction = request.wsfunction;
  if (request.form_body_without_token !== undefined) route.params = formParams(request.form_body_without_token);
  if (token !== undefined) route.token = token;
  return route;
}

function sameParams(a: Array<[string, string]>, b: Array<[string, string]>): boolean {
  const key = (pairs: Array<[string, string]>): string => JSON.stringify([...pairs].sort());
  return key(a) === key(b);
}

/**
 * Replays recorded Moodle answers with nock on `baseUrl`. Each request is answered by the first
 * route (in the given order) whose path, wsfunction, parameters and token match; fixtures match
 * on their recorded parameters, so `…_completion_status` (userid 3) and
 * `…_completion_status.learner2_nothing_done` (userid 4) can be loaded together. Routes answer as
 * many times as asked. A request nothing matches gets HTTP 501 and is listed in `unmatched`.
 *
 * @param routes fixture names (e.g. `core_course_get_contents.learner1`, `login_token`) or routes.
 */
export function replayMoodle(baseUrl: string, routes: ReadonlyArray<string | MoodleRoute>, options: ReplayOptions = {}): MoodleReplay {
  const compiled: CompiledRoute[] = routes.map((route, index) =>
    typeof route === 'string' ? routeFromFixture(route, options.tokens) : { ...route, name: route.name ?? `route ${index}` },
  );
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const requests: ReplayedRequest[] = [];
  const unmatched: ReplayedRequest[] = [];
  const paths = new Set(['/webservice/rest/server.php', ...compiled.map((r) => r.path ?? '/webservice/rest/server.php')]);
  const scope = nock(base.origin).persist();
  const interceptors: nock.Interceptor[] = [];

  for (const routePath of paths) {
    const interceptor = scope.post(prefix + routePath);
    interceptors.push(interceptor);
    interceptor
      .delay(options.delayMs ?? 0)
      .reply((_uri, requestBody) => {
        const body = typeof requestBody === 'string' ? requestBody : JSON.stringify(requestBody);
        const form = new URLSearchParams(body);
        const wsfunction = form.get('wsfunction') ?? undefined;
        const route = compiled.find(
          (r) =>
            (r.path ?? '/webservice/rest/server.php') === routePath &&
            (r.wsfunction === undefined || r.wsfunction === wsfunction) &&
            (r.params === undefined || sameParams(r.params, formParams(body))) &&
            (r.token === undefined || r.token === form.get('wstoken')) &&
            (r.match === undefined || r.match(form)),
        );
        const received: ReplayedRequest = { path: routePath, wsfunction, form, route: route?.name };
        requests.push(received);
        if (!route) {
          unmatched.push(received);
          return [501, `replayMoodle: no route for ${routePath} ${wsfunction ?? ''} ${JSON.stringify(formParams(body))}`];
        }
        return [route.status ?? 200, route.body, { 'content-type': 'application/json; charset=utf-8' }];
      });
  }

  return {
    requests,
    unmatched,
    count: (wsfunction) => (wsfunction === undefined ? requests.length : requests.filter((r) => r.wsfunction === wsfunction).length),
    stop: () => {
      scope.persist(false);
      for (const interceptor of interceptors) nock.removeInterceptor(interceptor);
    },
  };
}

/** Counts the requests a replay received for each function, e.g. `{ core_course_get_contents: 1 }`. */
export function countMoodleRequests(replay: MoodleReplay): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of replay.requests) {
    const key = request.wsfunction ?? request.path;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/**
 * core_course_get_course_module's answer for any cm of the recorded course. Only cmid 3 was
 * recorded; the others take its shape with their own id, the idnumber `_meta.json` lists for
 * them, and the completion mode core_course_get_contents recorded for them.
 */
export function courseModuleBody(cmid: number): string {
  const idnumbers = (loadMoodleMeta().ids as { cm_idnumbers_added_later: Record<string, string> }).cm_idnumbers_added_later;
  const recorded = loadFixture('core_course_get_course_module').response as { cm: Record<string, unknown>; warnings: [] };
  const sections = loadFixture('core_course_get_contents').response as Array<{ modules: Array<{ id: number; completion?: number }> }>;
  const completion = sections.flatMap((s) => s.modules).find((m) => m.id === cmid)?.completion ?? 0;
  return JSON.stringify({ ...recorded, cm: { ...recorded.cm, id: cmid, idnumber: idnumbers[cmid] ?? '', completion } });
}

/**
 * Routes answering core_course_get_course_module for every cm of the recorded course (cmids
 * 1-8): one per cm, or all of them as one tool_mobile_call_external_functions batch; `expected`
 * is the idnumber -> cmid map they give.
 */
export function courseModuleRoutes(): { perCm: MoodleRoute[]; batch: MoodleRoute; expected: Map<string, number> } {
  const idnumbers = (loadMoodleMeta().ids as { cm_idnumbers_added_later: Record<string, string> }).cm_idnumbers_added_later;
  const cmids = [1, 2, 3, 4, 5, 6, 7, 8];
  return {
    perCm: cmids.map((cmid) => ({
      name: `core_course_get_course_module cmid ${cmid}`,
      wsfunction: 'core_course_get_course_module',
      params: [['cmid', String(cmid)]],
      body: courseModuleBody(cmid),
    })),
    batch: {
      name: 'tool_mobile_call_external_functions course modules',
      wsfunction: 'tool_mobile_call_external_functions',
      match: (form) => form.get('requests[0][function]') === 'core_course_get_course_module',
      body: JSON.stringify({ responses: cmids.map((cmid) => ({ error: false, data: courseModuleBody(cmid) })) }),
    },
    expected: new Map(Object.entries(idnumbers).map(([cmid, idnumber]) => [idnumber, Number(cmid)])),
  };
}
