/**
 * The running gateway publishes the directory to the wiki every 5 minutes, ONCE across every
 * gateway replica sharing the store (src/jobs lease `directory-publish`): training badges re-read,
 * changed pages published, each refused page logged. Both run a slice at a time and hand the
 * event loop back between slices (src/directory/slices.ts), so a turn at a national network's
 * size (thousands of fiches, a first publication of several minutes) runs in the background of
 * the requests it serves; a long publication logs its progress every `progressEveryMs`.
 */
import { scheduleJob, type JobSchedule, type LeaseOptions } from '../jobs/index.js';
import type { StoreDb } from '../store/database.js';
import type { WikiClient } from '../wiki/client.js';
import type { DirectoryService } from './service.js';
import { publishDirectory } from './wiki.js';

export const DIRECTORY_PUBLISH_JOB = 'directory-publish';
export const DIRECTORY_PUBLISH_INTERVAL_MS = 5 * 60_000;
export const DIRECTORY_PROGRESS_LOG_MS = 30_000;

interface JobLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export function scheduleDirectoryPublishing(
  deps: { store: StoreDb; wiki: WikiClient; directory: DirectoryService; logger: JobLogger; publicUrl?: string | undefined },
  options: { everyMs?: number; start?: boolean; lease?: LeaseOptions; progressEveryMs?: number; sliceSize?: number } = {},
): JobSchedule {
  const { directory, wiki, logger, publicUrl } = deps;
  const progressEveryMs = options.progressEveryMs ?? DIRECTORY_PROGRESS_LOG_MS;
  return scheduleJob(deps.store, {
    name: DIRECTORY_PUBLISH_JOB,
    everyMs: options.everyMs ?? DIRECTORY_PUBLISH_INTERVAL_MS,
    ...(options.lease ? { lease: options.lease } : {}),
    run: async () => {
      const started = Date.now();
      const training = await directory.refreshTraining();
      let lastLog = started;
      const report = await publishDirectory(wiki, directory, {
        publicUrl,
        ...(options.sliceSize ? { sliceSize: options.sliceSize } : {}),
        onProgress: (p) => {
          // Only a publication that writes is worth a word; comparing unchanged pages is silent.
          if ((p.edits === 0 && p.failed === 0) || Date.now() - lastLog < progressEveryMs) return;
          lastLog = Date.now();
          logger.info({ checked: p.checked, edits: p.edits, failed: p.failed, seconds: Math.round((lastLog - started) / 1000) }, 'Directory publishing to the wiki in progress');
        },
      });
      if (report.edits > 0 || report.halted) {
        logger.info({ edits: report.edits, checked: report.checked, drafts: report.drafts.length, halted: report.halted, badgesChanged: training.changed, seconds: Math.round((Date.now() - started) / 1000) }, 'Directory published to the wiki');
      }
      for (const f of report.failures) logger.warn({ page: f.title, code: f.code }, f.reason);
    },
    logger,
    onError: (err) => logger.warn({ error: (err as Error).name, code: (err as { code?: string }).code }, 'Directory not published to the wiki'),
  }, options.start === false ? { start: false } : {});
}
