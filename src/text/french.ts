/**
 * French elision, in one place: « de » and « le » become « d’ » and « l’ » before a vowel
 * (« la fiche d’Accompagnement Libre », « autour d’Amiens », « l’Atelier »). A word starting
 * with « h » keeps the full form: whether its h is mute (d’Hélène) or aspirated (de Haute-Loire)
 * cannot be told from the spelling, and « de H… » is never wrong to read.
 */
import { lazily } from './lazily.js';

/** Starts with a vowel (accents and ligatures included), once leading markup-free spaces are skipped. */
export function startsWithVowel(text: string): boolean {
  return /^[aeiouyàâäéèêëîïôöùûüÿœæ]/iu.test(text.trimStart().normalize('NFC'));
}

/** « de Lyon », « d’Amiens ». */
export function de(text: string): string {
  return startsWithVowel(text) ? `d’${text.trimStart()}` : `de ${text}`;
}

/** « le Rhône », « l’Atelier ». */
export function le(text: string): string {
  return startsWithVowel(text) ? `l’${text.trimStart()}` : `le ${text}`;
}

/** As `de`, capitalised at the start of a sentence: « De Lyon », « D’Amiens ». */
export function De(text: string): string {
  const out = de(text);
  return out[0]!.toUpperCase() + out.slice(1);
}

/** Items as a French list: « a », « a et b », « a, b et c ». */
export function frenchList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} et ${items.at(-1)}`;
}

/**
 * French alphabetical order, one collator for the process: `a.localeCompare(b, 'fr')` builds a
 * new one on every comparison (a sort of 200 names spent milliseconds there).
 */
const collator = lazily(() => new Intl.Collator('fr'));
export function frenchOrder(a: string, b: string): number {
  return collator().compare(a, b);
}

/**
 * A number as French writes it: « 1 234,5 » (narrow no-break space between thousands, decimal
 * comma), what `toLocaleString('fr-FR')` prints for up to three decimals, without building an
 * Intl formatter (see ./lazily.ts): the IMS cartridge's worker and the cost guard's message ran
 * it in every process.
 */
export function frenchNumber(n: number): string {
  const [whole, fraction] = String(Math.round(Math.abs(n) * 1000) / 1000).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+$)/g, '\u202f');
  return `${n < 0 ? '-' : ''}${grouped}${fraction ? `,${fraction}` : ''}`;
}
