/**
 * The first paragraph of a page as plain text, from its wikitext: what a reader sees first,
 * without templates, tables, files, categories or markup. Good enough for a summary line;
 * the parser is the wiki's job.
 */
export function summarizeWikitext(wikitext: string, maxLength = 300): string | null {
  let text = wikitext.replace(/<!--[\s\S]*?-->/g, '');
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
  return plain.length > maxLength ? `${plain.slice(0, maxLength - 1).replace(/\s+\S*$/, '')}…` : plain;
}
