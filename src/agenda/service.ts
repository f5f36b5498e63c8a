/** The agenda's rules, over its store: who may register, when, and what a change warns about. */
import { randomUUID } from 'node:crypto';
import { readWallClock, repeatedTimeWarning } from './time.js';
import { hashToken, newRegistrationToken } from './tokens.js';
import type { z } from 'zod';
import { AgendaError } from './errors.js';
import { firstMessage, sessionInputSchema, visitorSchema, type AgendaSession, type PendingRegistration, type Registration, type SessionCounts, type SessionFields, type SessionInput, type VisitorInput } from './model.js';
import { AgendaStore, type RegistrationOutcome, type SessionQuery } from './store.js';
import { MailOutbox, type OutboxStatus } from '../mail/index.js';
import { confirmationMail, promotedMail, registrationMail, sessionCancelledMail, sessionChangedMail, whenOrWhereChanged, type AgendaMailOptions } from './mails.js';

export interface AgendaModule {
  slug: string;
  title: string;
  wikiPage: string;
  /** Being marked present at a session of this module completes it for a signed-in learner. */
  attendanceCompletes?: boolean;
}

export interface AgendaServiceOptions {
  /** The curriculum's modules: a session names one of them (or none, for a one-off workshop). */
  modules: readonly AgendaModule[];
  now?: () => Date;
  /** Called when a signed-in learner is marked present at a session of an `attendanceCompletes` module. */
  onAttended?: (learnerId: string, moduleSlug: string) => Promise<unknown>;
  /**
   * E-mails to visitors (registered, promoted, session cancelled), queued in the store's outbox
   * (src/mail) with each change. `smtpConfigured`: false when POLLEN_SMTP_URL is unset (the
   * mails wait; the dashboard says so). Unset: no mail.
   */
  mail?: (AgendaMailOptions & { smtpConfigured: boolean }) | undefined;
  /** POLLEN_PUBLIC_URL: links handed out (a session's feed) are absolute. Default: the mail's. */
  publicUrl?: string | undefined;
  /** POLLEN_AGENDA_CONFIRM_HOURS: how long a visitor's mailed confirmation link stays valid (default 48). */
  confirmHours?: number | undefined;
}

/** A visitor's request, to confirm from the mailed link (double opt-in). */
export interface PendingResult {
  pending: PendingRegistration;
  /** The mailed token: it confirms, then cancels. Shown once, only its hash is stored. */
  token: string;
}

/** Links in mails when POLLEN_PUBLIC_URL is unset: the address the person's request came to. */
export interface MailLinks {
  publicUrl?: string | undefined;
}

/** Default of POLLEN_AGENDA_CONFIRM_HOURS. */
export const DEFAULT_CONFIRM_HOURS = 48;

/** The outbox as the dashboard shows it: what waits, and why. */
export interface AgendaMailStatus extends OutboxStatus {
  smtpConfigured: boolean;
}

export interface SessionChange {
  session: AgendaSession;
  /** Non-blocking remarks in French (a facilitator booked twice at the same time). */
  warnings: string[];
  /** People moved from the waiting list to a seat by this change. */
  promoted: Registration[];
}

export interface RegistrationResult extends RegistrationOutcome {
  /** Secret the person keeps to cancel; shown once, only its hash is stored. */
  token: string;
}

export { hashToken };

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new AgendaError('BAD_USER_INPUT', firstMessage(parsed.error), parsed.error.issues[0]?.path.join('.'));
  return parsed.data;
}

export class AgendaService {
  readonly modules: ReadonlyMap<string, AgendaModule>;
  readonly #now: () => Date;
  readonly #onAttended: AgendaServiceOptions['onAttended'];
  readonly #mail: AgendaServiceOptions['mail'];
  readonly #publicUrl: string | undefined;
  readonly confirmHours: number;

  constructor(
    readonly store: AgendaStore,
    options: AgendaServiceOptions,
  ) {
    this.modules = new Map(options.modules.map((m) => [m.slug, m]));
    this.#now = options.now ?? (() => new Date());
    this.#onAttended = options.onAttended;
    this.#mail = options.mail;
    this.#publicUrl = (options.publicUrl ?? options.mail?.publicUrl)?.replace(/\/+$/, '');
    this.confirmHours = options.confirmHours ?? DEFAULT_CONFIRM_HOURS;
  }

