import { createAgenda } from './agenda/index.js';
import { loadAlternatives } from './matchmaking/alternatives.js';
import { MatchmakingService } from './matchmaking/service.js';
import { ProjectService } from './matchmaking/projects/service.js';
import { minutesDetails } from './agenda/minutes.js';
import { AuthService } from './auth/service.js';
import { ApiTokenStore, StoredApiTokens } from './auth/api-tokens.js';
import { ensureDashboardAccess, type DashboardAccess } from './auth/first-start.js';
import { loadCurriculum } from './curriculum/loader.js';
import { curriculumPages } from './curriculum/schema.js';
import type { Config } from './config/index.js';
import { loadDemo } from './demo/index.js';
import { directoryMigrations } from './directory/migrations.js';
import { DirectoryService } from './directory/service.js';
import { trainingFromProgress } from './directory/training.js';
import type { GatewayDeps } from './graphql/context.js';
import type { Logger } from './log.js';
import { checkMoodleSettings } from './moodle/check.js';
import { createMetrics, upstreamRequestRecorder, type GatewayMetrics } from './metrics.js';
import { MoodleClient } from './moodle/index.js';
import { NotesService } from './notes/service.js';
import { LearnerSpace } from './learner/service.js';
import { SoftwareNeedsService } from './software-needs/service.js';
import { createProgressRuntime } from './progress/runtime.js';
import type { LearnerStore } from './progress/learners.js';
import type { ProgressTracker } from './progress/tracker.js';
import { storeServerVersion, type StoreDb } from './store/database.js';
import { openPollenStore } from './store-schema.js';
import { runMigrations } from './store/migrations.js';
import { resolveWiki } from './wiki/local.js';
import { WikiClient, WikiReadCache, WikiUnavailableError } from './wiki/index.js';

export interface Runtime {
  deps: GatewayDeps;
  /** The bots' client (long backoff). */
  wiki: WikiClient;
  /** The gateway's own client (quick retries), read through `wikiCache` (which is `deps.wiki`). */
  gatewayWiki: WikiClient;
  wikiCache: WikiReadCache;
  moodle: MoodleClient | undefined;
  /** The store's async query layer (every concept moves onto it; see src/store/). */
  database: StoreDb;
  tracker: ProgressTracker;
  /** API tokens kept in the store (`npm run token`), reloaded by `refreshStoredTokens`. */
  apiTokens: ApiTokenStore;
  /** The dashboard's way in: a token created at this (first) start, ready, or none (warn). */
  dashboardAccess: DashboardAccess;
  /** Prometheus metrics every client of this runtime feeds (hand them to createGateway). */
  metrics: GatewayMetrics;
  /** True when the wiki is the local one started for this machine. */
  localWiki: boolean;
  close(): void;
}

/**
 * Composition root: from the configuration to the long-lived clients the gateway and the
 * bots share. With no wiki configured, the local MediaWiki is brought up (scripts/wiki/up.sh);
 * with no Moodle configured, progress lives in the embedded store.
 */
