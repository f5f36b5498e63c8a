/** The agenda's tables on the async store (SQLite or PostgreSQL), one query per need. */
import { tables, type StoreDb } from '../store/database.js';
import { isoNow } from '../store/migrations.js';
import { AgendaError } from './errors.js';
import type { AgendaSession, PendingRegistration, Registration, RegistrationStatus, SessionCounts, SessionFields } from './model.js';
import { countStatus, fieldColumns, promoteWaiting, seatCounts, toPending, toRegistration, toSession, type AgendaTables, type Db, type RegistrationRow, type SessionRow } from './rows.js';
import { hashToken, newRegistrationToken } from './tokens.js';
import { inWriteTransaction } from './transaction.js';
import { queueMails, type OutgoingMail } from '../mail/index.js';

/**
 * The mails a change sends (composed by the service), written to the outbox in the change's
 * transaction. `tokenFor` gives a registered person a new cancellation token for their mail
 * (its hash is kept in the same transaction, so the link works once the mail is out).
 */
type MailsOf<T> = ((session: AgendaSession, outcome: T, tokenFor: (r: Registration) => Promise<string>) => Promise<Array<OutgoingMail | undefined>> | Array<OutgoingMail | undefined>) | undefined;

async function queueWith<T>(trx: Db, mails: MailsOf<T>, session: AgendaSession, outcome: T, now: string): Promise<void> {
  if (!mails) return;
  const tokenFor = async (r: Registration) => {
    const token = newRegistrationToken();
    await trx.insertInto('agenda_registration_tokens').values({ registration_id: r.id, token_hash: hashToken(token), created_at: now }).execute();
    return token;
  };
  await queueMails(trx, (await mails(session, outcome, tokenFor)).filter((m): m is OutgoingMail => m !== undefined), now);
}

export interface SessionQuery {
  /** Sessions ending at or after this instant (ISO). */
  from?: string | undefined;
  /** Sessions starting before this instant (ISO). */
  to?: string | undefined;
  moduleSlug?: string | undefined;
  includePrivate: boolean;
  includeCancelled?: boolean;
  /** Keyset cursor: sessions after this (startsAt, id). */
  after?: { startsAt: string; id: number } | undefined;
  limit: number;
}

/** What registering someone needs to know about them. */
export interface Registrant {
  key: string;
  learnerId: string | null;
  name: string;
  email: string | null;
  tokenHash: string;
}

/** What a session's update did, for its mails. */
export interface SessionUpdate {
  promoted: Registration[];
  /** The session before the change. */
  previous: AgendaSession;
  /** Everyone registered after the change (seat or waiting list). */
  registered: Registration[];
}

export interface RegistrationOutcome {
  registration: Registration;
  /** 1-based place on the waiting list (waiting registrations only). */
  waitingPosition: number | null;
}

export class AgendaStore {
  readonly #db: Db;
  /** Writes to one session take turns in this process first, so they hold one pooled connection, not one each. */
  readonly #turns = new Map<number, Promise<unknown>>();

  constructor(readonly store: StoreDb) {
    this.#db = tables<AgendaTables>(store);
  }

