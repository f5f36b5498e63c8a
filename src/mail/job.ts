import { scheduleJob, type JobSchedule, type LeaseOptions } from '../jobs/index.js';
import type { Logger } from '../log.js';
import type { StoreDb } from '../store/database.js';
import { MailOutbox } from './outbox.js';
import { deliverDueMails, smtpSender } from './sender.js';

export const MAIL_JOB = 'mail-send';

/**
 * Sends the outbox every `everyMs`, once across the replicas sharing the store (src/jobs lease).
 * No SMTP URL: no job; mails wait in the outbox (the dashboard's agenda page says so). Logs
 * counts only: never an address, a mail's text or the SMTP URL.
 */
export function startMailDelivery(input: { store: StoreDb; smtpUrl: string | undefined; from: string; logger: Logger; everyMs?: number; start?: boolean; lease?: LeaseOptions }): JobSchedule | undefined {
  const { smtpUrl, logger } = input;
  if (!smtpUrl) {
    logger.info('No POLLEN_SMTP_URL: mails to visitors wait in the outbox until an SMTP server is configured');
    return undefined;
  }
  const outbox = new MailOutbox(input.store);
  const sender = smtpSender(smtpUrl, input.from);
  const schedule = scheduleJob(input.store, {
    name: MAIL_JOB,
    everyMs: input.everyMs ?? 60_000,
    run: async () => {
      const report = await deliverDueMails(outbox, sender, smtpUrl);
      await outbox.purgeSent(new Date());
      if (report.sent > 0) logger.info({ sent: report.sent }, 'Mails sent');
      if (report.failed > 0) logger.warn({ failed: report.failed }, 'Mails not sent: kept in the outbox, tried again later (reason on the dashboard\'s agenda page)');
    },
    ...(input.lease ? { lease: input.lease } : {}),
    logger,
    onError: (err) => logger.warn({ error: (err as Error).name, code: (err as { code?: string }).code }, 'Mail delivery run failed'),
  }, { start: input.start ?? true });
  return { tick: schedule.tick, stop: () => { schedule.stop(); sender.close(); } };
}
