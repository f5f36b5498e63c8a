/**
 * Removal of personal contact data (e-mail addresses and phone numbers) from a note before it is
 * published on a public wiki. Names are kept: notes are about who did what.
 *
 * Phone patterns are deliberately narrow to avoid eating dates (12/03/2025), times (14h30),
 * amounts (1 500 €), postcodes (75011), years or SIRET/SIREN/IBAN numbers:
 * - French national numbers: 10 digits starting with 0 then 1-9, in pairs separated by nothing,
 *   one space, a dot or a dash (`06 12 34 56 78`, `06.12.34.56.78`, `0612345678`);
 * - French international form: `+33 6 12 34 56 78`, `+33 (0)6 12 34 56 78`, `0033 6…`;
 * - other international numbers: they must start with `+` and hold 8 to 15 digits in groups
 *   (`+44 20 7946 0958`, `+1 (555) 123-4567`).
 * A number right after "SIRET", "SIREN", "RNA", "IBAN", "BIC" or "n°" is never touched.
 */

import { splitFrontMatter } from './front-matter.js';
import { normalizeSource } from './normalize.js';

/**
 * E-mail addresses, also disguised against robots: `prenom.nom AT domaine.fr`, `(at)`, `[at]`,
 * `{at}`, `arobase`, `(arobase)`, ` @ `, with dots written `(dot)`, `[dot]`, `DOT`, `point`.
 * A domain needs a dot and a 2+ letter ending, so "at home." is no address; a dot written as a
 * word needs a known ending (`point org`, `DOT fr`) and an `@` that is no plain English "at"
 * ("look at example dot com" is a sentence about a web site, and stays).
 */
export const EMAIL_PLACEHOLDER = '[courriel retiré]';
export const PHONE_PLACEHOLDER = '[téléphone retiré]';

export interface PersonalDataRemoval {
  text: string;
  /** How many e-mail addresses and phone numbers were replaced. */
  removed: number;
}

const OPEN = String.raw`[[({<]`;
const CLOSE = String.raw`[\])}>]`;
const AT = String.raw`@|\s+@\s+|\s*${OPEN}\s*(?:at|arobase|@)\s*${CLOSE}\s*|\s+(?:at|arobase)\s+`;
/** A dot written out: `(dot)`, `[point]`, ` DOT `, ` point `. */
const SPELLED_DOT = String.raw`\s*${OPEN}\s*(?:dot|point|\.)\s*${CLOSE}\s*|\s+(?:dot|point)\s+`;
/** Endings a dot written as a word must lead to (an ordinary "point" rarely precedes these). */
const KNOWN_TLD = 'fr|org|com|net|eu|info|asso|coop|bzh|be|ch|lu|ca|qc|uk|io';
const LABEL = String.raw`[\p{L}\p{N}-]+`;
const EMAIL = new RegExp(
  // `\<…\>`: Markdown read from a document escapes the angle brackets; they stay, both.
  String.raw`(?:(?<!\\)<)?(?:mailto:)?(?<![\p{L}\p{N}._%+-])([\p{L}\p{N}._%+-]+(?:\s*${OPEN}\s*(?:dot|point)\s*${CLOSE}\s*[\p{L}\p{N}_%+-]+)*)(${AT})(${LABEL}(?:(?:\.|${SPELLED_DOT})${LABEL})*?(?:\.\p{L}{2,}|(?:${SPELLED_DOT})(?:${KNOWN_TLD})))(?![\p{L}\p{N}-])>?`,
  'giu',
);

/** An "at" that may be plain English ("look at example.org"): only with real dots after it. */
function isAddress(at: string, domain: string): boolean {
  const word = at.trim();
  const plainAt = word !== 'AT' && /^at$/i.test(word);
  const spelledDots = /\s(?:dot|point)\s/i.test(domain);
  return !(plainAt && (spelledDots || /[[({<]/.test(domain)));
}

const FRENCH_PHONE = /(?<![\d+/.,-])(?<![\d][ .])0[1-9](?:[ .-]?\d{2}){4}(?![\d/]|[ .,]\d)/g;
const FRENCH_INTL_PHONE = /(?<![\d+])(?:\+|00)33[ .-]?(?:\(0\)[ .-]?)?[1-9](?:[ .-]?\d{2}){4}(?![\d/]|[ .,]\d)/g;
const INTL_PHONE = /(?<![\d+])\+\d{1,3}(?:[ .-]?(?:\(\d{1,4}\)|\d{1,5})){1,6}(?![\d/]|[ .,]\d)/g;

/** Words after which a number is an identifier, not a phone number. */
const IDENTIFIER_CONTEXT = /(?:siret|siren|rna|iban|bic|n°|no\.|numéro de dossier|facture)\s*:?\s*$/i;

export function removePersonalData(text: string, placeholders: { email: string; phone: string } = { email: EMAIL_PLACEHOLDER, phone: PHONE_PLACEHOLDER }): PersonalDataRemoval {
  let removed = 0;
  let out = text.replace(EMAIL, (match: string, _local: string, at: string, domain: string) => {
    if (!isAddress(at, domain)) return match;
    removed++;
    return placeholders.email;
  });
  const replacePhone = (match: string, offset: number, whole: string): string => {
    const before = whole.slice(Math.max(0, offset - 30), offset);
    if (IDENTIFIER_CONTEXT.test(before)) return match;
    const digits = match.replace(/\D/g, '').length;
    if (digits < 8 || digits > 15) return match;
    removed++;
    return placeholders.phone;
  };
  out = out.replace(FRENCH_INTL_PHONE, replacePhone);
  out = out.replace(INTL_PHONE, replacePhone);
  out = out.replace(FRENCH_PHONE, replacePhone);
  return { text: out, removed };
}

/**
 * The text the queue keeps of a note: normalised, and without personal data unless the note's
 * front matter says `keepPersonalData: true`, so the store never holds what the page does not
 * show. In the front matter the placeholders carry no brackets, which YAML would read as a list.
 */
export function storedNoteSource(source: string): string {
  const normalized = normalizeSource(source);
  let split: ReturnType<typeof splitFrontMatter> | undefined;
  try {
    split = splitFrontMatter(normalized);
  } catch {
    split = undefined; // invalid front matter: the note is refused anyway; still redact all of it
  }
  if (split?.frontMatter?.keepPersonalData === true) return normalized;
  const body = split ? split.body : normalized;
  const head = normalized.slice(0, normalized.length - body.length);
  const plain = { email: EMAIL_PLACEHOLDER.slice(1, -1), phone: PHONE_PLACEHOLDER.slice(1, -1) };
  return removePersonalData(head, plain).text + removePersonalData(body).text;
}
