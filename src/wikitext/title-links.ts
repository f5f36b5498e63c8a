/**
 * Links the first mention of existing wiki pages in running text: "nextcloud" becomes
 * `[[Nextcloud|nextcloud]]` the first time it appears. Matching follows MediaWiki's title rules:
 * the first letter is case-insensitive, the rest is exact, spaces and underscores are the same.
 */
import { escapeWikitext } from './escape.js';

/** Titles shorter than this are too likely to match ordinary words ("AG", "Wiki"). */
export const MIN_LINKED_TITLE_LENGTH = 4;

interface Candidate {
  title: string;
  pattern: RegExp;
}

/** Stateful: each title is linked once per document, so create one linker per document. */
export class TitleLinker {
  private readonly pending: Candidate[];

  constructor(titles: readonly string[]) {
    const seen = new Set<string>();
    this.pending = titles
      .map((t) => t.replace(/_/g, ' ').trim())
      .filter((t) => Array.from(t).length >= MIN_LINKED_TITLE_LENGTH)
      .filter((t) => (seen.has(t) ? false : (seen.add(t), true)))
      // Longest first so "Logiciel libre" wins over "Logiciel".
      .sort((a, b) => b.length - a.length || (a < b ? -1 : 1))
      .map((title) => ({ title, pattern: titlePattern(title) }));
  }

  /**
   * Escapes `text` and turns the first mention of each not-yet-linked title into a link.
   * `atLineStart` is forwarded to the escaper for the first piece.
   */
  linkAndEscape(text: string, atLineStart: boolean): string {
    if (this.pending.length === 0) return escapeWikitext(text, { atLineStart });
    // Find the earliest match of any pending title; on ties the longer title wins (sorted).
    let best: { index: number; length: number; candidate: Candidate } | undefined;
    for (const candidate of this.pending) {
      candidate.pattern.lastIndex = 0;
      const m = candidate.pattern.exec(text);
      if (m && (best === undefined || m.index < best.index)) {
        best = { index: m.index, length: m[0].length, candidate };
      }
    }
    if (!best) return escapeWikitext(text, { atLineStart });
    this.pending.splice(this.pending.indexOf(best.candidate), 1);
    const before = text.slice(0, best.index);
    const mention = text.slice(best.index, best.index + best.length);
    const after = text.slice(best.index + best.length);
    const head = before === '' ? '' : escapeWikitext(before, { atLineStart });
    const link = `[[${linkTarget(best.candidate.title)}|${escapeWikitext(mention, { atLineStart: false })}]]`;
    return head + link + (after === '' ? '' : this.linkAndEscape(after, false));
  }
}

/** A leading colon keeps `[[Catégorie:X]]` or `[[Fichier:X]]` a link instead of a category/image. */
function linkTarget(title: string): string {
  return title.includes(':') ? `:${title}` : title;
}

function titlePattern(title: string): RegExp {
  const chars = Array.from(title);
  const first = chars[0] ?? '';
  const rest = chars.slice(1).join('');
  const firstClass =
    first.toLowerCase() !== first.toUpperCase()
      ? `[${escapeRegExp(first.toLowerCase())}${escapeRegExp(first.toUpperCase())}]`
      : escapeRegExp(first);
  const body = escapeRegExp(rest).replace(/ /g, '[ _]');
  return new RegExp(`(?<![\\p{L}\\p{N}_])${firstClass}${body}(?![\\p{L}\\p{N}_])`, 'gu');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