export async function buildRuntime(config: Config, logger: Logger): Promise<Runtime> {
  const wikiSettings = await resolveWiki(config, () => logger.info('No WIKI_API_URL set: bringing up the local wiki (scripts/wiki/up.sh)'));
  const localWiki = wikiSettings.local;
  const metrics = createMetrics();
  const wikiOptions = {
    apiUrl: wikiSettings.apiUrl,
    username: wikiSettings.botUser,
    password: wikiSettings.botPassword,
    contact: wikiSettings.contact,
    logger: logger.child({ upstream: 'wiki' }),
    onRequest: upstreamRequestRecorder(metrics, 'wiki'),
  };
  // Someone is waiting on a gateway read: a few quick retries (about a second in all), then a
  // WIKI_UNAVAILABLE error; a longer Retry-After (maxlag asks 5 s) is not waited for. The bots keep the default long backoff (maxlag, outages).
  const gatewayWiki = WikiClient.lazy({ ...wikiOptions, maxRetries: 2, retryBaseMs: 250, maxRetryDelayMs: 1000, maxRetryAfterMs: 1000 });
  const wiki = WikiClient.lazy(wikiOptions);
  // Both clients are signed in here, before anything writes with them (each also signs in by
  // itself before its first request or write, e.g. once an unreachable wiki is back). The
  // gateway's first, with its short retries: a wiki that is down does not hold start-up for the
  // bots' long backoff.
  try {
    await gatewayWiki.ensureLoggedIn();
    await wiki.ensureLoggedIn();
    logger.info({ apiUrl: gatewayWiki.apiUrl, user: gatewayWiki.userName, batchSize: gatewayWiki.batchSize }, 'Wiki connected');
  } catch (err) {
    // A wrong password is a configuration error; an unreachable wiki must not keep the rest down.
    if (!(err instanceof WikiUnavailableError)) throw err;
    logger.warn({ apiUrl: wiki.apiUrl, code: err.code }, 'Wiki unreachable at start: serving the rest; wiki fields answer WIKI_UNAVAILABLE until it is back');
  }

  const curriculum = await loadCurriculum(config.curriculumDir);
  // The alternatives catalogue is content too: checked against the parcours before anything starts.
  const needs = await loadAlternatives(curriculum);
  // Unreachable PostgreSQL: StoreUnavailableError, in French, naming the URL without its password.
  const database = await openPollenStore(config.store);
  const recordMoodle = upstreamRequestRecorder(metrics, 'moodle');
  const moodleRecorder = (r: { wsfunction: string; outcome: 'ok' | 'error' | 'unavailable'; seconds: number }) => recordMoodle({ ...r, action: r.wsfunction });
  const moodle = config.moodle
    ? new MoodleClient({ url: config.moodle.url, token: config.moodle.token, logger: logger.child({ upstream: 'moodle' }), onRequest: moodleRecorder })
    : undefined;
  if (!moodle) logger.info('No MOODLE_URL set: progress lives in the embedded store');
  if (moodle && config.moodle) {
    // Wrong settings name themselves; the gateway still starts, with Moodle down in /health.
    const check = await checkMoodleSettings(moodle, config.moodle.courseId).catch((err: unknown) => ({
      problems: [`Moodle : vérification des réglages MOODLE_URL, MOODLE_TOKEN et MOODLE_COURSE_ID impossible (${String((err as { code?: unknown }).code ?? (err as Error).name)}).`],
      unreachable: false,
    }));
    if (check.unreachable) {
      logger.warn({ url: config.moodle.url }, `Moodle unreachable at start: serving the rest; Moodle fields answer MOODLE_UNAVAILABLE until it is back. ${check.problems.join(' ')}`);
    } else {
      for (const problem of check.problems) logger.error({ upstream: 'moodle' }, problem);
    }
  }

  const { progress, tracker } = createProgressRuntime({ config, store: database, curriculum, moodle, wiki, logger, onMoodleRequest: moodleRecorder });
  // Embedded mode: attending a workshop session completes its module (Moodle holds its own completions).
  const agenda = await createAgenda(database, {
    modules: curriculum,
    // Visitors' mails go to the outbox with each change; src/mail's job sends them (POLLEN_SMTP_URL).
    mail: { publicUrl: config.publicUrl, smtpConfigured: config.mail.smtpUrl !== undefined },
    publicUrl: config.publicUrl,
    confirmHours: config.agenda.confirmHours,
    ...(tracker.mode === 'embedded' ? { onAttended: (learnerId: string, slug: string) => progress.markModuleDone(learnerId, slug, true) } : {}),
  });

  // Gateway reads go through one shared cache kept fresh by the wiki's change feed; both
  // clients' edits drop their page from it at once.
  const wikiCache = new WikiReadCache(gatewayWiki, {
    maxStalenessMs: config.wikiCache.stalenessSeconds * 1000,
    maxStaleServeMs: config.wikiCache.maxStaleSeconds * 1000,
    maxEntries: config.wikiCache.maxEntries,
    maxBytes: config.wikiCache.maxBytes,
    logger: logger.child({ upstream: 'wiki', part: 'read cache' }),
  });
  wikiCache.watchEdits(gatewayWiki);
  wikiCache.watchEdits(wiki);
  wikiCache.start();
  await runMigrations(database, directoryMigrations);
  const directory = new DirectoryService(database, {
    minRecommendations: config.directory.minRecommendations,
    requireTraining: config.directory.requireTraining,
    rateLimit: { max: config.directory.rateLimitPerHour, windowMinutes: 60 },
    training: trainingFromProgress((ids) => progress.learnersProgress(ids), curriculum),
  });
  await directory.relistAll();
  const softwareNeeds = new SoftwareNeedsService(database);
  const matchmaking = new MatchmakingService(database, { needs, curriculum, directory, agenda });
  const projects = new ProjectService(database, { needs, providers: { byId: (id) => directory.providerById(id), contactAddress: (id) => directory.contactAddress(id) } });
  if (config.demo) await loadDemo({ database, directory, agenda, tracker, logger, softwareNeeds, matchmaking, projects });
  const apiTokens = await ApiTokenStore.open(database);
  const storedTokens = new StoredApiTokens(apiTokens);
  const dashboardAccess = await ensureDashboardAccess({
    configured: { facilitators: config.facilitatorTokens.length, admins: config.adminTokens.length },
    tokens: apiTokens,
    stored: storedTokens,
  });
  const auth = createAuthService({ config, store: database, learners: tracker.learners, logger, storedTokens });

  const deps: GatewayDeps = {
    wiki: wikiCache,
    wikiCache,
    wikiMode: localWiki ? 'local wiki' : new URL(gatewayWiki.apiUrl).host,
    moodle: moodle && config.moodle ? { api: moodle, courseId: config.moodle.courseId, siteUrl: config.moodle.url } : undefined,
    curriculum,
    moodleActivityMap: config.moodleActivityMap,
    probes: [{ name: 'store', mode: database.description, check: () => storeServerVersion(database) }],
    auth,
    progress,
    notes: new NotesService(database, gatewayWiki, {
      background: wiki, modules: curriculumPages(curriculum),
      // Which replica or worker published each note, for operators (LOG_LEVEL=debug).
      log: (line) => logger.debug({ component: 'notes' }, line),
      sessions: { exists: async (id) => (await agenda.store.session(id)) !== undefined, details: async (id) => minutesDetails(await agenda.store.session(id)), attachMinutes: (id, title) => agenda.attachMinutes(id, title) },
    }),
    directory,
    agenda,
    matchmaking,
    projects,
    softwareNeeds,
    learnerSpace: new LearnerSpace({
      store: database, learners: tracker.learners, auth, progress, curriculum, signup: config.learnerSignup,
      moodle: config.moodle && {
        siteUrl: config.moodle.url, courseId: config.moodle.courseId, activityMap: config.moodleActivityMap,
        // The progress tracker's catalogue of the course (cached in the store): each module's quiz activity.
        activities: tracker.catalog && (() => tracker.catalog!.activities()),
      },
    }),
  };
  return {
    deps, wiki, gatewayWiki, wikiCache, moodle, database, tracker, apiTokens, dashboardAccess, metrics, localWiki,
    close: () => {
      wikiCache.stop();
      void database.close();
    },
  };
}

