/**
 * Small, safe wikitext builders for the curriculum pages: links, template calls, categories.
 * Every piece of text from the content files goes through the shared escaper, so a module can
 * only produce the markup written here on purpose.
 */
import { escapeTemplateValue, escapeWikitext } from '../../wikitext/escape.js';

/** Characters MediaWiki never accepts in a title; a content title holding one is a content bug. */
const INVALID_TITLE_CHARS = /[#<>[\]{}|\u0000-\u001f\u007f]/;

/** Throws when `title` cannot be a wiki page title, naming it (so the content can be fixed). */
export function assertValidTitle(title: string): string {
  const trimmed = title.trim();
  if (trimmed === '' || INVALID_TITLE_CHARS.test(trimmed) || trimmed.includes('~~~')) {
    throw new Error(`"${title}" cannot be a wiki page title (no # < > [ ] { } |, nor ~~~)`);
  }
  return trimmed;
}

/**
 * `[[Title|label]]`. A title with a colon gets a leading colon, so `Catégorie:X` or `Fichier:X`
 * stays a link instead of categorising the page or embedding an image.
 */
export function wikiLink(title: string, label?: string): string {
  const target = assertValidTitle(title);
  const prefix = target.includes(':') ? ':' : '';
  if (label === undefined) return `[[${prefix}${target}]]`;
  return `[[${prefix}${target}|${escapeWikitext(label, { atLineStart: false })}]]`;
}

/** `[[Catégorie:Name]]`: puts the page in the category. */
export function categoryLink(name: string): string {
  return `[[Catégorie:${assertValidTitle(name)}]]`;
}

/**
 * `{{Name|key=value|…}}` on one line. Values are escaped as template values (`|`, `=`, `}}`,
 * newlines cannot break the call); parameters whose value is undefined are left out.
 */
export function templateCall(name: string, params: ReadonlyArray<readonly [string, string | undefined]>): string {
  const parts = [assertValidTitle(name)];
  for (const [key, value] of params) {
    if (value === undefined) continue;
    if (!/^[\p{L}\p{N} _-]+$/u.test(key)) throw new Error(`"${key}" is not a safe template parameter name`);
    parts.push(`${key}=${escapeTemplateValue(value)}`);
  }
  return `{{${parts.join('|')}}}`;
}

/** Running text from the content files, escaped; `atLineStart: false` when it follows other markup. */
export function text(value: string, atLineStart = false): string {
  return escapeWikitext(value.replace(/\s+/g, ' ').trim(), { atLineStart });
}

/** "45 min", "1 h", "1 h 30" (same wording as the exported pages). */
export { formatMinutes } from '../html.js';
