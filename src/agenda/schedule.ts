/**
 * The wiki's Agenda page follows the sessions: every 5 minutes, ONCE across every gateway replica
 * sharing the store (src/jobs lease `agenda-publish`), one batched read, and an edit only when
 * something changed (a session created, moved, cancelled, its minutes linked, or passed).
 */
import { scheduleJob, type JobSchedule, type LeaseOptions } from '../jobs/index.js';
import type { StoreDb } from '../store/database.js';
import type { WikiClient } from '../wiki/client.js';
import type { AgendaService } from './service.js';
import { publishAgenda } from './wiki.js';

export const AGENDA_PUBLISH_JOB = 'agenda-publish';
export const AGENDA_PUBLISH_INTERVAL_MS = 5 * 60_000;

interface JobLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export function scheduleAgendaPublishing(
  deps: { store: StoreDb; wiki: WikiClient; agenda: AgendaService; logger: JobLogger; publicUrl?: string | undefined },
  options: { everyMs?: number; start?: boolean; lease?: LeaseOptions } = {},
): JobSchedule {
  const { agenda, wiki, logger, publicUrl } = deps;
  return scheduleJob(deps.store, {
    name: AGENDA_PUBLISH_JOB,
    everyMs: options.everyMs ?? AGENDA_PUBLISH_INTERVAL_MS,
    ...(options.lease ? { lease: options.lease } : {}),
    run: async () => {
      // Visitors' requests not confirmed in time are forgotten (they held no place: nobody moves).
      await agenda.expirePending();
      const run = await publishAgenda(wiki, agenda, { publicUrl });
      if (run.edits > 0) logger.info({ edits: run.edits }, 'Agenda published to the wiki');
      for (const o of run.outcomes) if (o.status === 'conflict' || o.status === 'stopped') logger.warn({ page: o.title, status: o.status }, o.reason ?? 'Agenda page not published');
      for (const f of run.failures) logger.warn({ page: f.title, code: f.code }, f.reason);
    },
    logger,
    onError: (err) => logger.warn({ error: (err as Error).name, code: (err as { code?: string }).code }, 'Agenda not published to the wiki'),
  }, options.start === false ? { start: false } : {});
}
