/**
 * Shared pieces of the auth and progress specs: a small curriculum whose idnumbers match the
 * recorded Moodle course, Moodle routes built from the fixtures, and a gateway over HTTP.
 */
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/index.js';
import type { CurriculumModule } from '../../src/curriculum/schema.js';
import type { GatewayDeps } from '../../src/graphql/context.js';
import type { WikiApi } from '../../src/graphql/datasources/wiki.js';
import { REDACTED_PATHS, type Logger } from '../../src/log.js';
import { MoodleClient } from '../../src/moodle/index.js';
import { createAuthService } from '../../src/app.js';
import type { AuthService } from '../../src/auth/service.js';
import { createProgressRuntime, type ProgressRuntime } from '../../src/progress/runtime.js';
import type { WikiPagesReader } from '../../src/progress/wiki-contributions.js';
import { createGateway } from '../../src/server.js';
import type { StoreDb } from '../../src/store/database.js';
import type { StoreBackend } from '../support/postgres.js';
import { openTestStore } from '../support/store.js';
import { courseModuleBody, loadFixture, type MoodleRoute } from '../support/moodle.js';


export const MOODLE_URL = 'http://moodle.test';
export const SITE_TOKEN = 'site-token-0123456789abcdef';
export const FACILITATOR_TOKEN = 'facilitator-token-abcdefghijklmnop';
export const ADMIN_TOKEN = 'admin-token-qrstuvwxyz0123456789';
/** The learner token /login/token.php hands out in the recorded fixture. */
export const LEARNER1_MOODLE_TOKEN = '6d55759d23836e5d0fe28364a23fa11a';

/** The recorded course's activity idnumbers, in cmid order 2..8. */
export const FIXTURE_SLUGS = ['bienvenue', 'types-associations', 'guide-pratique', 'gouvernance', 'role-du-bureau', 'diagnostic-devoir', 'quiz-final'];

/** A curriculum of seven modules whose slugs (= Moodle idnumbers) match the fixtures. */
export function fixtureCurriculum(): CurriculumModule[] {
  return FIXTURE_SLUGS.map((slug, i) => ({
    slug,
    order: i + 1,
    title: `Module ${slug}`,
    group: 'accompagnement',
    summary: `Résumé de ${slug}.`,
    objectives: ['Comprendre', 'Faire'],
    estimatedMinutes: 30,
    prerequisites: [],
    activities: [
      { type: 'read', title: 'Lire', instructions: 'Lire la leçon.' },
      { type: 'contribute', title: 'Contribuer', instructions: 'Compléter la page du wiki.' },
    ],
    quiz: [],
    wikiPage: `Parcours/${slug}`,
    moodle: { idnumber: slug },
    body: 'Leçon.',
    file: `${String(i + 1).padStart(2, '0')}-${slug}.md`,
  }));
}

/** A tool_mobile_call_external_functions answer for exactly these requests, built from direct answers. */
export function batchRoute(name: string, requests: Array<{ wsfunction: string; args: Record<string, unknown>; body: string }>): MoodleRoute {
  return {
    name,
    wsfunction: 'tool_mobile_call_external_functions',
    match: (form) =>
      requests.every(
        (r, i) => form.get(`requests[${i}][function]`) === r.wsfunction && form.get(`requests[${i}][arguments]`) === JSON.stringify(r.args),
      ) && form.get(`requests[${requests.length}][function]`) === null,
    body: JSON.stringify({
      responses: requests.map((r) => {
        const parsed = JSON.parse(r.body) as { exception?: string; errorcode?: string; message?: string };
        return parsed.errorcode
          ? { error: true, exception: JSON.stringify({ errorcode: parsed.errorcode, message: parsed.message }) }
          : { error: false, data: r.body };
      }),
    }),
  };
}

/** Routes for a full sync of the recorded course: enrolments, contents, idnumbers, completion (batched). */
export function syncRoutes(options: { contentsOverride?: (raw: string) => string } = {}): Array<string | MoodleRoute> {
  const contents = loadFixture('core_course_get_contents').raw_response;
  const cmids = [1, 2, 3, 4, 5, 6, 7, 8];
  return [
    // The sync asks for active enrolments only (no recording of that option: same answer shape).
    {
      name: 'core_enrol_get_enrolled_users',
      wsfunction: 'core_enrol_get_enrolled_users',
      params: [['courseid', '2'], ['options[0][name]', 'onlyactive'], ['options[0][value]', '1']],
      body: loadFixture('core_enrol_get_enrolled_users').raw_response,
    },
    { name: 'contents', wsfunction: 'core_course_get_contents', body: options.contentsOverride ? options.contentsOverride(contents) : contents },
    batchRoute(
      'batch idnumbers',
      cmids.map((cmid) => ({ wsfunction: 'core_course_get_course_module', args: { cmid }, body: courseModuleBody(cmid) })),
    ),
    batchRoute('batch completion', [
      {
        wsfunction: 'core_completion_get_activities_completion_status',
        args: { courseid: 2, userid: 3 },
        body: loadFixture('core_completion_get_activities_completion_status').raw_response,
      },
      {
        wsfunction: 'core_completion_get_activities_completion_status',
        args: { courseid: 2, userid: 4 },
        body: loadFixture('core_completion_get_activities_completion_status.learner2_nothing_done').raw_response,
      },
    ]),
    'core_completion_get_activities_completion_status',
    'core_completion_get_activities_completion_status.learner2_nothing_done',
  ];
}

