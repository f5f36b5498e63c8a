import { ApiTokenStore, StoredApiTokens } from './auth/api-tokens.js';
import { ensureDashboardAccess, type DashboardAccess } from './auth/first-start.js';
import { loadCurriculum } from './curriculum/loader.js';
import { curriculumPages } from './curriculum/schema.js';
import type { Config } from './config/index.js';
import type { GatewayDeps } from './graphql/context.js';
import type { Logger } from './log.js';
import { createMetrics, upstreamRequestRecorder, type GatewayMetrics } from './metrics.js';
import { MoodleClient } from './moodle/index.js';
import { NotesService } from './notes/service.js';
import { createProgressRuntime } from './progress/runtime.js';
import type { ProgressTracker } from './progress/tracker.js';
import { openDatabase, storeServerVersion, type StoreDb } from './store/database.js';
import { adoptSqliteHandle, type Store } from './store/db.js';
import { resolveWiki } from './wiki/local.js';
import { WikiClient, WikiUnavailableError } from './wiki/index.js';

export interface Runtime {
  deps: GatewayDeps;
  /** The bots' client (long backoff); the gateway's own client is `deps.wiki`. */
  wiki: WikiClient;
  moodle: MoodleClient | undefined;
  /** The store's async query layer (every concept moves onto it; see src/store/). */
  database: StoreDb;
  /** The same SQLite store's synchronous handle, for concepts not moved yet. */
  store: Store;
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
  try {
    await gatewayWiki.ensureLoggedIn();
    logger.info({ apiUrl: gatewayWiki.apiUrl, user: gatewayWiki.userName, batchSize: gatewayWiki.batchSize }, 'Wiki connected');
  } catch (err) {
    // A wrong password is a configuration error; an unreachable wiki must not keep the rest down.
    if (!(err instanceof WikiUnavailableError)) throw err;
    logger.warn({ apiUrl: wiki.apiUrl, code: err.code }, 'Wiki unreachable at start: serving the rest; wiki fields answer WIKI_UNAVAILABLE until it is back');
  }

  const curriculum = await loadCurriculum(config.curriculumDir);
  const database = await openDatabase({ kind: 'sqlite', path: config.storePath });
  const store = adoptSqliteHandle(database.sqlite!);
  const recordMoodle = upstreamRequestRecorder(metrics, 'moodle');
  const moodleRecorder = (r: { wsfunction: string; outcome: 'ok' | 'error' | 'unavailable'; seconds: number }) => recordMoodle({ ...r, action: r.wsfunction });
  const moodle = config.moodle ? new MoodleClient({ url: config.moodle.url, token: config.moodle.token, onRequest: moodleRecorder }) : undefined;
  if (!moodle) logger.info('No MOODLE_URL set: progress lives in the embedded store');

  const apiTokens = await ApiTokenStore.open(database);
  const storedTokens = new StoredApiTokens(apiTokens);
  const dashboardAccess = await ensureDashboardAccess({
    configured: { facilitators: config.facilitatorTokens.length, admins: config.adminTokens.length },
    tokens: apiTokens,
    stored: storedTokens,
  });
  const { auth, progress, tracker } = createProgressRuntime({ config, store, curriculum, moodle, wiki, logger, storedTokens, onMoodleRequest: moodleRecorder });

  const deps: GatewayDeps = {
    wiki: gatewayWiki,
    wikiMode: localWiki ? 'local wiki' : new URL(gatewayWiki.apiUrl).host,
    moodle: moodle && config.moodle ? { api: moodle, courseId: config.moodle.courseId, siteUrl: config.moodle.url } : undefined,
    curriculum,
    moodleActivityMap: config.moodleActivityMap,
    probes: [{ name: 'store', mode: config.storePath, check: () => storeServerVersion(database) }],
    auth,
    progress,
    notes: new NotesService(store, gatewayWiki, { background: wiki, modules: curriculumPages(curriculum) }),
  };
  return { deps, wiki, moodle, database, store, tracker, apiTokens, dashboardAccess, metrics, localWiki, close: () => void database.close() };
}
