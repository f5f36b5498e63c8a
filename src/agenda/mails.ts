/**
 * The agenda's e-mails to people who registered with an address (visitors), in French: written
 * to the outbox (src/mail) in the same transaction as the change they tell about.
 */
import type { OutgoingMail } from '../mail/index.js';
import type { AgendaSession, PendingRegistration, Registration } from './model.js';
import { frenchWhen } from './wiki.js';

export interface AgendaMailOptions {
  /** The gateway's public address (POLLEN_PUBLIC_URL): cancellation and calendar links. Unset: the token is given instead. */
  publicUrl?: string | undefined;
}

/** Page where a person cancels with their token (GET shows, POST cancels). */
export const CANCEL_PATH = '/agenda/desinscription';

export function cancelUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${CANCEL_PATH}?jeton=${encodeURIComponent(token)}`;
}

/** Page where a visitor confirms their registration from the mailed link (GET shows a button, POST confirms). */
export const CONFIRM_PATH = '/agenda/inscription/confirmer';

export function confirmUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${CONFIRM_PATH}?jeton=${encodeURIComponent(token)}`;
}

/** A public session's page. */
export function sessionPath(session: Pick<AgendaSession, 'id'>): string {
  return `/agenda/sessions/${session.id}`;
}

const shortDate = (s: AgendaSession) =>
  new Intl.DateTimeFormat('fr-FR', { timeZone: s.timeZone, day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(s.startsAt));

function details(s: AgendaSession, options: AgendaMailOptions): string[] {
  const lines = [`Quand : ${frenchWhen(s)}`];
  if (s.place.address) lines.push(`Où : ${s.place.address}`);
  if (s.place.onlineUrl) lines.push(`En ligne : ${s.place.onlineUrl}`);
  if (s.facilitators.length) lines.push(`Animation : ${s.facilitators.join(', ')}`);
  if (options.publicUrl && s.isPublic) lines.push(`Page de la session : ${options.publicUrl.replace(/\/+$/, '')}${sessionPath(s)}`);
  if (options.publicUrl && s.isPublic) lines.push(`Ajouter à votre agenda : ${options.publicUrl.replace(/\/+$/, '')}/agenda/sessions/${s.id}.ics`);
  return lines;
}

const SIGNATURE = ['', '-- ', 'Pollen — message automatique, merci de ne pas y répondre.'];

/** How to cancel: the link, or (no public address) the token to give the facilitators. */
function cancellation(token: string, options: AgendaMailOptions): string[] {
  if (options.publicUrl) return [`Vous ne pourrez pas venir ? Annulez votre inscription pour libérer la place : ${cancelUrl(options.publicUrl, token)}`];
  return [
    'Vous ne pourrez pas venir ? Contactez l’équipe d’animation pour annuler votre inscription et libérer la place,',
    `en lui donnant ce code d’annulation : ${token}`,
  ];
}

/**
 * A visitor asked for a place: the link to confirm it (double opt-in; it holds nothing until
 * then), how long it is valid, and how to withdraw. Without a public address, the code.
 */
export function confirmationMail(session: AgendaSession, pending: PendingRegistration, token: string, hours: number, options: AgendaMailOptions): OutgoingMail {
  const confirm = options.publicUrl
    ? [`Pour confirmer votre inscription, ouvrez ce lien puis cliquez sur « Confirmer mon inscription » (lien valable ${hours} heures) :`, confirmUrl(options.publicUrl, token)]
    : [`Pour confirmer votre inscription (dans les ${hours} heures), donnez ce code de confirmation à l’équipe d’animation : ${token}`];
  return {
    kind: 'agenda.confirm',
    to: pending.email,
    subject: `Confirmez votre inscription : ${session.title}, ${shortDate(session)}`,
    text: [
      `Bonjour ${pending.name},`, '',
      `Vous avez demandé à vous inscrire à « ${session.title} ».`,
      ...confirm, '',
      'Tant qu’elle n’est pas confirmée, votre demande ne réserve aucune place. Vous n’êtes pas à l’origine de cette demande ? Ignorez ce message : elle sera oubliée.', '',
      ...details(session, options), '',
      ...cancellation(token, options),
      ...SIGNATURE,
    ].join('\n'),
  };
}

/** Registered: a seat, or a place on the waiting list. */
export function registrationMail(session: AgendaSession, registration: Registration, token: string, waitingPosition: number | null, options: AgendaMailOptions): OutgoingMail | undefined {
  if (!registration.email) return undefined;
  const waiting = registration.status === 'waiting';
  const status = waiting
    ? [`La session « ${session.title} » est complète : vous êtes inscrit·e sur la liste d’attente, en position ${waitingPosition ?? '?'}.`, 'Si une place se libère, elle vous est donnée automatiquement et un e-mail vous le dit.']
    : [`Votre inscription à « ${session.title} » est confirmée : une place vous est réservée.`];
  return {
    kind: waiting ? 'agenda.waiting' : 'agenda.registered',
    to: registration.email,
    subject: waiting ? `Liste d’attente (position ${waitingPosition ?? '?'}) : ${session.title}, ${shortDate(session)}` : `Inscription confirmée : ${session.title}, ${shortDate(session)}`,
    text: [`Bonjour ${registration.name},`, '', ...status, '', ...details(session, options), '', ...cancellation(token, options), ...SIGNATURE].join('\n'),
  };
}

/** Moved from the waiting list to a seat. */
export function promotedMail(session: AgendaSession, registration: Registration, token: string, options: AgendaMailOptions): OutgoingMail | undefined {
  if (!registration.email) return undefined;
  return {
    kind: 'agenda.promoted',
    to: registration.email,
    subject: `Une place s’est libérée : ${session.title}, ${shortDate(session)}`,
    text: [
      `Bonjour ${registration.name},`, '',
      `Une place s’est libérée pour « ${session.title} » : vous quittez la liste d’attente, votre inscription est confirmée.`, '',
      ...details(session, options), '',
      ...cancellation(token, options),
      ...SIGNATURE,
    ].join('\n'),
  };
}

/** The session is cancelled: to everyone registered (seat or waiting list). */
export function sessionCancelledMail(session: AgendaSession, registration: Registration, options: AgendaMailOptions): OutgoingMail | undefined {
  if (!registration.email) return undefined;
  const { publicUrl } = options;
  return {
    kind: 'agenda.cancelled',
    to: registration.email,
    subject: `Session annulée : ${session.title}, ${shortDate(session)}`,
    text: [
      `Bonjour ${registration.name},`, '',
      `La session « ${session.title} » prévue ${frenchWhen(session)} est annulée : vous n’avez rien à faire.`,
      'Nous sommes désolé·es pour ce changement.', '',
      publicUrl ? `Les prochaines sessions : ${publicUrl.replace(/\/+$/, '')}/agenda.ics` : 'Les prochaines sessions sont sur la page « Agenda » du wiki.',
      ...SIGNATURE,
    ].join('\n'),
  };
}

/** True when people must hear of the change: the day, the hours or the place moved. */
export function whenOrWhereChanged(before: AgendaSession, after: AgendaSession): boolean {
  return before.startsAt !== after.startsAt || before.endsAt !== after.endsAt || before.timeZone !== after.timeZone ||
    before.place.address !== after.place.address || before.place.onlineUrl !== after.place.onlineUrl;
}

/** The session moved (day, hours or place): to everyone registered, with the new details. */
export function sessionChangedMail(before: AgendaSession, session: AgendaSession, registration: Registration, token: string, options: AgendaMailOptions): OutgoingMail | undefined {
  if (!registration.email) return undefined;
  const waiting = registration.status === 'waiting';
  const timeMoved = before.startsAt !== session.startsAt || before.endsAt !== session.endsAt || before.timeZone !== session.timeZone;
  const placeMoved = before.place.address !== session.place.address || before.place.onlineUrl !== session.place.onlineUrl;
  // Name what changed: « Le nouveau lieu » when only the place moved.
  const change = timeMoved && placeMoved ? 'Le nouveau créneau ou le nouveau lieu ne vous convient pas ?' : timeMoved ? 'Le nouveau créneau ne vous convient pas ?' : 'Le nouveau lieu ne vous convient pas ?';
  return {
    kind: 'agenda.changed',
    to: registration.email,
    subject: `Session modifiée : ${session.title}, ${shortDate(session)}`,
    text: [
      `Bonjour ${registration.name},`, '',
      `La session « ${session.title} » change : elle était prévue ${frenchWhen(before)}${before.place.address && before.place.address !== session.place.address ? ` (${before.place.address})` : ''}.`,
      waiting ? 'Vous restez sur la liste d’attente. Voici les nouvelles informations :' : 'Votre inscription est maintenue. Voici les nouvelles informations :', '',
      ...details(session, options), '',
      change,
      ...cancellation(token, options),
      ...SIGNATURE,
    ].join('\n'),
  };
}
