/**
 * The agenda as an iCalendar feed (RFC 5545), for calendar clients (Thunderbird, Nextcloud) and
 * shared agendas (OpenAgenda). Deterministic: the same sessions give the same bytes, so clients
 * and caches see a change only when there is one.
 */
import type { AgendaSession } from './model.js';
import { DEFAULT_TIME_ZONE, icalLocal, icalUtc } from './time.js';

const CRLF = '\r\n';
const MAX_LINE_OCTETS = 75;

/** TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, newline. */
export function escapeText(value: string): string {
  return value
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\n/g, '\\n');
}

/**
 * Folds a content line at 75 octets (RFC 5545 §3.1): continuation lines start with one space.
 * Never splits a UTF-8 character.
 */
export function foldLine(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= MAX_LINE_OCTETS) return line;
  const parts: string[] = [];
  let start = 0;
  // The first line holds 75 octets; the next ones 74 after their leading space.
  let room = MAX_LINE_OCTETS;
  while (start < bytes.length) {
    let end = Math.min(start + room, bytes.length);
    // Back off to the start of a character: UTF-8 continuation octets are 10xxxxxx.
    while (end < bytes.length && end > start && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
    parts.push(bytes.subarray(start, end).toString('utf8'));
    start = end;
    room = MAX_LINE_OCTETS - 1;
  }
  return parts.join(`${CRLF} `);
}

/** Europe/Paris with its EU daylight-saving rules (since 1996), as every client expects it. */
const PARIS_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Paris',
  'X-LIC-LOCATION:Europe/Paris',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

export interface FeedOptions {
  /** X-WR-CALNAME, e.g. « Pollen — agenda ». */
  name: string;
  /** Module titles by slug, for CATEGORIES. */
  moduleTitles?: ReadonlyMap<string, string>;
  /** Link of a session in a room (e.g. the wiki's Agenda page); online sessions link their room. */
  sessionUrl?: (session: AgendaSession) => string | undefined;
}

function dateTime(name: string, iso: string, zone: string): string {
  const date = new Date(iso);
  // The feed defines Europe/Paris only; another zone is written in UTC, which every client reads.
  return zone === DEFAULT_TIME_ZONE ? `${name};TZID=${DEFAULT_TIME_ZONE}:${icalLocal(date, zone)}` : `${name}:${icalUtc(date)}`;
}

function eventLines(session: AgendaSession, options: FeedOptions): string[] {
  const lines = [
    'BEGIN:VEVENT',
    `UID:${session.uid}`,
    `DTSTAMP:${icalUtc(new Date(session.updatedAt))}`,
    `CREATED:${icalUtc(new Date(session.createdAt))}`,
    `LAST-MODIFIED:${icalUtc(new Date(session.updatedAt))}`,
    `SEQUENCE:${session.sequence}`,
    dateTime('DTSTART', session.startsAt, session.timeZone),
    dateTime('DTEND', session.endsAt, session.timeZone),
    `SUMMARY:${escapeText(session.title)}`,
  ];
  const description = [session.description, session.facilitators.length ? `Animation : ${session.facilitators.join(', ')}` : null].filter(Boolean).join('\n\n');
  if (description) lines.push(`DESCRIPTION:${escapeText(description)}`);
  const location = session.place.address ?? (session.place.onlineUrl ? `En ligne : ${session.place.onlineUrl}` : null);
  if (location) lines.push(`LOCATION:${escapeText(location)}`);
  if (session.place.latitude !== null && session.place.longitude !== null) lines.push(`GEO:${session.place.latitude};${session.place.longitude}`);
  const url = session.place.onlineUrl ?? options.sessionUrl?.(session);
  if (url) lines.push(`URL:${url.replace(/[\r\n]/g, '')}`);
  const category = session.moduleSlug ? options.moduleTitles?.get(session.moduleSlug) : undefined;
  if (category) lines.push(`CATEGORIES:${escapeText(category)}`);
  lines.push(`STATUS:${session.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`, 'TRANSP:OPAQUE', 'END:VEVENT');
  return lines;
}

/** The VCALENDAR of these sessions (the caller keeps public ones only), CRLF line endings. */
export function renderCalendar(sessions: readonly AgendaSession[], options: FeedOptions): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Pollen//Agenda//FR',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(options.name)}`,
    `X-WR-TIMEZONE:${DEFAULT_TIME_ZONE}`,
    ...PARIS_VTIMEZONE,
    ...sessions.flatMap((s) => eventLines(s, options)),
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join(CRLF) + CRLF;
}
