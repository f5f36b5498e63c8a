import { removePersonalData } from '../../src/notes/pii.js';

/**
 * The sentences a reader must find on the page, from the note's source: the Markdown and list
 * markers dropped, split at sentence ends and table cells.
 */
export function sentences(source: string, keepPersonalData: boolean): string[] {
  let text = source.replace(/\r\n?/g, '\n').replace(/[\u00a0\u202f]/g, ' ').replace(/^---\n[\s\S]*?\n---\n/, '');
  if (!keepPersonalData) text = removePersonalData(text).text;
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    let line = raw.trim();
    if (/^(\*\*)?(date|lieu|animé par|animation|présents)\b/i.test(line)) continue; // shown in the template
    if (/^([-=_*~#.|: ])\1*$/.test(line.replace(/\s/g, '')) || /^\|?[\s:|-]+\|?$/.test(line)) continue; // separators
    line = line
      // Markdown read from documents escapes punctuation (`\~`, `\[`) and ends broken lines with `\`.
      .replace(/\\$/, '')
      .replace(/\\([\\`*_{}[\]<>#+\-!|~&=.()])/g, '$1')
      .replace(/^#+\s+/, '')
      .replace(/^>\s?/, '')
      .replace(/^([-*+•–]|\d+[.)]|[a-z]\))\s+(\[[ x]\]\s+)?/, '')
      .replace(/^[-•](?=\p{L})/u, '')
      .replace(/\[([^\]]+)\]\([^)]+\)/g, '$1')
      .replace(/\*\*|`/g, '')
      .replace(/(^|\s)\*([^*]+)\*/g, '$1$2');
    for (const cell of line.split(/\s*\|\s*/)) {
      for (const s of cell.split(/(?<=[.!?])\s+/)) {
        const fragment = s.replace(/\s*:$/, '').replace(/\s+/g, ' ').trim();
        if (fragment.length >= 3) out.push(fragment);
      }
    }
  }
  return out;
}