/**
 * Sign-in (sessions, API tokens, learners' Moodle or local passwords, login limits) from the
 * configuration. Built here, in the composition root, over the progress tracker's learners.
 */
export function createAuthService(input: {
  config: Pick<Config, 'moodle' | 'facilitatorTokens' | 'adminTokens' | 'auth'> & Partial<Pick<Config, 'secretKey'>>;
  store: StoreDb;
  learners: LearnerStore;
  logger?: Logger | undefined;
  /** API tokens created with `npm run token` or at first start (hashes in the store). */
  storedTokens?: StoredApiTokens | undefined;
  /** For tests: the fetch Moodle's /login/token.php is called with, the clock. */
  fetch?: typeof fetch;
  now?: () => Date;
}): AuthService {
  const { config, logger } = input;
  const now = input.now ?? (() => new Date());
  return new AuthService({
    store: input.store,
    learners: input.learners,
    facilitatorTokens: config.facilitatorTokens,
    adminTokens: config.adminTokens,
    storedTokens: input.storedTokens,
    sessionTtlMinutes: config.auth.sessionTtlMinutes,
    loginMaxFailures: config.auth.loginMaxFailures,
    loginMaxFailuresPerAddress: config.auth.loginMaxFailuresPerAddress,
    loginWindowMinutes: config.auth.loginWindowMinutes,
    moodle: config.moodle && { url: config.moodle.url, service: config.auth.moodleLoginService, ...(input.fetch ? { fetch: input.fetch } : {}) },
    logger: logger?.child({ component: 'auth' }),
    secretKey: config.secretKey,
    now: () => now().getTime(),
  });
}
