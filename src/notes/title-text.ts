/**
 * Titles made from a note's own words, when the note gives none: its first line when a blank
 * line follows it but it is more than a title (a sentence, a long line), else the first sentence
 * of its text. Better than a file name that is a hash, or "Compte-rendu" for every untitled note
 * of a day (the second would be refused: one page per title and date).
 */

/** Longest title made from the text, in characters (cut at a comma or a word, then "…"). */
const MAX_TEXT_TITLE = 80;
/** A clause shorter than this is no title on its own ("Bonjour", "Hier"): read on. */
const MIN_CLAUSE = 15;

/** A title from one line of text: its first sentence, cut to at most 80 characters. */
export function titleFromLine(line: string): string | undefined {
  let t = stripMarkup(line).replace(/^(?:(?:tr|re|fwd?|réf)\s*:\s*)+/i, '').replace(/\s+/g, ' ').trim();
  // The first sentence ("Réunion du bureau. Présents : ...").
  const sentence = /^(.+?[^\s.!?…])[.!?…]+(?:\s|$)/u.exec(t);
  if (sentence?.[1] && sentence[1].length >= MIN_CLAUSE) t = sentence[1];
  t = t.replace(/[\s.,;:!?…]+$/u, '');
  if (t.length > MAX_TEXT_TITLE) {
    const clause = /^(.{15,80}?)\s*[,;:(–—]/u.exec(t);
    if (clause?.[1] && clause[1].length >= MIN_CLAUSE) t = clause[1];
    else t = `${t.slice(0, MAX_TEXT_TITLE).replace(/\s+\S*$/u, '')}…`;
  }
  return /\p{L}/u.test(t) ? t : undefined;
}

/** A title from a note's body (Markdown): its first paragraph's first sentence, or its first heading or item. */
export function titleFromBody(markdown: string): string | undefined {
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '' || /^\s*(\|?\s*:?-{3,}|```|---|\*\*\*)/.test(line)) continue;
    let text = line;
    if (!/^\s*(#{1,6}\s|[-*+]\s|\d+[.)]\s|\|)/.test(line)) {
      // A paragraph: its lines, joined (a wrapped sentence goes on on the next line).
      for (let j = i + 1; j < lines.length && (lines[j] ?? '').trim() !== '' && !/^\s*(#{1,6}\s|[-*+]\s|\d+[.)]\s|\|)/.test(lines[j] ?? ''); j++) {
        text = `${text.replace(/\\$/, '')} ${lines[j] ?? ''}`;
      }
    }
    const title = titleFromLine(text);
    if (title !== undefined) return title;
  }
  return undefined;
}

/**
 * A file name that says nothing of the note: a hash or a number ("3f2a9c1b07e4.txt"), a UUID,
 * an editor's default name ("Sans titre 1", "Document1", "Untitled").
 */
export function isMeaninglessFileStem(stem: string): boolean {
  const s = stem.trim();
  return /^[0-9a-f]{8,}$/i.test(s.replace(/[-_ ]/g, ''))
    || /^[\d\s_-]*$/.test(s)
    || /^(sans titre|untitled|document|nouveau document|new document|doc|texte|text|note|notes|fichier|file)[\s_-]*\d*$/i.test(s);
}

/** Markdown markers and backslash escapes out of a line: `## **Bilan** \- 1` → `Bilan - 1`. */
function stripMarkup(line: string): string {
  return line
    .replace(/^\s*(?:#{1,6}\s+|>\s?|[-*+•]\s+|\d+[.)]\s+)/, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<(https?:\/\/[^>]+)>/g, '$1')
    .replace(/(\*\*|__|`)/g, '')
    .replace(/\\(.)/g, '$1')
    .replace(/\\$/, '')
    .trim();
}
