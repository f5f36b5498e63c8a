import type { Logger } from '../log.js';
import type { SyncReport } from './model.js';

/**
 * Runs a job so that only one runner does it at a time. In-process today; when several gateways
 * share one store, give a runner that takes the cluster-wide lease (src/jobs) instead: the
 * schedule itself does not change.
 */
export type ExclusiveRunner = (job: () => Promise<void>) => Promise<void>;

/** One process: skips a run while the previous one is still going. */
export function inProcessRunner(): ExclusiveRunner {
  let running = false;
  return async (job) => {
    if (running) return;
    running = true;
    try {
      await job();
    } finally {
      running = false;
    }
  };
}

export interface ProgressSyncSchedule {
  stop(): void;
}

/**
 * The gateway reads Moodle's completion by itself every `intervalMinutes` (POLLEN_PROGRESS_SYNC_MINUTES;
 * 0 = never, progress then only moves with `npm run progress:sync` or the syncProgress mutation).
 * The first run happens right away, so a restarted gateway is fresh at once.
 */
export function scheduleProgressSync(options: {
  sync: () => Promise<SyncReport>;
  intervalMinutes: number;
  logger: Pick<Logger, 'info' | 'warn'>;
  runExclusive?: ExclusiveRunner;
}): ProgressSyncSchedule {
  if (options.intervalMinutes <= 0) return { stop: () => {} };
  const runExclusive = options.runExclusive ?? inProcessRunner();
  const run = () =>
    runExclusive(async () => {
      try {
        const report = await options.sync();
        options.logger.info(
          { learners: report.learners, stalled: report.stalled, moodleRequests: report.moodleRequests, durationMs: report.durationMs, warnings: report.warnings.length },
          'Progress synced',
        );
      } catch (err) {
        const e = err as { name?: string; code?: string };
        options.logger.warn({ error: e.name, code: e.code }, 'Progress sync failed; the next run will try again');
      }
    });
  void run();
  const timer = setInterval(() => void run(), options.intervalMinutes * 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
