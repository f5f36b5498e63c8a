/** The agenda's concepts: sessions of a module or workshop, and the people registered to them. */
import { z } from 'zod';
import { DEFAULT_TIME_ZONE, isValidTimeZone, parseInstant, readWallClock, skippedTimeMessage } from './time.js';

export const SESSION_STATUSES = ['planned', 'cancelled', 'done'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const REGISTRATION_STATUSES = ['confirmed', 'waiting', 'cancelled'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

export interface SessionPlace {
  /** Postal address, for a session in a room. */
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  /** Video-conference link, for an online session. */
  onlineUrl: string | null;
}

export interface AgendaSession {
  id: number;
  /** Stable iCal UID, set once at creation. */
  uid: string;
  moduleSlug: string | null;
  title: string;
  description: string | null;
  /** ISO 8601 UTC instants. */
  startsAt: string;
  endsAt: string;
  /** IANA zone the session is held in (its wall-clock times are in it). */
  timeZone: string;
  place: SessionPlace;
  facilitators: string[];
  capacity: number;
  isPublic: boolean;
  status: SessionStatus;
  /** iCal SEQUENCE: bumped on every change calendar clients must see. */
  sequence: number;
  /** Wiki page of the session's minutes, once a note names the session. */
  minutesTitle: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SessionCounts {
  confirmed: number;
  waiting: number;
  present: number;
}

export interface Registration {
  id: number;
  sessionId: number;
  learnerId: string | null;
  name: string;
  email: string | null;
  status: RegistrationStatus;
  present: boolean;
  createdAt: string;
  updatedAt: string;
}

/**
 * A visitor's registration before they open the link mailed to them (double opt-in): it holds
 * no seat and no waiting-list place, and expires at `expiresAt`.
 */
export interface PendingRegistration {
  id: number;
  sessionId: number;
  name: string;
  email: string;
  expiresAt: string;
  createdAt: string;
}

const MAX_TITLE = 200;

const trimmed = (max: number, what: string) =>
  z
    .string()
    .transform((s) => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim())
    .pipe(z.string().min(1, `${what} est vide.`).max(max, `${what} dépasse ${max} caractères.`));

const optionalText = (max: number, what: string) =>
  z
    .string()
    .nullish()
    .transform((s) => (s == null ? null : s.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim() || null))
    .pipe(z.string().max(max, `${what} dépasse ${max} caractères.`).nullable());

const httpUrl = z
  .string()
  .trim()
  .max(500, 'Le lien dépasse 500 caractères.')
  .refine((u) => {
    try {
      const url = new URL(u);
      return url.protocol === 'https:' || url.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'Le lien de visioconférence doit être une adresse web complète (https://…).');

/** What a facilitator gives to create or change a session (GraphQL input, dashboard form). */
export const sessionInputSchema = z
  .object({
    moduleSlug: z.string().trim().max(100).nullish().transform((s) => s || null),
    title: trimmed(MAX_TITLE, 'Le titre'),
    description: optionalText(5000, 'La description'),
    startsAt: z.string().max(40),
    endsAt: z.string().max(40),
    timeZone: z
      .string()
      .trim()
      .nullish()
      .transform((s) => s || DEFAULT_TIME_ZONE)
      .refine(isValidTimeZone, 'Fuseau horaire inconnu : donnez un nom IANA comme « Europe/Paris ».'),
    address: optionalText(500, 'L’adresse'),
    latitude: z.number().min(-90, 'La latitude doit être entre -90 et 90.').max(90, 'La latitude doit être entre -90 et 90.').nullish().transform((v) => v ?? null),
    longitude: z.number().min(-180, 'La longitude doit être entre -180 et 180.').max(180, 'La longitude doit être entre -180 et 180.').nullish().transform((v) => v ?? null),
    onlineUrl: httpUrl.nullish().transform((v) => v || null),
    facilitators: z.array(trimmed(100, 'Le nom d’un·e animateur·rice')).max(20, 'Au plus 20 animateur·rices.').nullish().transform((v) => v ?? []),
    capacity: z.number().int('La capacité doit être un nombre entier.').min(1, 'La capacité doit être d’au moins 1 place.').max(10_000, 'La capacité ne peut dépasser 10 000 places.'),
    isPublic: z.boolean().nullish().transform((v) => v ?? true),
    status: z.enum(['planned', 'done']).nullish().transform((v) => v ?? 'planned'),
  })
  .transform((input, ctx) => {
    const starts = parseInstant(input.startsAt, input.timeZone);
    const ends = parseInstant(input.endsAt, input.timeZone);
    if (!starts) ctx.addIssue({ code: 'custom', path: ['startsAt'], message: 'Date de début illisible : utilisez la forme 2026-03-12T14:00.' });
    if (!ends) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'Date de fin illisible : utilisez la forme 2026-03-12T17:00.' });
    // A time the spring change skips is refused (not silently moved an hour later): the person chooses.
    if (starts && readWallClock(input.startsAt, input.timeZone)?.skipped) ctx.addIssue({ code: 'custom', path: ['startsAt'], message: skippedTimeMessage(input.startsAt, input.timeZone, 'L’heure de début') });
    if (ends && readWallClock(input.endsAt, input.timeZone)?.skipped) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: skippedTimeMessage(input.endsAt, input.timeZone, 'L’heure de fin') });
    if (starts && ends && ends.getTime() <= starts.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'La fin de la session doit être après son début.' });
    }
    if (!input.address && !input.onlineUrl) {
      ctx.addIssue({ code: 'custom', path: ['address'], message: 'Donnez un lieu : une adresse, ou un lien de visioconférence pour une session en ligne.' });
    }
    if ((input.latitude === null) !== (input.longitude === null)) {
      ctx.addIssue({ code: 'custom', path: ['latitude'], message: 'Donnez la latitude et la longitude ensemble, ou aucune des deux.' });
    }
    if (!starts || !ends) return z.NEVER;
    return {
      moduleSlug: input.moduleSlug,
      title: input.title,
      description: input.description,
      startsAt: starts.toISOString(),
      endsAt: ends.toISOString(),
      timeZone: input.timeZone,
      place: { address: input.address, latitude: input.latitude, longitude: input.longitude, onlineUrl: input.onlineUrl },
      facilitators: [...new Set(input.facilitators)],
      capacity: input.capacity,
      isPublic: input.isPublic,
      status: input.status as SessionStatus,
    };
  });

export type SessionInput = z.input<typeof sessionInputSchema>;
export type SessionFields = z.output<typeof sessionInputSchema>;

/** A visitor's registration (a signed-in learner gives nothing: the session knows them). */
export const visitorSchema = z.object({
  name: trimmed(100, 'Le nom'),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254, 'L’adresse e-mail est trop longue.')
    .pipe(z.email('Adresse e-mail invalide : elle doit ressembler à nom@exemple.org.')),
});

export type VisitorInput = z.input<typeof visitorSchema>;

/** The first French message of a zod failure, for people. */
export function firstMessage(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'Saisie invalide.';
}
