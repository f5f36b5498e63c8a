/**
 * The running gateway publishes needed software to the wiki every 5 minutes, ONCE across every
 * replica sharing the store (src/jobs lease `software-needs-publish`): changed pages only, each
 * refused page logged.
 */
import { scheduleJob, type JobSchedule, type LeaseOptions } from '../jobs/index.js';
import type { StoreDb } from '../store/database.js';
import type { WikiClient } from '../wiki/client.js';
import type { SoftwareNeedsService } from './service.js';
import { publishSoftwareNeeds } from './wiki.js';

export const SOFTWARE_NEEDS_PUBLISH_JOB = 'software-needs-publish';
export const SOFTWARE_NEEDS_PUBLISH_INTERVAL_MS = 5 * 60_000;

interface JobLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export function scheduleSoftwareNeedsPublishing(
  deps: { store: StoreDb; wiki: WikiClient; service: SoftwareNeedsService; logger: JobLogger; publicUrl?: string | undefined },
  options: { everyMs?: number; start?: boolean; lease?: LeaseOptions } = {},
): JobSchedule {
  const { service, wiki, logger, publicUrl } = deps;
  return scheduleJob(deps.store, {
    name: SOFTWARE_NEEDS_PUBLISH_JOB,
    everyMs: options.everyMs ?? SOFTWARE_NEEDS_PUBLISH_INTERVAL_MS,
    ...(options.lease ? { lease: options.lease } : {}),
    run: async () => {
      const report = await publishSoftwareNeeds(wiki, service, { publicUrl });
      if (report.edits > 0 || report.halted) logger.info({ edits: report.edits, checked: report.checked, drafts: report.drafts.length, halted: report.halted }, 'Needed software published to the wiki');
      for (const f of report.failures) logger.warn({ page: f.title, code: f.code }, f.reason);
    },
    logger,
    onError: (err) => logger.warn({ error: (err as Error).name, code: (err as { code?: string }).code }, 'Needed software not published to the wiki'),
  }, options.start === false ? { start: false } : {});
}
