import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { printSchema, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { makeExecutableSchema } from './graphql/executable-schema.js';
import { createAgendaDashboardRouter } from './agenda/dashboard-routes.js';
import { createAgendaRouter } from './agenda/routes.js';
import { createAgendaPages } from './agenda/pages/routes.js';
import { createStaffGate, noStore } from './dashboard/access.js';
import { createDashboardRouter, type DashboardOptions } from './dashboard/routes.js';
import { createModerationRouter } from './directory/moderation-routes.js';
import { createDirectoryRouter } from './directory/routes.js';
import { createProviderPages } from './directory/pages/routes.js';
import { pageUrl } from './graphql/datasources/wiki.js';
import type { ApolloServerPlugin } from '@apollo/server';
import { createContext, type GatewayContext, type GatewayDeps } from './graphql/context.js';
import type { UpstreamObserver } from './graphql/errors.js';
import { AnswerCache, ANSWER_CACHE_LIMITS, type AnswerCacheOptions } from './graphql/answer-cache/cache.js';
import { answerCacheFront, beforeRouter, clientAddress, graphqlBody } from './graphql/answer-cache/front.js';
import { answerCachePlugin, graphqlHandler, type CacheHooks, type Candidate } from './graphql/answer-cache/http.js';
import { createMetrics, enableProcessMetrics, registerAnswerCacheMetrics, registerBoundedCacheMetrics, registerCompiledExecutionMetrics, registerWikiCacheMetrics, type GatewayMetrics } from './metrics.js';
import { createHomeRouter } from './home/routes.js';
import { createDiagnosticPages } from './matchmaking/pages.js';
import { createProjectsDashboard } from './matchmaking/projects/dashboard.js';
import { createProjectPages } from './matchmaking/projects/pages.js';
import { linkedHistory, recommendationValues } from './matchmaking/projects/service.js';
import { PROJECT_STATES } from './matchmaking/projects/model.js';
import { managerSession, MANAGER_COOKIE } from './directory/access.js';
import { readCookie } from './auth/cookie.js';
import { createLearnerRouter } from './learner/routes.js';
import { createSoftwareNeedsModeration } from './software-needs/moderation-routes.js';
import { createSoftwareNeedsPages } from './software-needs/pages.js';
import { notFoundOrWrongMethod, serverError } from './web/errors.js';
import { Web, type WebOptions } from './web/web.js';
import { createFormatError } from './graphql/errors.js';
import { explorerPage } from './graphql/explorer.js';
import { BoundedCache, DOCUMENT_CACHE_LIMITS, estimateDocumentBytes, estimateTextBytes, PERSISTED_QUERY_LIMITS, type BoundedCacheOptions } from './graphql/document-cache.js';
import { CompiledExecution } from './graphql/executor.js';
import { checkHealth } from './graphql/health.js';
import { defaultQueryLimits, queryLimitsPlugin, type QueryLimits } from './graphql/limits.js';
import type { Logger } from './log.js';
import { isStoreUnavailable } from './store/database.js';
import { rateLimit, type RateLimitSettings } from './rate-limit.js';
import { defaultUpstreamBudget, upstreamBudgetPlugin, type UpstreamBudget } from './graphql/upstream-budget.js';

export interface GatewayOptions {
  logger?: Logger;
  limits?: QueryLimits;
  /** Upstream calls per request by who asks (default 10 anonymous, 100 facilitators); Moodle's presence comes from deps. */
  upstreamBudget?: Pick<UpstreamBudget, 'anonymous' | 'facilitator'>;
  /** Requests per address / per facilitator (src/rate-limit.ts). Default: no limit (`npm start` passes the configured one). */
  rateLimit?: RateLimitSettings;
  /** What the facilitators' dashboard reads besides GatewayDeps (the notes queue). */
  dashboard?: DashboardOptions;
  /** Process metrics (memory, event loop, GC) on /metrics; on in `npm start`. Default: off. */
  processMetrics?: boolean;
  /** The metrics the runtime's clients already feed (Runtime.metrics); default: a fresh set. */
  metrics?: GatewayMetrics;
  /** Express `trust proxy` (POLLEN_TRUST_PROXY): whose address `req.ip` is, behind a reverse proxy. */
  trustProxy?: boolean | number | string;
  /** The wiki's Agenda page, linked from the iCal feeds' sessions. */
  agendaPageUrl?: string | undefined;
  /**
   * How operations run: `compiled` (default), each document compiled once to a JavaScript function
   * (graphql-jit, src/graphql/executor.ts), or `interpreted`, graphql-js walking the document on
   * every request (the reference the compiled answers are checked against).
   */
  execution?: 'compiled' | 'interpreted';
  /**
   * What /readyz reports: whether the process is stopping (SIGTERM, src/lifecycle/drain.ts) and
   * a cheap check of the store. Without it, /readyz answers from the process alone.
   */
  readiness?: { draining(): boolean; checkStore(): Promise<unknown> };
  /** The web layer's store (form limits across replicas) and POLLEN_PUBLIC_URL. */
  web?: Omit<WebOptions, 'auth'>;
  /** Bounds of the parsed documents kept (default DOCUMENT_CACHE_LIMITS); for specs. */
  documentCache?: Pick<BoundedCacheOptions<DocumentNode>, 'maxEntries' | 'maxBytes'>;
  /**
   * Whole answers to anonymous queries kept and served again (src/graphql/answer-cache): bounds
   * (default ANSWER_CACHE_LIMITS) and the store's change marker, so directory and agenda answers
   * follow writes made on any replica. Default: off (`npm start` passes the configured one).
   */
  answerCache?: Partial<Pick<AnswerCacheOptions, 'maxEntries' | 'maxBytes' | 'storeChanges' | 'storeCheckMs'>>;
}

const EXAMPLE_QUERY = `query Parcours {
  curriculum {
    moduleCount
    totalMinutes
    modules {
      order
      title
      wikiPage { exists url lastRevision { timestamp user } }
    }
  }
  health { ok upstreams { name ok latencyMs version mode } }
}
`;

export interface Gateway {
  app: Express;
  apollo: ApolloServer<GatewayContext>;
  metrics: GatewayMetrics;
  /** Parsed and validated documents, by query text (Apollo's document store), bounded. */
  documents: BoundedCache<DocumentNode>;
  /** Query texts of automatic persisted queries, by hash (Apollo's cache), bounded. */
  persistedQueries: BoundedCache<string>;
  /** The compiled executor; undefined when operations are interpreted. */
  execution: CompiledExecution | undefined;
  /** Whole answers to anonymous queries; undefined when off. */
  answers: AnswerCache | undefined;
}

/**
 * The request checks one after the other (Apollo runs plugins' didResolveOperation together):
 * the first refusal stops the rest, so a document the depth and cost limits refuse (a fragment
 * bomb) is never walked by the upstream budget. Their hooks keep no per-request state: built once.
 */
function checksInOrder(...plugins: Array<ApolloServerPlugin<any>>): ApolloServerPlugin<GatewayContext> {
  type Check = ((context: unknown) => Promise<void>) | undefined;
  let checks: Promise<Check[]> | undefined;
  const hooks = {
    async didResolveOperation(context: unknown) {
      for (const check of await checks!) await check?.(context);
    },
  };
  return {
    async requestDidStart(requestContext) {
      checks ??= Promise.all(plugins.map(async (p) => (await p.requestDidStart?.(requestContext as never))?.didResolveOperation as Check));
      return hooks as never;
    },
  };
}

/** Errors listed in one answer; the others are counted (graphql-js stops validating at 100). */
const MAX_ERRORS = 20;

/** The first MAX_ERRORS errors, then one that says how many more there were. */
function capErrors(errors: readonly GraphQLFormattedError[]): GraphQLFormattedError[] {
  const omitted = errors.length - MAX_ERRORS;
  return [
    ...errors.slice(0, MAX_ERRORS),
    {
      message: `… et ${omitted} autre${omitted > 1 ? 's' : ''} erreur${omitted > 1 ? 's' : ''}, non affichée${omitted > 1 ? 's' : ''} : corrigez d’abord celles-ci.`,
      extensions: { code: errors[0]?.extensions?.code ?? 'GRAPHQL_VALIDATION_FAILED', errorsOmitted: omitted },
    },
  ];
}

/**
 * What every answer gets on its way out, in one hook (one per request, not one per concern):
 * the GraphQL request is counted by operation type and outcome, its errors are capped at 20
 * plus a count, and an answer that used wiki
 * pages served from the cache while the wiki was unreachable says so,
 * `extensions.wikiCache = { stale: true, ageSeconds }`.
 */
function responsePlugin(metrics: GatewayMetrics): ApolloServerPlugin<GatewayContext> {
  const hooks: Awaited<ReturnType<NonNullable<ApolloServerPlugin<GatewayContext>['requestDidStart']>>> = {
    async willSendResponse({ operation, response, contextValue }) {
      const single = response.body.kind === 'single' ? response.body.singleResult : undefined;
      metrics.graphqlRequests.inc({ operation: operation?.operation ?? 'invalid', outcome: single?.errors?.length ? 'error' : 'ok' });
      if (single?.errors && single.errors.length > MAX_ERRORS) single.errors = capErrors(single.errors);
      const ageSeconds = contextValue.wiki.staleAgeSeconds;
      if (ageSeconds !== undefined && single) single.extensions = { ...single.extensions, wikiCache: { stale: true, ageSeconds } };
    },
  };
  return {
    // The hooks keep no per-request state: the same object serves every request.
    async requestDidStart() {
      return hooks;
    },
  };
}

/** The Express app: /graphql (API and explorer), /schema.graphql, /health, /dashboard. */
export async function createGateway(deps: GatewayDeps, options: GatewayOptions = {}): Promise<Gateway> {
  const schema = makeExecutableSchema();
  const metrics = options.metrics ?? createMetrics({ processMetrics: options.processMetrics === true });
  if (options.metrics && options.processMetrics) enableProcessMetrics(options.metrics);
  if (deps.wikiCache) registerWikiCacheMetrics(metrics.registry, deps.wikiCache);
  // Apollo's own caches hold up to 30 MiB of JSON each (several times that once parsed): every
  // distinct query text a client sends would stay in the heap. Ours are bounded in entries and bytes.
  const documents = new BoundedCache<DocumentNode>({ ...DOCUMENT_CACHE_LIMITS, ...options.documentCache, sizeOf: estimateDocumentBytes });
  const persistedQueries = new BoundedCache<string>({ ...PERSISTED_QUERY_LIMITS, sizeOf: estimateTextBytes });
  registerBoundedCacheMetrics(metrics.registry, 'pollen_graphql_document_cache', 'parsed and validated GraphQL documents', documents);
  registerBoundedCacheMetrics(metrics.registry, 'pollen_graphql_persisted_query_cache', 'query texts of automatic persisted queries', persistedQueries);
  const observeUpstream: UpstreamObserver = (upstream, outcome, seconds) => {
    metrics.upstreamCalls.inc({ upstream, outcome });
    metrics.upstreamSeconds.observe({ upstream }, seconds);
  };
  // Each operation runs as a function compiled once per document (src/graphql/executor.ts).
  const execution = options.execution === 'interpreted' ? undefined : new CompiledExecution(schema);
  if (execution) registerCompiledExecutionMetrics(metrics.registry, execution);
  const answers = options.answerCache ? createAnswerCache(deps, options.answerCache) : undefined;
  if (answers) registerAnswerCacheMetrics(metrics.registry, answers);
  const candidates = new WeakMap<Request, Candidate>();
  const apollo = new ApolloServer<GatewayContext>({
    ...(execution ? { gateway: execution.gateway() } : { schema }),
    formatError: createFormatError(options.logger),
    documentStore: documents,
    cache: persistedQueries,
    includeStacktraceInErrorResponses: false,
    // The gateway's own stop (src/lifecycle/drain.ts) answers the requests in flight first, then
    // stops Apollo: Apollo's signal handler would stop it at once and send the signal again.
    stopOnTerminationSignals: false,
    introspection: true,
    // No HTTP cache hints are computed: the answers are per user and change with the wiki. No
    // inline tracing either: Pollen is no federated subgraph, and Apollo would load its tracing
    // protobuf (0.4 MB of source, kept in the heap) to find that out.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), ApolloServerPluginInlineTraceDisabled(),
      checksInOrder(queryLimitsPlugin(options.limits ?? defaultQueryLimits), upstreamBudgetPlugin({ ...defaultUpstreamBudget, ...options.upstreamBudget, moodle: deps.moodle !== undefined })),
      responsePlugin(metrics), ...(answers ? [answerCachePlugin(schema, candidates)] : [])],
    logger: options.logger
      ? {
          debug: (m) => options.logger?.debug(m),
          info: (m) => options.logger?.info(m),
          warn: (m) => options.logger?.warn(m),
          error: (m) => options.logger?.error(m),
        }
      : undefined,
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  // No ETag: Express would hash every answer body (sha1) for a header no GraphQL client uses;
  // the answers are per user and change with the wiki.
  app.set('etag', false);
  app.set('trust proxy', options.trustProxy ?? false);
  // Before every route: one address (or one facilitator) cannot take the whole process.
  // The web layer of every page (and of the rate limit's French 429 page).
  const web = new Web({ ...options.web, auth: deps.auth });
  const limit = options.rateLimit ? rateLimit(options.rateLimit, deps.auth, web) : undefined;
  if (limit) app.use(limit.middleware);
  const sdl = printSchema(schema);

  // Apollo's Express integration, with the answer cache in front (src/graphql/answer-cache/http.ts).
  const hooks: CacheHooks = {
    onHit: () => metrics.graphqlRequests.inc({ operation: 'query', outcome: 'ok' }),
    // Where Apollo keeps persisted query texts (its `apq:` prefix), as it would have registered it.
    onPersistedQuery: (hash, query) => void persistedQueries.set(`apq:${hash}`, query),
  };
  const graphql = graphqlHandler(apollo, async ({ req, res }) => createContext(deps, req, res, observeUpstream), answers, candidates, hooks);
  const jsonBody = graphqlBody(GRAPHQL_BODY_LIMIT);
  // Anonymous answers the cache holds go out before Express's router and body parser (the front).
  if (answers) {
    const addressOf = clientAddress(app);
    beforeRouter(app, answerCacheFront({ cache: answers, hooks, maxBodyBytes: GRAPHQL_BODY_LIMIT, admit: limit && ((req) => limit.admitAnonymous(req, addressOf(req))) }));
  }
  // The hot path first: a POST to /graphql does not walk the other routes.
  app.post('/graphql', jsonBody, graphql);
  // Probes for balancers and orchestrators, cheap: no wiki or Moodle round trip.
  // /livez: the process answers. /readyz: it should get traffic (not stopping, store reachable);
  // the upstreams are reported as last seen, never failing it (GraphQL serves without them).
  app.get('/livez', (_req, res) => {
    res.json({ live: true });
  });
  app.get('/readyz', async (_req, res) => {
    const draining = options.readiness?.draining() ?? false;
    let store: { ok: boolean; error?: string } = { ok: true };
    if (options.readiness && !draining) {
      store = await withTimeout(options.readiness.checkStore(), READY_STORE_TIMEOUT_MS).then(
        () => ({ ok: true }),
        (err: unknown) => ({ ok: false, error: isStoreUnavailable(err) ? 'unavailable' : ((err as { code?: string }).code ?? 'error') }),
      );
    }
    const ready = !draining && store.ok;
    res.status(ready ? 200 : 503).json({
      ready, draining, store,
      upstreams: { wiki: deps.wikiCache?.lastSeenReachable === undefined ? 'unknown' : deps.wikiCache.lastSeenReachable ? 'reachable' : 'unreachable', moodle: deps.moodle ? 'configured' : 'embedded' },
    });
  });
  app.get('/health', async (_req, res) => {
    const health = await checkHealth(deps);
    res.status(health.ok ? 200 : 503).json(health);
  });
  // Prometheus format, for operators' scrapers (the gateway listens on loopback by default).
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/schema.graphql', (_req, res) => {
    res.type('text/plain; charset=utf-8').send(sdl);
  });
  app.use(web.stylesRoute());
  app.use(createHomeRouter(deps, web));
  const projects = deps.projects;
  if (deps.directory) {
    app.use(createProviderPages(deps.directory, web, {
      wikiPageUrl: (title) => pageUrl(deps.wiki.apiUrl, title),
      // A done project's private link prefills the recommendation and links it to the project.
      projects: projects && {
        async forRecommendation(token) {
          const p = await projects.forRecommendation(token);
          return p && { projectId: p.id, providerId: p.providerId, values: recommendationValues(p) };
        },
        ofProvider: async (providerId) => (await projects.ofProvider(providerId)).map((p) => ({
          label: `Projet avec ${p.associationName || 'une association sans nom'}`, state: PROJECT_STATES[p.state].toLowerCase(), href: `/annuaire/gerer/projets/${p.id}`,
        })),
      },
    }));
  }
  if (deps.learnerSpace) app.use(createLearnerRouter(deps.learnerSpace, { agenda: deps.agenda, wikiPageUrl: (title) => pageUrl(deps.wiki.apiUrl, title) }, web));
  app.use(web.signOutRoute());
  if (deps.matchmaking) app.use(createDiagnosticPages(deps.matchmaking, web, projects));
  if (deps.matchmaking && projects && deps.directory) {
    const directory = deps.directory;
    app.use(createProjectPages(projects, deps.matchmaking, web, {
      providerBySlug: (slug) => directory.provider(slug),
      // « Gérer ma fiche »'s session (src/directory/access.ts) opens the structure's projects too.
      signedInProvider: (req) => managerSession(directory.db, readCookie(req.headers.cookie, MANAGER_COOKIE), new Date()),
    }));
  }
  if (deps.softwareNeeds) app.use(createSoftwareNeedsPages(deps.softwareNeeds, web, { wikiPageUrl: (title) => pageUrl(deps.wiki.apiUrl, title) }));
  app.get(['/graphql', '/explorer'], (req, res, next) => {
    const wantsHtml = req.accepts(['application/json', 'text/html']) === 'text/html';
    if (req.path === '/graphql' && (!wantsHtml || req.query.query !== undefined)) return next();
    res.type('html').send(explorerPage('/graphql', EXAMPLE_QUERY));
  });
  if (deps.directory) {
    app.use(createDirectoryRouter(deps.directory, web, { wikiPageUrl: (title) => pageUrl(deps.wiki.apiUrl, title) }));
  }
  if (deps.agenda) app.use(createAgendaPages(deps.agenda, web, { wikiPageUrl: (title) => pageUrl(deps.wiki.apiUrl, title) }));
  if (deps.agenda) app.use(createAgendaRouter(deps.agenda, { agendaPageUrl: options.agendaPageUrl }));
  // The facilitators' pages: the dashboard's, the agenda's and the directory's, behind one gate.
  const staff = createStaffGate(deps.auth, web, '/dashboard');
  app.use('/dashboard', noStore);
  if (deps.directory) {
    app.use('/dashboard/annuaire', createModerationRouter(deps.directory, web, staff, {
      linkedProjects: projects && (async (ids) => new Map([...(await projects.histories(ids))].map(([id, p]) => [id, linkedHistory(p)]))),
    }));
  }
  if (projects) app.use('/dashboard/diagnostics', createProjectsDashboard(projects, web, staff));
  if (deps.agenda) app.use('/dashboard/agenda', createAgendaDashboardRouter(deps.agenda, web, staff));
  if (deps.softwareNeeds) app.use('/dashboard/besoins-logiciels', createSoftwareNeedsModeration(deps.softwareNeeds, web, staff));
  app.use('/dashboard', createDashboardRouter(deps, web, options.dashboard, staff));
  app.use('/graphql', jsonBody, graphql);
  // A body express.json refuses (not JSON, over 1 MB) gets a GraphQL-shaped answer with a code,
  // not Express's HTML error page.
  app.use('/graphql', (err: { type?: unknown; status?: unknown }, _req: Request, res: Response, next: NextFunction) => {
    if (err?.type === 'entity.parse.failed') return void res.status(400).json({ errors: [{ message: 'Le corps de la requête n’est pas du JSON valide.', extensions: { code: 'BAD_REQUEST' } }] });
    if (err?.type === 'entity.too.large') return void res.status(413).json({ errors: [{ message: 'Le corps de la requête dépasse 1 Mo. Envoyez une requête plus courte.', extensions: { code: 'BAD_REQUEST' } }] });
    // Any other refusal of the body parser (charset or Content-Encoding it cannot read, aborted upload).
    if (typeof err?.type === 'string' && typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
      return void res.status(err.status).json({ errors: [{ message: 'Le corps de la requête est illisible : envoyez du JSON en UTF-8, non compressé ou en gzip.', extensions: { code: 'BAD_REQUEST' } }] });
    }
    next(err);
  });
  app.use(notFoundOrWrongMethod(web, KNOWN_PATHS));
  app.use(serverError(web, options.logger));
  return { app, apollo, metrics, documents, persistedQueries, execution, answers };
}

