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

/**
 * An instant from what a person typed: an ISO time with its offset (`2026-03-12T14:00:00+01:00`,
 * `…Z`), or a wall-clock time (`2026-03-12T14:00`) read in `zone`. Undefined when it is neither
 * or names a day that does not exist (31 February). A wall-clock time skipped by a DST change is
 * moved forward, as calendar clients do.
 */
export function parseInstant(value: string, zone: string): Date | undefined {
  const text = value.trim();
  if (WITH_OFFSET.test(text)) {
    const date = new Date(text);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  const m = LOCAL.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const guess = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(guess);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
  // Two passes settle the offset around a DST change.
  let instant = guess - offsetMs(new Date(guess), zone);
  instant = guess - offsetMs(new Date(instant), zone);
  return new Date(instant);
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
