/**
 * Page titles that MediaWiki accepts as written.
 *
 * Rule for notes: a note is published in the main namespace at
 *   `Comptes-rendus/<YYYY-MM-DD> <title>`
 * e.g. `Comptes-rendus/2025-03-12 Atelier Nextcloud`. The date makes two notes with the same title
 * on different dates land on different pages; the common prefix groups all notes under one root
 * page (subpages, when the wiki enables them in the main namespace) and keeps them out of every
 * other namespace, whatever the note's title looks like ("Catégorie: …", "Modèle:…").
 */

/** Root of all note pages. */
export const NOTE_PAGE_PREFIX = 'Comptes-rendus/';
/** Used when a note's title is empty once cleaned. */
export const DEFAULT_NOTE_TITLE = 'Compte-rendu';
/** MediaWiki's limit on a title's length, in UTF-8 bytes. */
export const MAX_TITLE_BYTES = 255;

/**
 * Namespace names and aliases of a French or English wiki. A title starting with one of these and
 * a colon would land in that namespace (or add a category, embed a file...).
 */
const NAMESPACE_PREFIXES = new Set(
  [
    'média', 'media', 'spécial', 'special', 'discussion', 'talk', 'utilisateur', 'utilisatrice',
    'user', 'discussion utilisateur', 'user talk', 'projet', 'project', 'fichier', 'file', 'image',
    'mediawiki', 'modèle', 'template', 'aide', 'help', 'catégorie', 'category', 'module', 'portail',
    'portal', 'sujet', 'topic', 'gadget', 'wikipédia', 'wikipedia', 'wp', 'w', 'wikt', 'wiktionary',
    'meta', 'm', 'commons', 'c', 'mw', 'special', 'draft', 'brouillon',
  ].map((p) => p.normalize('NFC')),
);

export interface SanitizeTitleOptions {
  /** Maximum length in UTF-8 bytes. Default 255. */
  maxBytes?: number;
  /**
   * Neutralise a leading namespace/interwiki prefix. Default `true`; `noteTitle` turns it off
   * because its fixed prefix already keeps the page in the main namespace.
   */
  guardNamespace?: boolean;
}

/**
 * Cleans free text into a valid MediaWiki title (without namespace handling by the caller):
 * - `[ ] { } < >` become `( )`, `|` becomes `-`, `#` is removed (it would start an anchor),
 *   control characters are removed, `_` is a space (MediaWiki treats them alike);
 * - whitespace is collapsed and trimmed, the first letter is uppercased (as MediaWiki does);
 * - `%XX` (percent-encoding) and HTML entities (`&amp;`) are broken up, `~~~` is reduced;
 * - no leading `/` or `:`, no `.` / `..` path segments;
 * - a leading namespace or interwiki prefix ("Catégorie: Spam", "fr:Truc") gets its colon
 *   replaced by " -" so the page stays in the main namespace;
 * - cut to 255 UTF-8 bytes on a character boundary.
 * Returns `''` when nothing is left.
 *
 * @example sanitizeTitle('catégorie: [Spam] #1') // 'Catégorie - (Spam) 1'
 */
export function sanitizeTitle(raw: string, options: SanitizeTitleOptions = {}): string {
  let t = raw
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b\ufeff]/g, ' ')
    .replace(/[[{<]/g, '(')
    .replace(/[\]}>]/g, ')')
    .replace(/\|/g, '-')
    .replace(/#/g, '')
    .replace(/_/g, ' ')
    .replace(/%(?=[0-9a-f]{2})/gi, '% ')
    .replace(/&(?=#?[a-z0-9]+;)/gi, '& ')
    .replace(/~{3,}/g, '~')
    .replace(/[\s\u00a0\u202f\u2000-\u200a\u3000]+/g, ' ');
  // Path-like segments are refused by MediaWiki: "./x", "../x", "x/./y", "x/..".
  t = t
    .split('/')
    .map((segment) => (/^\s*\.{1,2}\s*$/.test(segment) ? segment.replace(/\./g, '-') : segment))
    .join('/');
  t = t.replace(/^[\s/:]+/, '').trim();
  const colon = options.guardNamespace === false ? -1 : t.indexOf(':');
  if (colon > 0 && NAMESPACE_PREFIXES.has(t.slice(0, colon).trim().toLowerCase())) {
    t = `${t.slice(0, colon).trim()} -${t.slice(colon + 1).replace(/^(?!\s)/, ' ')}`;
  } else if (colon > 0 && /^[a-z]{2,3}(-[a-z]{2,8})?$/i.test(t.slice(0, colon))) {
    // Looks like a language interwiki ("fr:", "de:", "zh-yue:").
    t = `${t.slice(0, colon)} -${t.slice(colon + 1).replace(/^(?!\s)/, ' ')}`;
  }
  t = truncateUtf8(t.replace(/\s+/g, ' ').trim(), options.maxBytes ?? MAX_TITLE_BYTES).trim();
  return upperFirst(t);
}

/**
 * Page title of a note: `Comptes-rendus/<date> <title>`, the whole within 255 bytes. `/` in the
 * note's own title becomes `-` so it cannot create deeper subpages.
 *
 * @example noteTitle('2025-03-12', 'Atelier nextcloud 1/2') // 'Comptes-rendus/2025-03-12 Atelier nextcloud 1-2'
 */
export function noteTitle(isoDate: string, title: string): string {
  const head = `${NOTE_PAGE_PREFIX}${isoDate} `;
  const budget = MAX_TITLE_BYTES - utf8Length(head);
  const cleaned = sanitizeTitle(title.replace(/\//g, '-'), { maxBytes: budget, guardNamespace: false }) || DEFAULT_NOTE_TITLE;
  return head + cleaned;
}

/** Name of a category from a free-text tag (`''` if nothing usable remains). */
export function categoryName(tag: string): string {
  // Categories are pages: same rules, and a tag is never a namespace.
  return sanitizeTitle(tag.replace(/:/g, ' - '));
}

export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Cuts `s` to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(s: string, maxBytes: number): string {
  if (utf8Length(s) <= maxBytes) return s;
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const n = utf8Length(ch);
    if (bytes + n > maxBytes) break;
    out += ch;
    bytes += n;
  }
  return out;
}

function upperFirst(s: string): string {
  const first = s.codePointAt(0);
  if (first === undefined) return s;
  const ch = String.fromCodePoint(first);
  const upper = ch.toUpperCase();
  // "ß".toUpperCase() is "SS": MediaWiki keeps such letters as they are.
  return (Array.from(upper).length === 1 ? upper : ch) + s.slice(ch.length);
}
