import type { Server } from 'node:http';
import { releaseLeasesOf } from '../jobs/index.js';
import type { Logger } from '../log.js';
import { NoteQueue } from '../notes/queue.js';
import type { StoreDb } from '../store/database.js';
import { processHolderId } from '../jobs/index.js';

/** Whether this process is stopping: /readyz answers 503 so a balancer sends nothing new. */
export interface Lifecycle {
  readonly draining: boolean;
}

export interface DrainOptions {
  server: Server;
  store: StoreDb;
  logger: Logger;
  /** Longest wait for the requests in flight (POLLEN_DRAIN_SECONDS). */
  drainMs: number;
  /** Stops the process's own timers and jobs (nothing new starts). */
  stopJobs: () => void;
  /** Last steps once the requests are answered (Apollo, the runtime's clients). */
  close: () => Promise<void>;
  exit?: (code: number) => void;
}

/**
 * A gateway's graceful stop, on the first SIGTERM or SIGINT: it says it is draining (/readyz
 * 503), stops its jobs, stops accepting connections and lets the requests in flight finish (at
 * most `drainMs`, then their connections are cut), gives back the notes it still claims and the
 * job leases it holds (another replica takes them at once, not after their expiry), closes, and
 * exits 0. A second signal exits at once (code 1). The notes worker (`npm run notes -- watch`)
 * stops the same way: the note in hand is finished, the rest of its claims given back.
 */
export function gracefulStop(options: DrainOptions): { lifecycle: Lifecycle; stop: (signal: string) => Promise<void> } {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let draining = false;
  const lifecycle: Lifecycle = {
    get draining() {
      return draining;
    },
  };
  const stop = async (signal: string): Promise<void> => {
    if (draining) {
      options.logger.warn({ signal }, 'Second signal: exiting now, requests in flight are cut');
      exit(1);
      return;
    }
    draining = true;
    const started = Date.now();
    options.logger.info({ signal, drainSeconds: options.drainMs / 1000 }, 'Shutting down: answering the requests in flight, accepting no new ones');
    options.stopJobs();
    const closed = new Promise<void>((resolve) => options.server.close(() => resolve()));
    options.server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      closed.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), options.drainMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      options.logger.warn({ drainSeconds: options.drainMs / 1000 }, 'Requests still in flight after the drain time: their connections are cut');
      options.server.closeAllConnections();
    }
    try {
      await new NoteQueue(options.store).release(processHolderId);
      const leases = await releaseLeasesOf(options.store);
      options.logger.info({ leases, ms: Date.now() - started }, 'Notes claims and job leases given back');
    } catch (err) {
      options.logger.warn({ error: (err as Error).name, code: (err as { code?: unknown }).code }, 'Claims and leases not given back (they expire by themselves)');
    }
    await options.close().catch(() => {});
    exit(0);
  };
  return { lifecycle, stop };
}
