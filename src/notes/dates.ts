/**
 * Reading the dates facilitators write ("12/03/2025", "mercredi 12 mars 2025", ISO) as ISO days,
 * and the dates of e-mails forwarded as minutes (RFC 5322: "Mon, 25 Jun 2007 13:01:31 +0200",
 * English day and month names), taken as the day written, in the sender's zone.
 */

const MONTHS: Record<string, number> = {
  janvier: 1, janv: 1, février: 2, fevrier: 2, févr: 2, fevr: 2, fév: 2, mars: 3, avril: 4, avr: 4,
  mai: 5, juin: 6, juillet: 7, juil: 7, août: 8, aout: 8, septembre: 9, sept: 9, octobre: 10,
  oct: 10, novembre: 11, nov: 11, décembre: 12, decembre: 12, déc: 12, dec: 12,
  // English (RFC 5322 e-mail headers, minutes written in English).
  january: 1, jan: 1, february: 2, feb: 2, march: 3, mar: 3, april: 4, apr: 4, may: 5, june: 6,
  jun: 6, july: 7, jul: 7, august: 8, aug: 8, september: 9, sep: 9, october: 10, november: 11,
  december: 12,
};

/** "12 mars 2025", "1er mai 2025", "25 Jun 2007". */
const DAY_MONTH_YEAR = /(?<!\d)(\d{1,2})(?:er)?\s+([a-zéûè]+)\.?\s+(\d{4})(?!\d)/gi;
/** "June 25, 2007", "Jun 25 2007" (English order). */
const MONTH_DAY_YEAR = /(?<![\p{L}\d])([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)/giu;

/**
 * Returns `YYYY-MM-DD` for the first date found in `text`, or `null`. Accepts ISO dates,
 * day/month/year with `/`, `.` or `-` (two-digit years are 20xx), French long dates with an
 * optional weekday and "1er", and English ones ("Mon, 25 Jun 2007 13:01:31 +0200", "June 25, 2007").
 */
export function parseFrenchDate(text: string): string | null {
  const iso = /(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)/.exec(text);
  if (iso) return isoDay(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const numeric = /(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?!\d)/.exec(text);
  if (numeric) {
    const year = Number(numeric[3]);
    return isoDay(year < 100 ? 2000 + year : year, Number(numeric[2]), Number(numeric[1]));
  }
  // The first written date whose month is a month name (« le 3 au 12 mars 2025 » is no "3 au").
  for (const m of text.matchAll(DAY_MONTH_YEAR)) {
    const month = MONTHS[(m[2] ?? '').toLowerCase()];
    if (month !== undefined) return isoDay(Number(m[3]), month, Number(m[1]));
  }
  for (const m of text.matchAll(MONTH_DAY_YEAR)) {
    const month = MONTHS[(m[1] ?? '').toLowerCase()];
    if (month !== undefined) return isoDay(Number(m[3]), month, Number(m[2]));
  }
  return null;
}

/** `YYYY-MM-DD` if the day exists in the calendar, else `null`. */
export function isoDay(year: number, month: number, day: number): string | null {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
