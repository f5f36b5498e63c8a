/** French formatting for what the bots print: Paris time with the zone named, plurals. */
import { lazily } from '../text/lazily.js';

const parisTime = lazily(() => new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
}));

/** "2 décembre 2026 à 03:05 (heure de Paris)", or the input unchanged when it is not a date. */
export function parisDateTime(value: string | Date): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return String(value);
  return `${parisTime().format(date)} (heure de Paris)`;
}

/** "0 note publiée", "1 note publiée", "4 notes publiées": French keeps the singular up to 1. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${Math.abs(count) < 2 ? singular : pluralForm}`;
}
