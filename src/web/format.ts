/** French formatting of dates, percents and days for every page (HTML itself comes from JSX, escaped by default). */
import { wholePercent } from '../progress/percent.js';
import { lazily } from '../text/lazily.js';

/** The dashboard shows every time in Paris time, whatever the server's zone. */
export const DASHBOARD_TIME_ZONE = 'Europe/Paris';

const dateTime = lazily(() => new Intl.DateTimeFormat('fr-FR', { timeZone: DASHBOARD_TIME_ZONE, dateStyle: 'long', timeStyle: 'short' }));
const dateOnly = lazily(() => new Intl.DateTimeFormat('fr-FR', { timeZone: DASHBOARD_TIME_ZONE, dateStyle: 'long' }));
const shortDateTime = lazily(() => new Intl.DateTimeFormat('fr-FR', {
  timeZone: DASHBOARD_TIME_ZONE, day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit',
}));

function parse(value: string | Date): Date | undefined {
  const date = typeof value === 'string' ? new Date(value) : value;
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** "1 mars 2026 à 10:00" (Paris), or "date inconnue". */
export function frenchDateTime(value: string | Date | null | undefined): string {
  const date = value ? parse(value) : undefined;
  return date ? dateTime().format(date) : 'date inconnue';
}

/** "1 mars 2026" (Paris), or "date inconnue". */
export function frenchDate(value: string | Date | null | undefined): string {
  const date = value ? parse(value) : undefined;
  return date ? dateOnly().format(date) : 'date inconnue';
}

/** "1 mars, 10:00" (Paris), for dense tables. */
export function frenchShortDateTime(value: string | Date | null | undefined): string {
  const date = value ? parse(value) : undefined;
  return date ? shortDateTime().format(date) : 'date inconnue';
}

/** "60 %" with the French narrow no-break space. */
export function frenchPercent(percent: number): string {
  return `${Math.round(percent)}\u202f%`;
}

/** Whole percent of part over total, by the one rounding rule (src/progress/percent.ts). */
export function percentOf(part: number, total: number): number {
  return wholePercent(part, total);
}

/** "0 jour", "1 jour", "12 jours" (French: the singular up to 1). */
export function frenchDays(days: number): string {
  return `${days} ${Math.abs(days) < 2 ? 'jour' : 'jours'}`;
}

/** Shortens a label for a chart axis; the full text stays in the table and the SVG <title>. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}