  /** The mail settings, links from POLLEN_PUBLIC_URL or else from the request's own address. */
  #mailWith(links: MailLinks): AgendaMailOptions | undefined {
    const mail = this.#mail;
    return mail && { ...mail, publicUrl: mail.publicUrl ?? links.publicUrl };
  }

  /** A session's own iCal feed: absolute when the public address is known, else from the site's root. */
  icsUrl(session: Pick<AgendaSession, 'id'>): string {
    return `${this.#publicUrl ?? ''}/agenda/sessions/${session.id}.ics`;
  }

  /** The outbox's waiting and failed mails (undefined when the agenda sends no mail). */
  async mailStatus(): Promise<AgendaMailStatus | undefined> {
    if (!this.#mail) return undefined;
    return { ...(await new MailOutbox(this.store.store).status()), smtpConfigured: this.#mail.smtpConfigured };
  }

  /** Mails to the people a change gave a seat (from the waiting list). */
  #promotedMails() {
    const mail = this.#mail;
    return mail ? async (session: AgendaSession, promoted: Registration[], tokenFor: (r: Registration) => Promise<string>) => Promise.all(promoted.map(async (r) => r.email ? promotedMail(session, r, await tokenFor(r), mail) : undefined)) : undefined;
  }

  now(): Date {
    return this.#now();
  }

  #fields(input: SessionInput): SessionFields {
    const fields = parse(sessionInputSchema, input);
    if (fields.moduleSlug && !this.modules.has(fields.moduleSlug)) {
      throw new AgendaError('BAD_USER_INPUT', `Module inconnu : « ${fields.moduleSlug} ». Choisissez un module du parcours, ou aucun pour un atelier hors parcours.`, 'moduleSlug');
    }
    return fields;
  }

  /** A time typed in the autumn overlap was read as the first of the two: said, with how to ask for the second. */
  #repeatedTimes(input: SessionInput, fields: SessionFields): string[] {
    const out: string[] = [];
    for (const [value, what] of [[input.startsAt, 'L’heure de début'], [input.endsAt, 'L’heure de fin']] as const) {
      const reading = typeof value === 'string' ? readWallClock(value, fields.timeZone) : undefined;
      if (reading?.repeated) out.push(repeatedTimeWarning(value, fields.timeZone, what, reading.instant));
    }
    return out;
  }

  async #warnings(fields: SessionFields, exceptId?: number): Promise<string[]> {
    if (fields.status !== 'planned' || fields.facilitators.length === 0) return [];
    const others = await this.store.overlapping(fields.startsAt, fields.endsAt, exceptId);
    const warnings: string[] = [];
    for (const other of others) {
      const shared = other.facilitators.filter((f) => fields.facilitators.includes(f));
      if (shared.length > 0) warnings.push(`${shared.join(', ')} anime déjà « ${other.title} » (session ${other.id}) sur le même créneau.`);
    }
    return warnings;
  }

  async createSession(input: SessionInput): Promise<SessionChange> {
    const fields = this.#fields(input);
    const warnings = [...this.#repeatedTimes(input, fields), ...(await this.#warnings(fields))];
    const session = await this.store.createSession(fields, `${randomUUID()}@pollen`, this.now().toISOString());
    return { session, warnings, promoted: [] };
  }

  async updateSession(id: number, input: SessionInput): Promise<SessionChange> {
    let fields = this.#fields(input);
    const current = await this.session(id);
    if (current.status === 'cancelled') throw new AgendaError('SESSION_CANCELLED', 'Cette session est annulée : elle ne peut plus être modifiée. Créez-en une nouvelle.');
    const warnings = [...this.#repeatedTimes(input, fields), ...(await this.#warnings(fields, id))];
    // A new address with the old coordinates (the form sends back what it showed) would put the
    // feed's GEO and the map at the old place: they are cleared, and the answer says so. New
    // coordinates given with the new address are kept.
    const before = current.place;
    const after = fields.place;
    if (after.address !== before.address && after.latitude !== null && after.latitude === before.latitude && after.longitude === before.longitude) {
      fields = { ...fields, place: { ...after, latitude: null, longitude: null } };
      warnings.push('L’adresse a changé : les coordonnées de l’ancienne adresse ont été effacées (le flux iCal et la carte n’indiquent plus de point). Donnez la latitude et la longitude du nouveau lieu si vous les connaissez.');
    }
    const mail = this.#mail;
    const promotedMails = this.#promotedMails();
    const { session, promoted } = await this.store.updateSession(id, fields, this.now().toISOString(), mail && promotedMails
      ? async (after, { promoted: seated, previous, registered }, tokenFor) => {
          // A person given a seat hears of it (with the new details) once, not twice.
          const told = whenOrWhereChanged(previous, after) ? registered.filter((r) => r.email && !seated.some((p) => p.id === r.id)) : [];
          const moved = await Promise.all(told.map(async (r) => sessionChangedMail(previous, after, r, await tokenFor(r), mail)));
          return [...(await promotedMails(after, seated, tokenFor)), ...moved];
        }
      : undefined);
    return { session, warnings, promoted };
  }

  async cancelSession(id: number): Promise<AgendaSession> {
    const mail = this.#mail;
    return this.store.cancelSession(id, this.now().toISOString(), mail ? (session, registered) => registered.map((r) => sessionCancelledMail(session, r, mail)) : undefined);
  }

  async session(id: number): Promise<AgendaSession> {
    const session = await this.store.session(id);
    if (!session) throw new AgendaError('SESSION_NOT_FOUND', `Aucune session ne porte le numéro ${id}.`);
    return session;
  }

  list(query: SessionQuery): Promise<{ sessions: AgendaSession[]; total: number }> {
    return this.store.listSessions(query);
  }

  counts(ids: readonly number[]): Promise<Map<number, SessionCounts>> {
    return this.store.counts(ids);
  }

  /** The checks made under the session's lock, so a cancellation cannot slip in between. */
  #openForRegistration(now: Date, allowPrivate: boolean) {
    return (session: AgendaSession) => {
      if (!session.isPublic && !allowPrivate) throw new AgendaError('SESSION_NOT_FOUND', `Aucune session ne porte le numéro ${session.id}.`);
      if (session.status === 'cancelled') throw new AgendaError('SESSION_CANCELLED', 'Cette session est annulée : les inscriptions sont fermées.');
      if (session.status === 'done' || Date.parse(session.startsAt) <= now.getTime()) {
        throw new AgendaError('REGISTRATION_CLOSED', 'Les inscriptions sont closes : cette session a déjà commencé ou a eu lieu.');
      }
    };
  }

  async #register(sessionId: number, who: { key: string; learnerId: string | null; name: string; email: string | null }, allowPrivate: boolean): Promise<RegistrationResult> {
    const token = newRegistrationToken();
    const now = this.now();
    const mail = this.#mail;
    const outcome = await this.store.register(sessionId, { ...who, tokenHash: hashToken(token) }, now.toISOString(), this.#openForRegistration(now, allowPrivate),
      mail ? (session, o) => [registrationMail(session, o.registration, token, o.waitingPosition, mail)] : undefined);
    return { ...outcome, token };
  }

  /** A signed-in learner registers; private sessions are open to them. */
  registerLearner(sessionId: number, learner: { id: string; name: string }): Promise<RegistrationResult> {
    return this.#register(sessionId, { key: `learner:${learner.id}`, learnerId: learner.id, name: learner.name, email: null }, true);
  }

  /**
   * A visitor asks for a place at a public session with a name and an e-mail address (double
   * opt-in): nothing is held until they open the mailed link (confirmRegistration); the request
   * expires after `confirmHours`. The same address twice is refused, with no second mail.
   */
  async registerVisitor(sessionId: number, input: VisitorInput, links: MailLinks = {}): Promise<PendingResult> {
    const visitor = parse(visitorSchema, input);
    const token = newRegistrationToken();
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.confirmHours * 3_600_000).toISOString();
    const mail = this.#mailWith(links);
    const hours = this.confirmHours;
    const pending = await this.store.registerPending(sessionId, { key: `email:${visitor.email}`, learnerId: null, name: visitor.name, email: visitor.email, tokenHash: hashToken(token) }, now.toISOString(), expiresAt,
      this.#openForRegistration(now, false), mail ? (session, p) => [confirmationMail(session, p, token, hours, mail)] : undefined);
    return { pending, token };
  }

  /**
   * The visitor opened their link and confirmed: a seat, or the end of the waiting list (places go
   * in order of confirmation), and a mail saying which. Confirming twice answers the same.
   */
  async confirmRegistration(token: string, links: MailLinks = {}): Promise<RegistrationResult & { already: boolean }> {
    if (token.length < 10 || token.length > 100) throw new AgendaError('REGISTRATION_NOT_FOUND', 'Ce lien de confirmation ne correspond à aucune inscription : vérifiez que l’adresse est complète, ou inscrivez-vous de nouveau.');
    const now = this.now();
    const mail = this.#mailWith(links);
    const outcome = await this.store.confirmPending(hashToken(token), now.toISOString(), this.#openForRegistration(now, false),
      mail ? (session, o) => [registrationMail(session, o.registration, token, o.waitingPosition, mail)] : undefined);
    return { ...outcome, token };
  }

  /** The request waiting for confirmation with this token, and its session; undefined when none. */
  async pendingByToken(token: string): Promise<{ pending: PendingRegistration; session: AgendaSession; expired: boolean } | undefined> {
    if (token.length < 10 || token.length > 100) return undefined;
    const pending = await this.store.pending(hashToken(token));
    const session = pending && (await this.store.session(pending.sessionId));
    return pending && session ? { pending, session, expired: pending.expiresAt <= this.now().toISOString() } : undefined;
  }

  /** Withdraws an unconfirmed request with its token (it held nothing); undefined when none. */
  async cancelPending(token: string): Promise<PendingRegistration | undefined> {
    if (token.length < 10 || token.length > 100) return undefined;
    return this.store.cancelPending(hashToken(token));
  }

  /** Forgets the requests not confirmed in time (they held nothing: nobody moves). */
  expirePending(): Promise<number> {
    return this.store.expirePending(this.now().toISOString());
  }

  /** A signed-in learner's registration to a session (cancelled included), and their place on the waiting list. */
  async learnerRegistration(sessionId: number, learnerId: string): Promise<{ registration: Registration; waitingPosition: number | null } | undefined> {
    const registration = await this.store.registrationOf(sessionId, `learner:${learnerId}`);
    if (!registration) return undefined;
    return { registration, waitingPosition: registration.status === 'waiting' ? await this.store.waitingPosition(registration) : null };
  }

  /** A signed-in learner cancels their own registration; the first person waiting gets the seat. */
  async cancelLearnerRegistration(sessionId: number, learnerId: string): Promise<{ registration: Registration; promoted: Registration[] }> {
    const registration = await this.store.registrationOf(sessionId, `learner:${learnerId}`);
    if (!registration || registration.status === 'cancelled') throw new AgendaError('REGISTRATION_NOT_FOUND', 'Vous n’êtes pas inscrit·e à cette session.');
    return this.store.cancelRegistration({ id: registration.id }, this.now().toISOString(), this.#promotedMails());
  }

  /** Past public sessions, most recent first (the agenda page's « sessions passées »). */
  pastSessions(limit: number): Promise<AgendaSession[]> {
    return this.store.pastSessions(this.now().toISOString(), limit);
  }

  /** The registration holding this token, and its session (the cancellation page); undefined when none. */
  async byToken(token: string): Promise<{ registration: Registration; session: AgendaSession } | undefined> {
    if (token.length < 10 || token.length > 100) return undefined;
    const registration = await this.store.registration({ tokenHash: hashToken(token) });
    const session = registration && (await this.store.session(registration.sessionId));
    return registration && session ? { registration, session } : undefined;
  }

  /** Cancels with the token given at registration; the first person waiting gets the seat. */
  async cancelRegistration(token: string): Promise<{ registration: Registration; promoted: Registration[] }> {
    if (token.length < 10 || token.length > 100) throw new AgendaError('REGISTRATION_NOT_FOUND', 'Aucune inscription ne correspond à ce jeton : vérifiez le lien reçu à l’inscription.');
    return this.store.cancelRegistration({ tokenHash: hashToken(token) }, this.now().toISOString(), this.#promotedMails());
  }

  /** A facilitator cancels someone's registration (asked by phone, …). */
  cancelRegistrationById(id: number): Promise<{ registration: Registration; promoted: Registration[] }> {
    return this.store.cancelRegistration({ id }, this.now().toISOString(), this.#promotedMails());
  }

  registrations(sessionId: number): Promise<Registration[]> {
    return this.store.registrations(sessionId);
  }

  /** Marks presence; a signed-in learner present at a session of an `attendanceCompletes` module completes it. */
  async markAttendance(registrationId: number, present: boolean): Promise<Registration> {
    const registration = await this.store.setPresent(registrationId, present, this.now().toISOString());
    if (present && registration.learnerId && this.#onAttended) {
      const slug = (await this.store.session(registration.sessionId))?.moduleSlug;
      const module = slug ? this.modules.get(slug) : undefined;
      if (module?.attendanceCompletes) await this.#onAttended(registration.learnerId, module.slug);
    }
    return registration;
  }

  /** Past sessions held but with no minutes yet: the dashboard's « compte rendu manquant ». */
  missingMinutes(limit = 50): Promise<AgendaSession[]> {
    return this.store.pastWithoutMinutes(this.now().toISOString(), limit);
  }

  /** Links a session to its minutes' wiki page (a note naming `session: <id>`). */
  async attachMinutes(sessionId: number, pageTitle: string): Promise<void> {
    if (!(await this.store.setMinutes(sessionId, pageTitle))) throw new AgendaError('SESSION_NOT_FOUND', `Aucune session ne porte le numéro ${sessionId} : vérifiez le champ « session » de la note.`);
  }

  /** Modules the learner attended a session of (marked present). */
  attendedModules(learnerId: string): Promise<string[]> {
    return this.store.attendedModules(learnerId);
  }
}
