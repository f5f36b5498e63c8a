/** A gateway over HTTP with auth (facilitator and admin tokens, local learners) and the agenda on a given store. */
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { addLearner } from '../../bots/progress-sync.js';
import { createAgenda, type AgendaService } from '../../src/agenda/index.js';
import type { AgendaServiceOptions } from '../../src/agenda/service.js';
import { createAuthService } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import type { GatewayDeps } from '../../src/graphql/context.js';
import { createProgressRuntime } from '../../src/progress/runtime.js';
import type { ProgressService } from '../../src/progress/service.js';
import { createGateway, type GatewayOptions } from '../../src/server.js';
import { openPollenStore } from '../../src/store-schema.js';
import type { StoreDb } from '../../src/store/database.js';
import { ADMIN_TOKEN, FACILITATOR_TOKEN, fixtureCurriculum, LOGIN, type GqlAnswer } from '../progress/support.js';

export { ADMIN_TOKEN, FACILITATOR_TOKEN, codeOf } from '../progress/support.js';

export interface AgendaGateway {
  base: string;
  agenda: AgendaService;
  progress: ProgressService;
  gql(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlAnswer>;
  /** Signs a local learner in; their session token. */
  learner(username: string, displayName: string): Promise<string>;
  close(): Promise<void>;
}

const emptyWiki: GatewayDeps['wiki'] = {
  apiUrl: 'http://wiki.test/api.php',
  getPages: async (titles) => new Map(titles.map((t) => [t, { title: t, exists: false }])),
  searchPages: async () => [],
  categoryMembers: async () => [],
  recentChanges: async () => [],
  siteInfo: async () => ({ generator: 'MediaWiki (fake)' }),
  request: async () => ({}),
};

/** `mail`: the agenda queues its mails to visitors (see AgendaServiceOptions.mail). */
export async function startAgendaGateway(database: StoreDb, now: () => Date, options: { mail?: AgendaServiceOptions['mail']; web?: GatewayOptions['web']; confirmHours?: number } = {}): Promise<AgendaGateway> {
  const config = loadConfig({ POLLEN_FACILITATOR_TOKENS: FACILITATOR_TOKEN, POLLEN_ADMIN_TOKENS: ADMIN_TOKEN });
  const store = await openPollenStore({ kind: 'sqlite', path: ':memory:' });
  // « gouvernance » is a workshop: attending one of its sessions completes it.
  const curriculum = fixtureCurriculum().map((m) => (m.slug === 'gouvernance' ? { ...m, attendanceCompletes: true } : m));
  const runtime = createProgressRuntime({ config, store, curriculum, moodle: undefined, logger: pino({ level: 'silent' }), now });
  const auth = createAuthService({ config, store, learners: runtime.tracker.learners, now });
  const agenda = await createAgenda(database, { modules: curriculum, now, onAttended: (learnerId, slug) => runtime.progress.markModuleDone(learnerId, slug, true), mail: options.mail, confirmHours: options.confirmHours });
  const deps: GatewayDeps = {
    wiki: emptyWiki, wikiMode: 'fake', moodle: undefined, curriculum, moodleActivityMap: new Map(), probes: [],
    auth, progress: runtime.progress, agenda,
  };
  const { app, apollo } = await createGateway(deps, { agendaPageUrl: 'http://wiki.test/index.php/Agenda', web: options.web });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const gql: AgendaGateway['gql'] = async (query, variables = {}, token) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${base}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text) as GqlAnswer['body'], text, headers: response.headers };
  };
  return {
    base,
    agenda,
    progress: runtime.progress,
    gql,
    async learner(username, displayName) {
      await addLearner(store, { username, displayName, password: `${username}-secret-123` });
      return (await gql(LOGIN, { u: username, p: `${username}-secret-123` })).body.data?.login.token as string;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apollo.stop();
      await store.close();
    },
  };
}

export const SESSION_FIELDS = 'id uid title moduleSlug module { title } startsAt endsAt timeZone place { address latitude longitude onlineUrl } facilitators capacity public status sequence confirmedCount waitingCount seatsLeft icsUrl';
export const CREATE = `mutation ($input: SessionInput!) { createSession(input: $input) { warnings session { ${SESSION_FIELDS} } } }`;
export const REGISTER = 'mutation ($id: Int!, $name: String, $email: String) { registerForSession(sessionId: $id, name: $name, email: $email) { token waitingPosition registration { id name email status } } }';

export const CONFIRM = 'mutation ($t: String!) { confirmRegistration(token: $t) { token waitingPosition registration { id name email status } } }';

/**
 * A visitor registers over GraphQL and confirms with the mailed token (double opt-in), answered
 * as `registerForSession` answered before confirmation existed; a refused registration as it is.
 */
export async function registerAndConfirm(gw: Pick<AgendaGateway, 'gql'>, variables: Record<string, unknown>): Promise<GqlAnswer> {
  const asked = await gw.gql(REGISTER, variables);
  const token = (asked.body.data?.registerForSession as { token?: string } | undefined)?.token;
  if (!token) return asked;
  const confirmed = await gw.gql(CONFIRM, { t: token });
  return { ...confirmed, body: { ...confirmed.body, data: confirmed.body.data ? { registerForSession: confirmed.body.data.confirmRegistration } : confirmed.body.data } };
}
