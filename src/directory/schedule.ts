/**
 * The running gateway publishes the directory to the wiki every 5 minutes, ONCE across every
 * gateway replica sharing the store (src/jobs lease `directory-publish`): training badges re-read,
 * changed pages published, each refused page logged.
 */
import { scheduleJob, type JobSchedule, type LeaseOptions } from '../jobs/index.js';
import type { StoreDb } from '../store/database.js';
import type { WikiClient } from '../wiki/client.js';
import type { DirectoryService } from './service.js';
import { publishDirectory } from './wiki.js';

export const DIRECTORY_PUBLISH_JOB = 'directory-publish';
export const DIRECTORY_PUBLISH_INTERVAL_MS = 5 * 60_000;

interface JobLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export function scheduleDirectoryPublishing(
  deps: { store: StoreDb; wiki: WikiClient; directory: DirectoryService; logger: JobLogger },
  options: { everyMs?: number; start?: boolean; lease?: LeaseOptions } = {},
): JobSchedule {
  const { directory, wiki, logger } = deps;
  return scheduleJob(deps.store, {
    name: DIRECTORY_PUBLISH_JOB,
    everyMs: options.everyMs ?? DIRECTORY_PUBLISH_INTERVAL_MS,
    ...(options.lease ? { lease: options.lease } : {}),
    run: async () => {
      await directory.refreshTraining();
      const report = await publishDirectory(wiki, directory);
      if (report.edits > 0 || report.halted) logger.info({ edits: report.edits, drafts: report.drafts.length, halted: report.halted }, 'Directory published to the wiki');
      for (const f of report.failures) logger.warn({ page: f.title, code: f.code }, f.reason);
    },
    logger,
    onError: (err) => logger.warn({ error: (err as Error).name, code: (err as { code?: string }).code }, 'Directory not published to the wiki'),
  }, options.start === false ? { start: false } : {});
}
