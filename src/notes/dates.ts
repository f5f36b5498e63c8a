/** Reading the dates facilitators write ("12/03/2025", "mercredi 12 mars 2025", ISO) as ISO days. */

const MONTHS: Record<string, number> = {
  janvier: 1, janv: 1, février: 2, fevrier: 2, févr: 2, fevr: 2, fév: 2, mars: 3, avril: 4, avr: 4,
  mai: 5, juin: 6, juillet: 7, juil: 7, août: 8, aout: 8, septembre: 9, sept: 9, octobre: 10,
  oct: 10, novembre: 11, nov: 11, décembre: 12, decembre: 12, déc: 12, dec: 12,
};

/**
 * Returns `YYYY-MM-DD` for the first date found in `text`, or `null`. Accepts ISO dates,
 * day/month/year with `/`, `.` or `-` (two-digit years are 20xx), and French long dates with an
 * optional weekday and "1er".
 */
export function parseFrenchDate(text: string): string | null {
  const iso = /(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)/.exec(text);
  if (iso) return isoDay(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const numeric = /(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?!\d)/.exec(text);
  if (numeric) {
    const year = Number(numeric[3]);
    return isoDay(year < 100 ? 2000 + year : year, Number(numeric[2]), Number(numeric[1]));
  }
  const long = /(?<!\d)(\d{1,2})(?:er)?\s+([a-zéûè]+)\.?\s+(\d{4})(?!\d)/i.exec(text);
  if (long) {
    const month = MONTHS[(long[2] ?? '').toLowerCase()];
    if (month !== undefined) return isoDay(Number(long[3]), month, Number(long[1]));
  }
  return null;
}

/** `YYYY-MM-DD` if the day exists in the calendar, else `null`. */
export function isoDay(year: number, month: number, day: number): string | null {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
