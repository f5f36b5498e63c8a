/**
 * The first paragraph of a page as plain text, from its wikitext: what a reader sees first,
 * without templates, tables, files, categories or markup. Good enough for a summary line;
 * the parser is the wiki's job.
 */
const SCAN_LIMIT = 8000;

export function summarizeWikitext(wikitext: string, maxLength = 300): string | null {
  // The first paragraph lives near the top; scanning a whole long page for it is wasted work.
  let text = wikitext.slice(0, SCAN_LIMIT).replace(/<!--[\s\S]*?-->/g, '');
  // Nested templates and tables: strip innermost first until none is left.
  for (let guard = 0; guard < 20 && /\{\{[^{}]*\}\}/.test(text); guard++) text = text.replace(/\{\{[^{}]*\}\}/g, '');
  text = text.replace(/\{\|[\s\S]*?\|\}/g, '');
  text = text.replace(/<ref[^>]*\/>|<ref[^>]*>[\s\S]*?<\/ref>/gi, '');
  text = text.replace(/\[\[(?:Fichier|File|Image|Catégorie|Category):[^\]]*\]\]/gi, '');
  const paragraph = text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .find((p) => p && !/^(=|\*|#|;|:|----|__)/.test(p));
  if (!paragraph) return null;
  const plain = paragraph
    .replace(/\[\[[^\]|]*\|([^\]]*)\]\]/g, '$1')
    .replace(/\[\[([^\]]*)\]\]/g, '$1')
    .replace(/\[(?:https?:)?\/\/\S+\s+([^\]]*)\]/g, '$1')
    .replace(/\[(?:https?:)?\/\/[^\]\s]+\]/g, '')
    .replace(/'{2,}/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!plain) return null;
  if (plain.length <= maxLength) return plain;
  const cut = plain.slice(0, maxLength - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${lastSpace > maxLength / 2 ? cut.slice(0, lastSpace) : cut}…`;
}

const SUMMARY_CACHE_SIZE = 10_000;
const summaryCache = new Map<string, string | null>();

/**
 * summarizeWikitext, remembered per revision: a revision's text never changes, and the same
 * pages are read again and again, so each revision is summarised once (least recently used
 * entries are dropped past 10,000).
 */
export function summaryOfRevision(key: string, wikitext: string): string | null {
  const cached = summaryCache.get(key);
  if (cached !== undefined || summaryCache.has(key)) {
    summaryCache.delete(key);
    summaryCache.set(key, cached ?? null);
    return cached ?? null;
  }
  const summary = summarizeWikitext(wikitext);
  summaryCache.set(key, summary);
  if (summaryCache.size > SUMMARY_CACHE_SIZE) summaryCache.delete(summaryCache.keys().next().value as string);
  return summary;
}