const READY_STORE_TIMEOUT_MS = 2_000;
/** The largest GraphQL request body read (1 MiB, express.json's '1mb'). */
const GRAPHQL_BODY_LIMIT = 2 ** 20;

/**
 * The answer cache over these deps: answers that read wiki pages live no longer than the wiki
 * read cache's staleness and go when its change feed names one of their titles (without a read
 * cache, no feed: they are not kept).
 */
function createAnswerCache(deps: GatewayDeps, settings: NonNullable<GatewayOptions['answerCache']>): AnswerCache {
  const wikiCache = deps.wikiCache;
  const answers = new AnswerCache({
    ...ANSWER_CACHE_LIMITS,
    ...settings,
    wikiMaxAgeSeconds: wikiCache?.onInvalidated && wikiCache.maxStalenessMs !== undefined ? Math.max(1, Math.floor(wikiCache.maxStalenessMs / 1000)) : undefined,
  });
  wikiCache?.onInvalidated?.((titles) => (titles === 'all' ? answers.invalidateWiki() : answers.invalidateTitles(titles)));
  return answers;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms} ms`), { code: 'timeout' })), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** The gateway's own paths and their methods, for 405 (with Allow) versus 404. */
const KNOWN_PATHS: ReadonlyMap<string, string> = new Map([
  ['/', 'GET, HEAD'], ['/deconnexion', 'POST'], ['/diagnostic', 'GET, HEAD, POST'], ['/graphql', 'GET, HEAD, POST'], ['/explorer', 'GET, HEAD'], ['/health', 'GET, HEAD'], ['/livez', 'GET, HEAD'], ['/readyz', 'GET, HEAD'],
  ['/metrics', 'GET, HEAD'], ['/schema.graphql', 'GET, HEAD'], ['/dashboard', 'GET, HEAD'], ['/dashboard/', 'GET, HEAD'],
  ['/dashboard/connexion', 'GET, HEAD, POST'], ['/dashboard/diagnostics', 'GET, HEAD'], ['/dashboard/diagnostics/export.csv', 'GET, HEAD'], ['/dashboard/deconnexion', 'POST'], ['/dashboard/export.csv', 'GET, HEAD'],
  // The public pages' fixed addresses (those with an id or a slug answer their own 404).
  ['/agenda', 'GET, HEAD'], ['/agenda.ics', 'GET, HEAD'], ['/agenda/inscription/confirmer', 'GET, HEAD, POST'], ['/agenda/desinscription', 'GET, HEAD, POST'],
  ['/annuaire', 'GET, HEAD'], ['/annuaire.geojson', 'GET, HEAD'], ['/annuaire/declarer', 'GET, HEAD, POST'], ['/annuaire/confirmer', 'GET, HEAD, POST'],
  ['/annuaire/gerer', 'GET, HEAD, POST'], ['/parcours', 'GET, HEAD'], ['/connexion', 'GET, HEAD, POST'], ['/inscription', 'GET, HEAD, POST'],
  ['/inscription/confirmer', 'GET, HEAD, POST'], ['/connexion/mot-de-passe-oublie', 'GET, HEAD, POST'], ['/connexion/nouveau-mot-de-passe', 'GET, HEAD, POST'],
  ['/mon-parcours', 'GET, HEAD'],
  ['/besoins-logiciels', 'GET, HEAD'], ['/besoins-logiciels/proposer', 'GET, HEAD, POST'], ['/besoins-logiciels/confirmer', 'GET, HEAD, POST'],
]);