/** A pino logger whose lines are kept in `lines`, with the project's redaction. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'debug', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, stream), lines };
}

const emptyWiki: WikiApi = {
  apiUrl: 'http://wiki.test/api.php',
  getPages: async (titles) => new Map(titles.map((t) => [t, { title: t, exists: false }])),
  searchPages: async () => [],
  categoryMembers: async () => [],
  recentChanges: async () => [],
  siteInfo: async () => ({ generator: 'MediaWiki (fake)' }),
  request: async () => ({}),
};

export interface TestGateway {
  url: string;
  store: StoreDb;
  runtime: ProgressRuntime & { auth: AuthService };
  /** POSTs a GraphQL operation; `token` goes as a bearer, `cookie` as the Cookie header, plus any `headers`. */
  gql(query: string, variables?: Record<string, unknown>, auth?: { token?: string; cookie?: string; headers?: Record<string, string> }): Promise<GqlAnswer>;
  close(): Promise<void>;
}

export interface GqlAnswer {
  status: number;
  body: { data?: Record<string, any> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  text: string;
  headers: Headers;
}

/** The first error's code, or undefined. */
export function codeOf(answer: GqlAnswer): unknown {
  return answer.body.errors?.[0]?.extensions?.code;
}

/** A gateway over HTTP on 127.0.0.1:0 with auth and progress, in Moodle or embedded mode. */
export async function startGateway(options: {
  moodle?: boolean;
  now?: () => Date;
  logger?: Logger;
  wiki?: WikiPagesReader;
  env?: Record<string, string>;
  /** Default: SQLite in memory. */
  backend?: StoreBackend;
  /** An already migrated store to serve (another "process" on it, a restart); left open at close. */
  store?: StoreDb;
} = {}): Promise<TestGateway> {
  const config = loadConfig({
    POLLEN_FACILITATOR_TOKENS: FACILITATOR_TOKEN,
    POLLEN_ADMIN_TOKENS: ADMIN_TOKEN,
    ...(options.moodle ? { MOODLE_URL, MOODLE_TOKEN: SITE_TOKEN, MOODLE_COURSE_ID: '2' } : {}),
    ...options.env,
  });
  const store = options.store ?? (await openTestStore(options.backend));
  const curriculum = fixtureCurriculum();
  const moodle = options.moodle ? new MoodleClient({ url: MOODLE_URL, token: SITE_TOKEN, retryDelayMs: 0 }) : undefined;
  const progressRuntime = createProgressRuntime({ config, store, curriculum, moodle, wiki: options.wiki, logger: options.logger, now: options.now });
  const auth = createAuthService({ config, store, learners: progressRuntime.tracker.learners, logger: options.logger, now: options.now });
  const runtime = { ...progressRuntime, auth };
  const deps: GatewayDeps = {
    wiki: emptyWiki,
    wikiMode: 'fake',
    moodle: undefined,
    curriculum,
    moodleActivityMap: config.moodleActivityMap,
    probes: [],
    auth: runtime.auth,
    progress: runtime.progress,
  };
  const { app, apollo } = await createGateway(deps, { ...(options.logger ? { logger: options.logger } : {}), trustProxy: config.trustProxy });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    url,
    store,
    runtime,
    async gql(query, variables = {}, auth = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...auth.headers };
      if (auth.token) headers.authorization = `Bearer ${auth.token}`;
      if (auth.cookie) headers.cookie = auth.cookie;
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      const text = await response.text();
      return { status: response.status, body: JSON.parse(text) as GqlAnswer['body'], text, headers: response.headers };
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apollo.stop();
      if (!options.store) await store.close();
    },
  };
}

export const LOGIN = `mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token expiresAt me { role displayName } } }`;
export const ME = `{ me { role displayName progress { percent doneCount lastActivityAt stalled modules { module { slug title } state completedAt via } } } }`;
export const COHORT = `{ cohort { snapshotAt stalledAfterDays learners { id displayName username stalled daysSinceActivity progress { percent modules { module { slug } state } } } stalled { username } modules { module { slug } completedCount learnerCount } } }`;
export const MARK = `mutation ($slug: String!, $done: Boolean) { markModuleDone(slug: $slug, done: $done) { percent modules { module { slug } state via } } }`;
export const SYNC = `mutation { syncProgress { source learners stalled moodleRequests snapshotAt warnings } }`;
