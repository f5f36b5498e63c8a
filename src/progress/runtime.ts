import type { Config } from '../config/index.js';
import type { CurriculumModule } from '../curriculum/schema.js';
import type { Logger } from '../log.js';
import { MoodleClient, type MoodleClientOptions } from '../moodle/index.js';
import type { StoreDb } from '../store/database.js';
import { ProgressService } from './service.js';
import { ProgressTracker, type TrackerMoodle } from './tracker.js';
import { wikiContributions, type WikiPagesReader } from './wiki-contributions.js';

export interface ProgressRuntime {
  progress: ProgressService;
  tracker: ProgressTracker;
}

/**
 * Builds progress from the configuration and the shared clients. The composition root
 * (src/app.ts) puts `progress` into GatewayDeps and builds sign-in over `tracker.learners`;
 * bots/progress-sync.ts uses it too.
 */
export function createProgressRuntime(input: {
  config: Pick<Config, 'moodle' | 'moodleActivityMap' | 'progress'>;
  store: StoreDb;
  curriculum: readonly CurriculumModule[];
  /** The site-token client; undefined in embedded mode. */
  moodle?: TrackerMoodle | undefined;
  wiki?: WikiPagesReader | undefined;
  logger?: Logger | undefined;
  /** Metrics hook for the learners' own Moodle clients (markModuleDone). */
  onMoodleRequest?: MoodleClientOptions['onRequest'];
  /** For tests: the fetch every Moodle call uses, the clock. */
  fetch?: typeof fetch;
  now?: () => Date;
}): ProgressRuntime {
  const { config, store, logger } = input;
  const moodleConfig = config.moodle;
  const now = input.now ?? (() => new Date());
  const tracker = new ProgressTracker({
    store,
    curriculum: input.curriculum,
    moodle: moodleConfig && input.moodle ? { client: input.moodle, courseId: moodleConfig.courseId } : undefined,
    activityMap: config.moodleActivityMap,
    wiki: input.wiki && wikiContributions(input.wiki),
    wikiUserMap: config.progress.wikiUserMap,
    stalledAfterDays: config.progress.stalledAfterDays,
    activityCacheTtlMs: config.progress.activityCacheTtlMinutes * 60_000,
    now,
    logger: logger?.child({ component: 'progress' }),
  });
  const progress = new ProgressService(
    tracker,
    moodleConfig
      ? (token) => new MoodleClient({ url: moodleConfig.url, token, onRequest: input.onMoodleRequest, ...(input.fetch ? { fetch: input.fetch } : {}), ...(logger ? { logger: logger.child({ upstream: 'moodle' }) } : {}) })
      : undefined,
  );
  return { progress, tracker };
}
