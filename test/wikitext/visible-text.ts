/**
 * Approximates the text a reader sees once MediaWiki renders the wikitext this project writes.
 * Only understands our own output (templates at the top, headings, lists, tables, links, entities);
 * the integration tests check the real parsed page via the wiki's parse API.
 */
export function visibleText(wikitext: string): string {
  let t = wikitext
    // Summary template: keep the parameter values.
    .replace(/^\{\{[^\n|]*\n((?:\| [^\n]*\n)*)\}\}/m, (_m, params: string) =>
      params.replace(/^\| [a-z]+ = /gm, ''),
    )
    .replace(/^\[\[Catégorie:[^\]]*\]\]$/gm, '')
    .replace(/\[\[[^|\]]*\|([^\]]*)\]\]/g, '$1')
    .replace(/\[\[([^\]]*)\]\]/g, '$1')
    .replace(/\[(?:https?|ftp|mailto):[^\s\]]+ ([^\]]*)\]/g, '$1')
    .replace(/<br \/>/g, ' ')
    .replace(/<\/?(?:code|nowiki|pre|blockquote|s)>/g, ' ')
    .replace(/<syntaxhighlight[^>]*>|<\/syntaxhighlight>/g, ' ')
    .replace(/'''|''/g, '')
    .replace(/^[*#:;]+ ?/gm, '')
    .replace(/^(=+) (.*) \1$/gm, '$2')
    .replace(/^\{\|.*$|^\|\}$|^\|-$|^----$/gm, '')
    .replace(/^[!|] (?:style="[^"]*" \| )?/gm, '');
  t = decodeEntities(t);
  return t.replace(/\s+/g, ' ').trim();
}

export function decodeEntities(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/**
 * Whether some markup is live in the wikitext, i.e. present outside entities, `<nowiki>` and
 * `<pre>` blocks (the only places this project puts literal text).
 */
export function containsLive(wikitext: string, markup: string): boolean {
  const outside = wikitext.replace(/<nowiki>[\s\S]*?<\/nowiki>/g, '').replace(/<pre>[\s\S]*?<\/pre>/g, '');
  return outside.includes(markup);
}