  async createSession(fields: SessionFields, uid: string, now = isoNow()): Promise<AgendaSession> {
    const row = await this.#db
      .insertInto('agenda_sessions')
      .values({ ...fieldColumns(fields), uid, sequence: 0, minutes_title: null, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toSession(row);
  }

  async session(id: number): Promise<AgendaSession | undefined> {
    const row = await this.#db.selectFrom('agenda_sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toSession(row);
  }

  async sessionsById(ids: readonly number[]): Promise<Map<number, AgendaSession>> {
    if (ids.length === 0) return new Map();
    const rows = await this.#db.selectFrom('agenda_sessions').selectAll().where('id', 'in', [...ids]).execute();
    return new Map(rows.map((r) => [Number(r.id), toSession(r)]));
  }

  /** Sessions in start order, one page (keyset), and how many match in all. */
  async listSessions(q: SessionQuery): Promise<{ sessions: AgendaSession[]; total: number }> {
    let base = this.#db.selectFrom('agenda_sessions');
    if (q.from) base = base.where('ends_at', '>=', q.from);
    if (q.to) base = base.where('starts_at', '<', q.to);
    if (q.moduleSlug) base = base.where('module_slug', '=', q.moduleSlug);
    if (!q.includePrivate) base = base.where('is_public', '=', 1);
    if (q.includeCancelled === false) base = base.where('status', '!=', 'cancelled');
    let page = base.selectAll();
    const after = q.after;
    if (after) page = page.where((eb) => eb.or([eb('starts_at', '>', after.startsAt), eb.and([eb('starts_at', '=', after.startsAt), eb('id', '>', after.id)])]));
    const [rows, count] = await Promise.all([
      page.orderBy('starts_at').orderBy('id').limit(q.limit).execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { sessions: rows.map(toSession), total: Number(count.n) };
  }

  /** Confirmed, waiting and present counts of each session. */
  async counts(ids: readonly number[]): Promise<Map<number, SessionCounts>> {
    const result = new Map<number, SessionCounts>(ids.map((id) => [id, { confirmed: 0, waiting: 0, present: 0 }]));
    if (ids.length === 0) return result;
    const rows = await this.#db
      .selectFrom('agenda_registrations')
      .select(['session_id', 'status', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('present').as('present')])
      .where('session_id', 'in', [...ids])
      .where('status', '!=', 'cancelled')
      .groupBy(['session_id', 'status'])
      .execute();
    for (const r of rows) {
      const c = result.get(Number(r.session_id));
      if (!c) continue;
      if (r.status === 'confirmed') c.confirmed = Number(r.n);
      if (r.status === 'waiting') c.waiting = Number(r.n);
      c.present += Number(r.present ?? 0);
    }
    return result;
  }

  /** Sessions not cancelled that overlap [startsAt, endsAt), except `exceptId`. */
  async overlapping(startsAt: string, endsAt: string, exceptId?: number): Promise<AgendaSession[]> {
    let q = this.#db.selectFrom('agenda_sessions').selectAll().where('starts_at', '<', endsAt).where('ends_at', '>', startsAt).where('status', '!=', 'cancelled');
    if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
    return (await q.orderBy('starts_at').limit(200).execute()).map(toSession);
  }

  /**
   * Replaces a session's fields. Refuses a capacity below the confirmed registrations; a larger
   * capacity promotes people from the waiting list, in order. SEQUENCE goes up when anything a
   * calendar shows changed.
   */
  /** `mails` gets who was promoted, the session as it was, and everyone registered (seat or waiting list) after the change. */
  async updateSession(id: number, fields: SessionFields, now = isoNow(), mails?: MailsOf<SessionUpdate>): Promise<{ session: AgendaSession; promoted: Registration[] }> {
    return this.#inTurn(id, () => inWriteTransaction<AgendaTables, { session: AgendaSession; promoted: Registration[] }>(this.store, async (trx) => {
      const current = await this.#lockSession(trx, id);
      const confirmed = await countStatus(trx, id, 'confirmed');
      if (fields.capacity < confirmed) {
        throw new AgendaError('CAPACITY_BELOW_REGISTRATIONS', `La capacité (${fields.capacity}) ne peut pas être inférieure aux ${confirmed} inscriptions confirmées. Annulez d’abord des inscriptions ou gardez une capacité plus grande.`, 'capacity');
      }
      const columns = fieldColumns(fields);
      const changed = (Object.keys(columns) as (keyof typeof columns)[]).some((k) => String(columns[k]) !== String(current[k]));
      const row = await trx
        .updateTable('agenda_sessions')
        .set({ ...columns, sequence: changed ? Number(current.sequence) + 1 : Number(current.sequence), updated_at: changed ? now : current.updated_at })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const promoted = await promoteWaiting(trx, id, fields.capacity - confirmed, now);
      const session = toSession(row);
      if (mails) {
        const registered = await trx.selectFrom('agenda_registrations').selectAll().where('session_id', '=', id).where('status', 'in', ['confirmed', 'waiting']).orderBy('id').execute();
        await queueWith(trx, mails, session, { promoted, previous: toSession(current), registered: registered.map(toRegistration) }, now);
      }
      return { session, promoted };
    }));
  }

  /** Cancels the session; `mails` gets everyone still registered (seat or waiting list). */
  async cancelSession(id: number, now = isoNow(), mails?: MailsOf<Registration[]>): Promise<AgendaSession> {
    return this.#inTurn(id, () => inWriteTransaction<AgendaTables, AgendaSession>(this.store, async (trx) => {
      const current = await this.#lockSession(trx, id);
      if (current.status === 'cancelled') return toSession(current);
      const row = await trx
        .updateTable('agenda_sessions')
        .set({ status: 'cancelled', sequence: Number(current.sequence) + 1, updated_at: now })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const session = toSession(row);
      if (mails) {
        const registered = await trx.selectFrom('agenda_registrations').selectAll().where('session_id', '=', id).where('status', 'in', ['confirmed', 'waiting']).orderBy('id').execute();
        await queueWith(trx, mails, session, registered.map(toRegistration), now);
      }
      return session;
    }));
  }

  async setMinutes(id: number, pageTitle: string): Promise<boolean> {
    const result = await this.#db.updateTable('agenda_sessions').set({ minutes_title: pageTitle }).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Past sessions held (not cancelled) with no minutes yet, most recent first. */
  async pastWithoutMinutes(now: string, limit: number): Promise<AgendaSession[]> {
    const rows = await this.#db
      .selectFrom('agenda_sessions')
      .selectAll()
      .where('ends_at', '<', now)
      .where('status', '!=', 'cancelled')
      .where('minutes_title', 'is', null)
      .orderBy('starts_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toSession);
  }

  /**
   * Registers one person, atomically: the session row is locked (PostgreSQL) or the store's
   * write lock held (SQLite) while the seats are counted, so the last seat goes to exactly one
   * of concurrent requests; the others join the waiting list. Someone who cancelled before may
   * register again (their row comes back, at the end of the line).
   */
  async register(sessionId: number, who: Registrant, now: string, checks: (s: AgendaSession) => void, mails?: MailsOf<RegistrationOutcome>): Promise<RegistrationOutcome> {
    return this.#inTurn(sessionId, () => inWriteTransaction<AgendaTables, RegistrationOutcome>(this.store, async (trx) => {
      const session = toSession(await this.#lockSession(trx, sessionId));
      checks(session);
      const outcome = await this.#seat(trx, session, who, now);
      await queueWith(trx, mails, session, outcome, now);
      return outcome;
    }));
  }

  /** A seat, or the end of the waiting list (nobody jumps it); refuses someone already registered. */
  async #seat(trx: Db, session: AgendaSession, who: Registrant, now: string): Promise<RegistrationOutcome> {
    const existing = await trx
      .selectFrom('agenda_registrations')
      .selectAll()
      .where('session_id', '=', session.id)
      .where('registrant_key', '=', who.key)
      .executeTakeFirst();
    if (existing && existing.status !== 'cancelled') {
      throw new AgendaError('ALREADY_REGISTERED', 'Vous êtes déjà inscrit·e à cette session (ou sur sa liste d’attente).');
    }
    const { confirmed, waiting: waitingAlready } = await seatCounts(trx, session.id);
    const status: RegistrationStatus = confirmed < session.capacity && waitingAlready === 0 ? 'confirmed' : 'waiting';
    const values = { learner_id: who.learnerId, name: who.name, email: who.email, token_hash: who.tokenHash, status, present: 0, updated_at: now };
    if (existing) await trx.deleteFrom('agenda_registrations').where('id', '=', existing.id).execute();
    const row = await trx
      .insertInto('agenda_registrations')
      .values({ ...values, session_id: session.id, registrant_key: who.key, created_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { registration: toRegistration(row), waitingPosition: status === 'waiting' ? waitingAlready + 1 : null };
  }

  /**
   * A visitor's request, waiting for them to open the mailed link (double opt-in): no seat, no
   * waiting-list place. Refused when the same address is already registered or already waiting
   * to confirm (no second mail); an expired request of theirs is replaced.
   */
  async registerPending(sessionId: number, who: Registrant & { email: string }, now: string, expiresAt: string, checks: (s: AgendaSession) => void, mails?: MailsOf<PendingRegistration>): Promise<PendingRegistration> {
    return this.#inTurn(sessionId, () => inWriteTransaction<AgendaTables, PendingRegistration>(this.store, async (trx) => {
      const session = toSession(await this.#lockSession(trx, sessionId));
      checks(session);
      await trx.deleteFrom('agenda_pending_registrations').where('session_id', '=', sessionId).where('expires_at', '<=', now).execute();
      const registered = await trx.selectFrom('agenda_registrations').select('status').where('session_id', '=', sessionId).where('registrant_key', '=', who.key).executeTakeFirst();
      if (registered && registered.status !== 'cancelled') {
        throw new AgendaError('ALREADY_REGISTERED', 'Cette adresse e-mail est déjà inscrite à cette session (ou sur sa liste d’attente) : rien n’a été ajouté. Le lien d’annulation est dans l’e-mail reçu à l’inscription.', 'email');
      }
      const pending = await trx.selectFrom('agenda_pending_registrations').select('id').where('session_id', '=', sessionId).where('registrant_key', '=', who.key).executeTakeFirst();
      if (pending) {
        throw new AgendaError('ALREADY_PENDING', 'Une inscription à cette session attend déjà la confirmation de cette adresse e-mail : ouvrez le lien de l’e-mail que nous vous avons envoyé (regardez aussi dans les indésirables). Aucun nouvel e-mail n’a été envoyé.', 'email');
      }
      const row = await trx
        .insertInto('agenda_pending_registrations')
        .values({ session_id: sessionId, registrant_key: who.key, name: who.name, email: who.email, token_hash: who.tokenHash, expires_at: expiresAt, created_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
      const result = toPending(row);
      await queueWith(trx, mails, session, result, now);
      return result;
    }));
  }

  /** The request waiting for confirmation with this token (expired ones included: the page says so). */
  async pending(tokenHash: string): Promise<PendingRegistration | undefined> {
    const row = await this.#db.selectFrom('agenda_pending_registrations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row && toPending(row);
  }

  /**
   * Confirms a request from its mailed link: it becomes a registration now (a seat, or the end of
   * the waiting list: places go in order of confirmation). A link opened twice answers the
   * registration it made (`already`).
   */
  async confirmPending(tokenHash: string, now: string, checks: (s: AgendaSession) => void, mails?: MailsOf<RegistrationOutcome>): Promise<RegistrationOutcome & { already: boolean }> {
    const found = await this.pending(tokenHash);
    if (!found) return this.#alreadyConfirmed(tokenHash);
    return this.#inTurn(found.sessionId, async () => {
      const done = await inWriteTransaction<AgendaTables, (RegistrationOutcome & { already: boolean }) | undefined>(this.store, async (trx) => {
        const session = toSession(await this.#lockSession(trx, found.sessionId));
        const row = await trx.selectFrom('agenda_pending_registrations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
        if (!row) return undefined; // confirmed by a click at the same time
        if (row.expires_at <= now) throw new AgendaError('CONFIRMATION_EXPIRED', 'Ce lien de confirmation a expiré : l’inscription n’a pas été confirmée à temps. Inscrivez-vous de nouveau depuis la page de la session.');
        checks(session);
        await trx.deleteFrom('agenda_pending_registrations').where('id', '=', row.id).execute();
        const outcome = await this.#seat(trx, session, { key: row.registrant_key, learnerId: null, name: row.name, email: row.email, tokenHash: row.token_hash }, now);
        await queueWith(trx, mails, session, outcome, now);
        return { ...outcome, already: false };
      });
      return done ?? this.#alreadyConfirmed(tokenHash);
    });
  }

  async #alreadyConfirmed(tokenHash: string): Promise<RegistrationOutcome & { already: boolean }> {
    const registration = await this.registration({ tokenHash });
    if (!registration) throw new AgendaError('REGISTRATION_NOT_FOUND', 'Ce lien de confirmation ne correspond à aucune inscription : vérifiez que l’adresse est complète, ou inscrivez-vous de nouveau.');
    return { registration, waitingPosition: registration.status === 'waiting' ? await this.waitingPosition(registration) : null, already: true };
  }

  /** Withdraws a request never confirmed (the cancellation link of the first mail): it held nothing. */
  async cancelPending(tokenHash: string): Promise<PendingRegistration | undefined> {
    const row = await this.#db.deleteFrom('agenda_pending_registrations').where('token_hash', '=', tokenHash).returningAll().executeTakeFirst();
    return row && toPending(row);
  }

  /** Forgets the requests not confirmed in time; nothing else changes (they held no place). */
  async expirePending(now: string): Promise<number> {
    const result = await this.#db.deleteFrom('agenda_pending_registrations').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** 1-based place of a waiting registration on its session's list. */
  async waitingPosition(registration: Pick<Registration, 'id' | 'sessionId'>): Promise<number> {
    const r = await this.#db
      .selectFrom('agenda_registrations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('session_id', '=', registration.sessionId)
      .where('status', '=', 'waiting')
      .where('id', '<', registration.id)
      .executeTakeFirstOrThrow();
    return Number(r.n) + 1;
  }

  /** Someone's registration to a session (`learner:<id>`, `email:<address>`), cancelled ones included. */
  async registrationOf(sessionId: number, key: string): Promise<Registration | undefined> {
    const row = await this.#db.selectFrom('agenda_registrations').selectAll().where('session_id', '=', sessionId).where('registrant_key', '=', key).executeTakeFirst();
    return row && toRegistration(row);
  }

  /** Public sessions ended before `now`, most recent first. */
  async pastSessions(now: string, limit: number): Promise<AgendaSession[]> {
    const rows = await this.#db.selectFrom('agenda_sessions').selectAll().where('ends_at', '<', now).where('is_public', '=', 1).orderBy('starts_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toSession);
  }

  /** Cancels the registration holding this token; a freed seat goes to the first waiting. */
  async cancelRegistration(where: { tokenHash: string } | { id: number }, now = isoNow(), mails?: MailsOf<Registration[]>): Promise<{ registration: Registration; promoted: Registration[] }> {
    const found = await this.#findRegistration(where);
    if (!found) throw new AgendaError('REGISTRATION_NOT_FOUND', 'Aucune inscription ne correspond à ce jeton : vérifiez le lien reçu à l’inscription.');
    return this.#inTurn(Number(found.session_id), () => inWriteTransaction<AgendaTables, { registration: Registration; promoted: Registration[] }>(this.store, async (trx) => {
      const session = await this.#lockSession(trx, Number(found.session_id));
      const current = await trx.selectFrom('agenda_registrations').selectAll().where('id', '=', found.id).executeTakeFirstOrThrow();
      // A used link says so, as the cancellation page does (410 there): nothing was cancelled now.
      if (current.status === 'cancelled' && 'tokenHash' in where) throw new AgendaError('REGISTRATION_ALREADY_CANCELLED', 'Cette inscription est déjà annulée : vous n’avez plus rien à faire.');
      if (current.status === 'cancelled') return { registration: toRegistration(current), promoted: [] };
      const row = await trx
        .updateTable('agenda_registrations')
        .set({ status: 'cancelled', present: 0, updated_at: now })
        .where('id', '=', current.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const confirmed = await countStatus(trx, Number(session.id), 'confirmed');
      const promoted = await promoteWaiting(trx, Number(session.id), Number(session.capacity) - confirmed, now);
      await queueWith(trx, mails, toSession(session), promoted, now);
      return { registration: toRegistration(row), promoted };
    }));
  }

  async registration(where: { tokenHash: string } | { id: number }): Promise<Registration | undefined> {
    const row = await this.#findRegistration(where);
    return row && toRegistration(row);
  }

  /** A session's registrations: confirmed and waiting in arrival order, then cancelled. */
  async registrations(sessionId: number): Promise<Registration[]> {
    const rows = await this.#db.selectFrom('agenda_registrations').selectAll().where('session_id', '=', sessionId).orderBy('id').execute();
    const rank = { confirmed: 0, waiting: 1, cancelled: 2 } as Record<string, number>;
    return rows.map(toRegistration).sort((a, b) => (rank[a.status] ?? 3) - (rank[b.status] ?? 3) || a.id - b.id);
  }

  /** Learners marked present, with each session's module: for progress. */
  async attendedModules(learnerId: string): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('agenda_registrations as r')
      .innerJoin('agenda_sessions as s', 's.id', 'r.session_id')
      .select('s.module_slug')
      .where('r.learner_id', '=', learnerId)
      .where('r.present', '=', 1)
      .where('s.module_slug', 'is not', null)
      .distinct()
      .execute();
    return rows.map((r) => r.module_slug as string);
  }

  async setPresent(registrationId: number, present: boolean, now = isoNow()): Promise<Registration> {
    const row = await this.#db
      .updateTable('agenda_registrations')
      .set({ present: present ? 1 : 0, updated_at: now })
      .where('id', '=', registrationId)
      .where('status', '=', 'confirmed')
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new AgendaError('REGISTRATION_NOT_FOUND', 'Aucune inscription confirmée ne porte ce numéro : seules les personnes inscrites (pas en liste d’attente) peuvent être notées présentes.');
    return toRegistration(row);
  }

  /**
   * Runs the writes on one session one after the other in this process. The row lock still
   * decides between processes; this only keeps a burst from taking every pooled connection to
   * wait on that lock (and the pool's wait from timing out).
   */
  #inTurn<T>(sessionId: number, run: () => Promise<T>): Promise<T> {
    const result = (this.#turns.get(sessionId) ?? Promise.resolve()).then(run, run);
    const tail = result.catch(() => undefined);
    this.#turns.set(sessionId, tail);
    void tail.then(() => {
      if (this.#turns.get(sessionId) === tail) this.#turns.delete(sessionId);
    });
    return result;
  }

  async #findRegistration(where: { tokenHash: string } | { id: number }): Promise<RegistrationRow | undefined> {
    const q = this.#db.selectFrom('agenda_registrations').selectAll();
    if ('id' in where) return q.where('id', '=', where.id).executeTakeFirst();
    // The token given at registration, or one sent with a later mail.
    return q.where((eb) => eb.or([
      eb('token_hash', '=', where.tokenHash),
      eb('id', 'in', eb.selectFrom('agenda_registration_tokens').select('registration_id').where('token_hash', '=', where.tokenHash)),
    ])).executeTakeFirst();
  }

  async #lockSession(trx: Db, id: number): Promise<SessionRow> {
    let q = trx.selectFrom('agenda_sessions').selectAll().where('id', '=', id);
    if (this.store.dialect === 'postgres') q = q.forUpdate();
    const row = await q.executeTakeFirst();
    if (!row) throw new AgendaError('SESSION_NOT_FOUND', `Aucune session ne porte le numéro ${id}.`);
    return row;
  }
}
