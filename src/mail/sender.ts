/**
 * Delivery of the outbox through SMTP (nodemailer), by a scheduled job once across replicas
 * (see src/main.ts). A mail that fails stays in the outbox with its reason and is tried again
 * with a growing delay; with no SMTP server configured, nothing is sent and nothing is lost.
 */
import type { Transporter } from 'nodemailer';
import type { MailOutbox, OutgoingMail } from './outbox.js';

export interface MailSender {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** The SMTP URL's password and user name, as they may appear in a message (raw or decoded). */
function secretsOf(smtpUrl: string): string[] {
  try {
    const url = new URL(smtpUrl);
    const parts = [url.password, url.username].filter((s) => s.length >= 3);
    return [...new Set(parts.flatMap((p) => [p, decodeURIComponent(p)]))];
  } catch {
    return [];
  }
}

/** A message with the SMTP URL's credentials removed. */
export function redactSmtp(message: string, smtpUrl: string): string {
  let text = message.replace(/(smtps?:\/\/)[^@\s/]*@/gi, '$1***@');
  for (const secret of secretsOf(smtpUrl)) text = text.split(secret).join('***');
  return text;
}

/** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465`; `from` is the sender. */
export function smtpSender(smtpUrl: string, from: string): MailSender {
  // nodemailer is loaded with the first mail to send, not at start: a gateway that sends none
  // does not carry it in its memory.
  let transport: Promise<Transporter> | undefined;
  const open = (): Promise<Transporter> =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) => {
      const created = nodemailer.createTransport(smtpUrl, { from });
      // A short wait per try: the job retries later, a hung server must not hold it.
      Object.assign(created.options, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
      return created;
    }));
  return {
    async send(mail) {
      await (await open()).sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, headers: { 'Auto-Submitted': 'auto-generated' } });
    },
    close: () => void transport?.then((t) => t.close(), () => undefined),
  };
}

export interface DeliveryReport {
  sent: number;
  /** Failed attempts this run (retried later, or given up after the last attempt). */
  failed: number;
}

/** Why this attempt failed, in French, without secrets; and whether trying again may help. */
function failureOf(err: unknown, smtpUrl: string): { reason: string; retryable: boolean } {
  const e = err as { message?: unknown; responseCode?: unknown; code?: unknown };
  const message = redactSmtp(typeof e?.message === 'string' ? e.message : String(err), smtpUrl).slice(0, 500);
  // A 5xx answer to the envelope (unknown recipient, address refused) will not change by waiting.
  const permanent = e?.code === 'EENVELOPE' && typeof e.responseCode === 'number' && e.responseCode >= 500;
  return { reason: `Le serveur d’envoi (SMTP) a refusé ou n’a pas répondu : ${message}`, retryable: !permanent };
}

/**
 * Sends the outbox's due mails, oldest first. Stops trying the others when the server cannot be
 * reached (they keep their turn for the next run).
 */
export async function deliverDueMails(outbox: MailOutbox, sender: MailSender, smtpUrl: string, options: { now?: () => Date; limit?: number } = {}): Promise<DeliveryReport> {
  const now = options.now ?? (() => new Date());
  const report: DeliveryReport = { sent: 0, failed: 0 };
  for (const mail of await outbox.due(now(), options.limit ?? 100)) {
    try {
      await sender.send(mail);
      await outbox.markSent(mail.id, now());
      report.sent += 1;
    } catch (err) {
      const { reason, retryable } = failureOf(err, smtpUrl);
      await outbox.markAttemptFailed(mail, reason, now(), retryable);
      report.failed += 1;
      const code = (err as { code?: unknown }).code;
      if (code === 'ECONNECTION' || code === 'ETIMEDOUT' || code === 'ESOCKET' || code === 'EDNS' || code === 'EAUTH') break;
    }
  }
  return report;
}
