/** Wall-clock times in a named time zone (IANA), without a time-zone library: Intl knows them. */

export const DEFAULT_TIME_ZONE = 'Europe/Paris';

/** True when Intl knows the IANA zone (e.g. "Europe/Paris"), false for "Paris" or "CET+1". */
export function isValidTimeZone(zone: string): boolean {
  if (!/^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall clock in `zone` at instant `date`. */
export function wallClockIn(date: Date, zone: string): WallClock {
  const parts = Object.fromEntries(formatterFor(zone).formatToParts(date).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year), month: Number(parts.month), day: Number(parts.day),
    hour: Number(parts.hour) % 24, minute: Number(parts.minute), second: Number(parts.second),
  };
}

function offsetMs(date: Date, zone: string): number {
  const w = wallClockIn(date, zone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(date.getTime() / 1000) * 1000;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** What a typed time means in its zone: the instant, and whether a DST change made it odd. */
export interface WallClockReading {
  instant: Date;
  /** The wall-clock time does not exist (spring forward): `instant` is moved forward, as calendar clients do. */
  skipped: boolean;
  /** The wall-clock time happens twice (autumn back): `instant` is the first of the two. */
  repeated: boolean;
}

const DAY_MS = 86_400_000;

/**
 * An instant from what a person typed: an ISO time with its offset (`2026-03-12T14:00:00+01:00`,
 * `…Z`), or a wall-clock time (`2026-03-12T14:00`) read in `zone`. Undefined when it is neither
 * or names a day that does not exist (31 February). Around a DST change the wall-clock time is
 * read with the offsets in force a day before and a day after: one that matches is the time; two
 * (autumn overlap) give the first; none (spring gap) is moved forward and marked `skipped`.
 */
export function readWallClock(value: string, zone: string): WallClockReading | undefined {
  const text = value.trim();
  if (WITH_OFFSET.test(text)) {
    const date = new Date(text);
    return Number.isNaN(date.getTime()) ? undefined : { instant: date, skipped: false, repeated: false };
  }
  const m = LOCAL.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const guess = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(guess);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
  const matches = (t: number) => {
    const w = wallClockIn(new Date(t), zone);
    return w.year === year && w.month === month && w.day === day && w.hour === hour && w.minute === minute && w.second === second;
  };
  const candidates = [...new Set([guess - offsetMs(new Date(guess - DAY_MS), zone), guess - offsetMs(new Date(guess + DAY_MS), zone)])].filter(matches).sort((a, b) => a - b);
  if (candidates.length > 0) return { instant: new Date(candidates[0]!), skipped: false, repeated: candidates.length > 1 };
  // Skipped by the change: read with the offset before it, which lands after the gap.
  return { instant: new Date(guess - offsetMs(new Date(guess - DAY_MS), zone)), skipped: true, repeated: false };
}

/** The instant of readWallClock (the first of a repeated time, a skipped one moved forward). */
export function parseInstant(value: string, zone: string): Date | undefined {
  return readWallClock(value, zone)?.instant;
}

/** « 2027-10-31 à 02:30 » for messages: the date and time as typed. */
function typedTime(value: string): string {
  const m = LOCAL.exec(value.trim());
  return m ? `${Number(m[3])}/${m[2]}/${m[1]} à ${m[4]}:${m[5]}` : value.trim();
}

/** The offset in force at `date` in `zone`, as `+02:00`. */
export function offsetLabel(date: Date, zone: string): string {
  const minutes = Math.round(offsetMs(date, zone) / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** French refusal of a time a DST change skips. */
export function skippedTimeMessage(value: string, zone: string, what: string): string {
  return `${what} (le ${typedTime(value)}) n’existe pas dans le fuseau ${zone} : les horloges avancent d’une heure cette nuit-là (passage à l’heure d’été). Choisissez une heure avant ou après le changement.`;
}

/** French notice that a repeated time was read as its first occurrence. */
export function repeatedTimeWarning(value: string, zone: string, what: string, instant: Date): string {
  const second = new Date(instant.getTime() + (offsetMs(instant, zone) - offsetMs(new Date(instant.getTime() + DAY_MS), zone)));
  const m = LOCAL.exec(value.trim());
  const asTyped = m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}` : value.trim();
  return `${what} (le ${typedTime(value)}) existe deux fois dans le fuseau ${zone} (retour à l’heure d’hiver) : la première est retenue (UTC${offsetLabel(instant, zone)}). Pour la seconde, donnez l’heure avec son décalage : ${asTyped}${offsetLabel(second, zone)}.`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `20260312T140000`: iCal's local DATE-TIME form of the wall clock in `zone`. */
export function icalLocal(date: Date, zone: string): string {
  const w = wallClockIn(date, zone);
  return `${pad(w.year, 4)}${pad(w.month)}${pad(w.day)}T${pad(w.hour)}${pad(w.minute)}${pad(w.second)}`;
}

/** `20260312T130000Z`: iCal's UTC DATE-TIME form. */
export function icalUtc(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** `2026-03-12T14:00`: the wall clock in `zone`, the value of an HTML datetime-local input. */
export function localInputValue(date: Date, zone: string): string {
  const w = wallClockIn(date, zone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}
