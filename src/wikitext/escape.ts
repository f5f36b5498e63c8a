/**
 * Escaping of plain text for MediaWiki wikitext.
 *
 * Method: characters that could start markup are replaced by numeric HTML entities (`&#123;` for
 * `{`, ...). MediaWiki's parser never reads an entity as markup, and the Sanitizer turns it back
 * into the character when rendering, so the *rendered* page shows exactly the original text
 * (round trip), while the wikitext stays readable for the humans who edit it later: ordinary
 * letters, spaces and single apostrophes are left alone.
 *
 * What is neutralised: templates and parameters (`{{`, `{{{`, `}}`), internal links and categories
 * (`[[...]]`), external link syntax (`[`, `]`), tables (`{|`, `|}`, `|-`, `||`, `!!`), signatures
 * (`~~~`), behaviour switches (`__NOTOC__`), raw HTML and extension tags (`<script>`, `<nowiki>`,
 * ...), bold/italic (`''`), line-start block markup (`* # : ; = !`, a leading space, `----`) and
 * ISBN/RFC/PMID magic links. Entity-looking `&...;` sequences are protected too, so `&amp;` typed
 * by someone stays visible as `&amp;`.
 */

/** Where the escaped text is going to be placed. */
export type EscapeContext =
  /** Running text (paragraph, list item, link label). */
  | 'text'
  /** Inside `== ... ==`: `=` is escaped too and newlines become spaces. */
  | 'heading'
  /** Value of a template parameter: `=` and newlines are neutralised as well. */
  | 'templateValue';

export interface EscapeOptions {
  /** Where the text goes. Default `'text'`. */
  context?: EscapeContext;
  /**
   * Whether the text starts at the beginning of a wikitext line, where `*#:;=!`, a leading space
   * and `----` are block markup. Default `true` (safe); pass `false` for text that follows other
   * output on the same line, to keep the wikitext lighter.
   */
  atLineStart?: boolean;
}

const entity = (ch: string): string => `&#${ch.codePointAt(0)};`;

/** Characters escaped wherever they appear. */
const ALWAYS: Record<string, string> = {
  '<': '&lt;',
  '>': '&gt;',
  '[': '&#91;',
  ']': '&#93;',
  '{': '&#123;',
  '}': '&#125;',
  '|': '&#124;',
  '~': '&#126;',
};

const LINE_START = new Set(['*', '#', ':', ';', '=', '!', ' ', '\t']);

/**
 * Escapes `text` so that, inserted into wikitext, it renders as itself and never as markup.
 *
 * @example escapeWikitext('{{Supprimer}} [[Catégorie:Spam]]')
 *   // '&#123;&#123;Supprimer&#125;&#125; &#91;&#91;Catégorie:Spam&#93;&#93;'
 */
export function escapeWikitext(text: string, options: EscapeOptions = {}): string {
  const context = options.context ?? 'text';
  const atLineStart = options.atLineStart ?? true;
  let source = text.replace(/\r\n?/g, '\n');
  if (context !== 'text') source = source.replace(/\s*\n\s*/g, ' ');
  const lines = source.split('\n');
  return lines.map((line, i) => escapeLine(line, context, atLineStart || i > 0)).join('\n');
}

function escapeLine(line: string, context: EscapeContext, atLineStart: boolean): string {
  const chars = Array.from(line);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] ?? '';
    const prev = chars[i - 1];
    const next = chars[i + 1];
    const always = ALWAYS[ch];
    if (always !== undefined) {
      out.push(always);
    } else if (ch === '&' && /^&(#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i.test(line.slice(indexOf(chars, i)))) {
      out.push('&amp;');
    } else if (ch === "'" && (prev === "'" || next === "'" || i === 0 || i === chars.length - 1)) {
      // Runs of two or more apostrophes are bold/italic; boundary ones could join our own markup.
      out.push('&#39;');
    } else if ((ch === '_' || ch === '!') && (prev === ch || next === ch)) {
      // `__NOTOC__`-style behaviour switches; `!!` separates table header cells.
      out.push(entity(ch));
    } else if (ch === '=' && context !== 'text') {
      out.push('&#61;');
    } else if (i === 0 && atLineStart && (LINE_START.has(ch) || (ch === '-' && line.startsWith('----')))) {
      out.push(entity(ch));
    } else {
      out.push(ch);
    }
  }
  // Magic links "ISBN 978...", "RFC 1234", "PMID 123": break the space the parser looks for.
  return out.join('').replace(/\b(ISBN|RFC|PMID)([ \t\u00a0]+)(?=[0-9])/g, (_m, word: string) => `${word}&#32;`);
}

/** Index in UTF-16 units of the code point at position `i` of `chars`. */
function indexOf(chars: string[], i: number): number {
  let n = 0;
  for (let k = 0; k < i; k++) n += (chars[k] ?? '').length;
  return n;
}

/**
 * Escapes a template parameter value: everything `escapeWikitext` does, plus `=` (which would turn
 * a positional value into a named one) and newlines. Leading/trailing spaces are trimmed because
 * MediaWiki trims named parameters anyway.
 */
export function escapeTemplateValue(value: string): string {
  return escapeWikitext(value.trim(), { context: 'templateValue', atLineStart: false });
}

/**
 * Escapes the content of a `<pre>` or `<nowiki>` block. MediaWiki keeps such content literal
 * except for entities and the closing tag, so only `&`, `<` and `>` need encoding.
 */
export function escapePreformatted(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const ALLOWED_PROTOCOLS = /^(https?:\/\/|ftp:\/\/|mailto:)/i;

/**
 * Makes a URL safe to place in `[url label]` or as a bare link, or returns `null` when the
 * protocol is not one a wiki should link (e.g. `javascript:`). Characters that would end the link
 * or start markup are percent-encoded; runs that pre-save transforms or behaviour switches would
 * catch (`~~~`, `__`) are encoded as well.
 */
export function sanitizeExternalUrl(url: string): string | null {
  const trimmed = url.trim();
  if (!ALLOWED_PROTOCOLS.test(trimmed)) return null;
  return trimmed
    .replace(/[\s"'<>[\]{}|\\^`]/g, (ch) => percentEncode(ch))
    .replace(/~(?=~)|(?<=~)~/g, '%7E')
    .replace(/_(?=_)|(?<=_)_/g, '%5F');
}

function percentEncode(ch: string): string {
  return Array.from(new TextEncoder().encode(ch))
    .map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');
}
