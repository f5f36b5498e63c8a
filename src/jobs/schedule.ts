import type { StoreDb } from '../store/database.js';
import type { LeaseOptions } from './lease.js';
import { holderChangeLog, type HolderLogger } from './holder-log.js';
import { runExclusive } from './run.js';

export interface ScheduledJob {
  /** Unique across the cluster, e.g. `notes-publish`, `progress-sync`. */
  name: string;
  everyMs: number;
  run: () => Promise<void>;
  /** A run failed (the next interval tries again). */
  onError?: (error: unknown) => void;
  /** Clock and holder, for tests. */
  lease?: LeaseOptions;
  /** Told which process runs the job each time that changes (src/jobs/holder-log.ts). */
  logger?: HolderLogger;
}

export interface JobSchedule {
  /** One interval's turn, as the timer takes it: true when this process ran the job. */
  tick(): Promise<boolean>;
  stop(): void;
}

/**
 * Runs `run` every `everyMs` ONCE across every process sharing the store (gateway replicas, bot
 * workers): at each tick a process takes the job's lease and holds it for the interval; the others
 * find it taken and skip. The holder keeps the job while it lives; if it dies, another process
 * takes over within one to two intervals. A process never overlaps its own runs.
 */
export function scheduleJob(store: StoreDb, job: ScheduledJob, options: { start?: boolean } = {}): JobSchedule {
  let running = false;
  const holderChanged = job.logger && holderChangeLog(store, job.name, job.logger, job.lease);
  const tick = async (): Promise<boolean> => {
    if (running) return false;
    running = true;
    try {
      const outcome = await runExclusive(store, job.name, Math.max(job.everyMs, 60_000), job.run, { ...job.lease, holdForMs: job.everyMs });
      await holderChanged?.(outcome.ran);
      return outcome.ran;
    } catch (error) {
      job.onError?.(error);
      return false;
    } finally {
      running = false;
    }
  };
  const timer = options.start === false ? undefined : setInterval(() => void tick(), job.everyMs);
  timer?.unref();
  return { tick, stop: () => timer && clearInterval(timer) };
}
