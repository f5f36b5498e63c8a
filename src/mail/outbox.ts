/**
 * The outbox: every mail Pollen sends is first a row here, written in the same transaction as
 * the change it tells about (a registration, a cancellation), so a mail is never lost when the
 * SMTP server is down or not configured; the sender job (sender.ts) delivers it later.
 */
import type { Generated, Kysely, Selectable } from 'kysely';
import { tables, type StoreDb } from '../store/database.js';

export interface OutboxTable {
  id: Generated<number>;
  kind: string;
  recipient: string;
  subject: string;
  body: string;
  state: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface MailTables {
  mail_outbox: OutboxTable;
}

export type MailState = 'pending' | 'sent' | 'failed';

/** A mail to send: plain French text. */
export interface OutgoingMail {
  kind: string;
  to: string;
  subject: string;
  text: string;
}

export interface OutboxMail extends OutgoingMail {
  id: number;
  state: MailState;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface OutboxStatus {
  /** Mails not sent yet (waiting for SMTP or for their next attempt). */
  pending: number;
  /** Mails given up on after every attempt. */
  failed: number;
  /** Why the last attempt failed, when the newest pending or failed mail has a reason. */
  lastError: string | null;
}

/** Sent mails are forgotten after this long. */
export const SENT_RETENTION_MS = 30 * 86_400_000;

/** Tries before a mail is given up (about 17 hours in all with the backoff below). */
export const MAX_MAIL_ATTEMPTS = 12;

/** Wait after the n-th failed attempt: 1 min, 2, 4 … capped at 2 h. */
export function mailRetryDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 2 * 3_600_000);
}

type Row = Selectable<OutboxTable>;

function toMail(r: Row): OutboxMail {
  return {
    id: Number(r.id), kind: r.kind, to: r.recipient, subject: r.subject, text: r.body, state: r.state as MailState,
    attempts: Number(r.attempts), nextAttemptAt: r.next_attempt_at, lastError: r.last_error, createdAt: r.created_at, sentAt: r.sent_at,
  };
}

/**
 * Queues mails with `db`: pass the transaction of the change they tell about (any concept's
 * Kysely over the same store), so the mails and the change are written together or not at all.
 */
export async function queueMails(db: Kysely<any>, mails: readonly OutgoingMail[], now = new Date().toISOString()): Promise<void> {
  if (mails.length === 0) return;
  await (db as Kysely<MailTables>)
    .insertInto('mail_outbox')
    .values(mails.map((m) => ({ kind: m.kind, recipient: m.to, subject: m.subject, body: m.text, state: 'pending', attempts: 0, next_attempt_at: now, last_error: null, created_at: now, sent_at: null })))
    .execute();
}

export class MailOutbox {
  readonly #db: Kysely<MailTables>;

  constructor(readonly store: StoreDb) {
    this.#db = tables<MailTables>(store);
  }

  queue(mails: readonly OutgoingMail[], now?: string): Promise<void> {
    return queueMails(this.#db, mails, now);
  }

  /** Pending mails whose attempt is due, oldest first. */
  async due(now: Date, limit = 50): Promise<OutboxMail[]> {
    const rows = await this.#db.selectFrom('mail_outbox').selectAll().where('state', '=', 'pending').where('next_attempt_at', '<=', now.toISOString()).orderBy('id').limit(limit).execute();
    return rows.map(toMail);
  }

  /** Sent: the text is dropped (it may hold a cancellation token, which the store otherwise keeps only hashed). */
  async markSent(id: number, now: Date): Promise<void> {
    await this.#db.updateTable('mail_outbox').set({ state: 'sent', sent_at: now.toISOString(), last_error: null, body: '' }).where('id', '=', id).execute();
  }

  /** Records a failed attempt: retried after the backoff, or failed for good after MAX_MAIL_ATTEMPTS (or at once when not `retryable`). */
  async markAttemptFailed(mail: OutboxMail, reason: string, now: Date, retryable: boolean): Promise<void> {
    const attempts = mail.attempts + 1;
    const giveUp = !retryable || attempts >= MAX_MAIL_ATTEMPTS;
    await this.#db
      .updateTable('mail_outbox')
      .set({ attempts, last_error: reason, state: giveUp ? 'failed' : 'pending', next_attempt_at: new Date(now.getTime() + mailRetryDelayMs(attempts)).toISOString() })
      .where('id', '=', mail.id)
      .execute();
  }

  /** Forgets mails sent more than SENT_RETENTION_MS before `now` (who was mailed is personal data). Returns how many. */
  async purgeSent(now: Date): Promise<number> {
    const before = new Date(now.getTime() - SENT_RETENTION_MS);
    const result = await this.#db.deleteFrom('mail_outbox').where('state', '=', 'sent').where('sent_at', '<', before.toISOString()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Every mail, newest first (tests, the dashboard's details). */
  async list(limit = 100): Promise<OutboxMail[]> {
    return (await this.#db.selectFrom('mail_outbox').selectAll().orderBy('id', 'desc').limit(limit).execute()).map(toMail);
  }

  async status(): Promise<OutboxStatus> {
    const counts = await this.#db.selectFrom('mail_outbox').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).where('state', 'in', ['pending', 'failed']).groupBy('state').execute();
    const last = await this.#db.selectFrom('mail_outbox').select('last_error').where('state', 'in', ['pending', 'failed']).where('last_error', 'is not', null).orderBy('id', 'desc').limit(1).executeTakeFirst();
    const of = (s: string) => Number(counts.find((c) => c.state === s)?.n ?? 0);
    return { pending: of('pending'), failed: of('failed'), lastError: last?.last_error ?? null };
  }
}
