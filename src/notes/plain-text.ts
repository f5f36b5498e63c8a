/**
 * Plain-text minutes, as people really type them, read into Markdown (then rendered by the shared
 * Markdown converter). Recognised:
 * - a title line at the top (returned separately);
 * - headings: underlined with `===` (level 1) or `---` (level 2), ALL-CAPS lines (level 1),
 *   short lines ending with `:` followed by content (level 2), a short line alone between blank
 *   lines with content after it ("Introduction", level 2);
 * - bullets `-`, `*`, `•`, `–`, `—`, `◦`, `▪`, `·` and numbered items `1.`, `1)`, `a)`;
 *   nesting from indentation (spaces or tabs; a tab counts as 4 spaces); indented lines right
 *   after an item continue it;
 * - URLs (kept as links); lines of 3+ `_ - = * ~ # .` are separators and dropped;
 * - paragraphs: a line ending a sentence or shorter than 60 characters keeps its line break, a
 *   longer one is a wrapped line and is joined to the next (e-mail style wrapping).
 * The input must already be normalised (LF, no non-breaking spaces). Text is backslash-escaped for
 * Markdown, so nothing the facilitator typed is read as Markdown syntax.
 */

export interface PlainTextResult {
  /** The first line, when it reads as a title (it is then left out of the Markdown). */
  title?: string;
  /**
   * The first line, when a blank line follows it but it is more than a title (a sentence, a long
   * line): a title can be made of it (see title-text.ts), and it stays in the Markdown.
   */
  openingLine?: string;
  markdown: string;
}

type Block =
  | { kind: 'heading'; depth: 1 | 2; text: string }
  | { kind: 'item'; indent: number; ordered: boolean; text: string }
  | { kind: 'line'; text: string }
  | { kind: 'blank' };

const SEPARATOR = /^\s*([_\-=*~#.•])(?:\s*\1){2,}\s*$/;
const UNDERLINE = /^\s*(=+|-+)\s*$/;
const BULLET = /^([ \t]*)([-*•–—◦▪·])\s+(\S.*)$/;
/** `-item`, `•item`: a dash or bullet glued to a word (typed fast, or a lost tab). */
const GLUED_BULLET = /^([ \t]*)([-•])(\p{L}.*)$/u;
const NUMBERED = /^([ \t]*)(\d{1,2}[.)]|[a-z]\))\s+(\S.*)$/;
/** Lines shorter than this keep their line break (typed line by line, not wrapped). */
const WRAP_WIDTH = 60;

export function plainTextToMarkdown(text: string): PlainTextResult {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  let title: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const next = lines[i + 1] ?? '';
    if (line.trim() === '') {
      blocks.push({ kind: 'blank' });
      continue;
    }
    const underline = UNDERLINE.exec(next);
    if (underline && (underline[1] ?? '').length >= 3 && isHeadingLike(line)) {
      blocks.push({ kind: 'heading', depth: (underline[1] ?? '').startsWith('=') ? 1 : 2, text: line.trim() });
      i++;
      continue;
    }
    if (SEPARATOR.test(line)) {
      blocks.push({ kind: 'blank' });
      continue;
    }
    if (isAllCaps(line)) {
      blocks.push({ kind: 'heading', depth: 1, text: line.trim() });
      continue;
    }
    const item = NUMBERED.exec(line) ?? BULLET.exec(line) ?? GLUED_BULLET.exec(line);
    if (item) {
      blocks.push({
        kind: 'item',
        indent: indentWidth(item[1] ?? ''),
        ordered: /^[\da-z]/.test(item[2] ?? ''),
        text: (item[3] ?? '').trim(),
      });
      continue;
    }
    const prev = blocks[blocks.length - 1];
    if (prev?.kind === 'item' && /^[ \t]+\S/.test(line)) {
      prev.text += ` ${line.trim()}`;
      continue;
    }
    if (isColonHeading(line, prev, next, lines.slice(i + 1))) {
      blocks.push({ kind: 'heading', depth: 2, text: line.trim().replace(/\s*:$/, '') });
      continue;
    }
    if (blocks.some((b) => b.kind !== 'blank') && isLoneHeading(line, prev, next, lines.slice(i + 2))) {
      blocks.push({ kind: 'heading', depth: 2, text: line.trim() });
      continue;
    }
    blocks.push({ kind: 'line', text: line.trim() });
  }
  // Title: the first block, when it is a short line (or a heading) and more content follows.
  const firstIndex = blocks.findIndex((b) => b.kind !== 'blank');
  const first = blocks[firstIndex];
  const hasMore = blocks.slice(firstIndex + 1).some((b) => b.kind !== 'blank');
  let openingLine: string | undefined;
  if (first && hasMore && (first.kind === 'heading' || (first.kind === 'line' && isTitleLike(first.text, blocks[firstIndex + 1])))) {
    title = first.text;
    blocks.splice(firstIndex, 1);
  } else if (first?.kind === 'line' && hasMore && blocks[firstIndex + 1]?.kind === 'blank') {
    openingLine = first.text;
  }
  return { ...(title !== undefined ? { title } : {}), ...(openingLine !== undefined ? { openingLine } : {}), markdown: render(blocks) };
}

function render(blocks: Block[]): string {
  const out: string[] = [];
  let listStack: Array<{ indent: number; contentIndent: string }> = [];
  let previous: Block | undefined;
  for (const block of blocks) {
    if (block.kind !== 'item') listStack = [];
    if (block.kind === 'blank') {
      if (out.length > 0 && out[out.length - 1] !== '') out.push('');
    } else if (block.kind === 'heading') {
      pushParagraphBreak(out);
      out.push(`${'#'.repeat(block.depth)} ${escapeMarkdown(block.text)}`, '');
    } else if (block.kind === 'item') {
      if (previous?.kind === 'line') pushParagraphBreak(out);
      // Close deeper levels; a sibling (same indentation) replaces the previous item.
      while (listStack.length > 0 && (listStack[listStack.length - 1]?.indent ?? 0) >= block.indent) listStack.pop();
      const parent = listStack[listStack.length - 1];
      const base = parent?.contentIndent ?? '';
      const marker = block.ordered ? '1. ' : '- ';
      out.push(`${base}${marker}${escapeMarkdown(block.text)}`);
      listStack.push({ indent: block.indent, contentIndent: base + ' '.repeat(marker.length) });
    } else {
      const prevLine = previous?.kind === 'line' ? previous.text : undefined;
      if (previous?.kind === 'item') pushParagraphBreak(out);
      if (prevLine !== undefined) {
        const keepBreak = prevLine.length < WRAP_WIDTH || /[.!?…:;»)]$/.test(prevLine);
        // A trailing backslash is a Markdown hard line break.
        if (keepBreak) out[out.length - 1] += '\\';
      }
      out.push(escapeMarkdown(block.text));
    }
    previous = block;
  }
  return out.join('\n').trim();
}

function pushParagraphBreak(out: string[]): void {
  if (out.length > 0 && out[out.length - 1] !== '') out.push('');
}

function indentWidth(indent: string): number {
  return indent.replace(/\t/g, '    ').length;
}

function letters(line: string): string {
  return line.replace(/[^\p{L}]/gu, '');
}

/** Longest ALL-CAPS line read as a heading (long ones exist: "CALENDRIER ET MOYENS NÉCESSAIRES …"). */
const MAX_CAPS_HEADING = 200;

/** "ORDRE DU JOUR", "1. TOUR DE TABLE": at least 4 letters, all uppercase, not a paragraph. */
function isAllCaps(line: string): boolean {
  const l = letters(line);
  return l.length >= 4 && l === l.toUpperCase() && l !== l.toLowerCase() && line.trim().length <= MAX_CAPS_HEADING && !/https?:\/\//i.test(line);
}

function isHeadingLike(line: string): boolean {
  const t = line.trim();
  return t.length <= 100 && /\p{L}/u.test(t) && !/[.,;]$/.test(t) && !BULLET.test(line) && !SEPARATOR.test(line);
}

/**
 * "Décisions :" or "Prochaines étapes:" on its own line, followed by content, right below or
 * after a blank line ("Élection du bureau :" then a paragraph).
 */
function isColonHeading(line: string, prev: Block | undefined, next: string, rest: readonly string[]): boolean {
  const t = line.trim();
  if (!/\S\s*:$/.test(t) || t.length > 60 || /^[ \t]/.test(line)) return false;
  if (t.split(/\s+/).length > 8 || /[.!?]/.test(t.slice(0, -1))) return false;
  const startsBlock = prev === undefined || prev.kind === 'blank' || prev.kind === 'heading' || prev.kind === 'item';
  const contentFollows = next.trim() !== '' || (rest.length > 1 && rest.slice(1).some((l) => l.trim() !== ''));
  return startsBlock && contentFollows;
}

/** Lines that open or close a letter, never section titles. */
const SALUTATION = /^(bonjour|bonsoir|salut|coucou|merci|cordialement|bien à vous|bises|amitiés|à bientôt|bonne (journée|soirée|semaine|lecture))\b/i;

/**
 * "Introduction", "Bilan moral", "Questions diverses": a short line alone between blank lines,
 * starting with a capital, without end punctuation, with content after it (not the last line).
 */
function isLoneHeading(line: string, prev: Block | undefined, next: string, afterNext: readonly string[]): boolean {
  const t = line.trim();
  if (prev !== undefined && prev.kind !== 'blank') return false;
  if (next.trim() !== '' || !afterNext.some((l) => l.trim() !== '' && !SEPARATOR.test(l))) return false;
  if (t.length > 50 || t.split(/\s+/).length > 6 || /^[ \t]/.test(line)) return false;
  if (!/^\p{Lu}/u.test(t) || /[.,;:!?…)»"]$/.test(t) || /https?:\/\/|@/.test(t)) return false;
  return !SALUTATION.test(t);
}

function isTitleLike(text: string, following: Block | undefined): boolean {
  if (text.length > 120 || /[.,;]$/.test(text)) return false;
  return following === undefined || following.kind !== 'line';
}

/** Backslash-escapes Markdown syntax, leaving URLs as autolinks. */
export function escapeMarkdown(text: string): string {
  const url = /\b(?:https?:\/\/|www\.)[^\s<>«»"]+/gi;
  let out = '';
  let last = 0;
  for (const m of text.matchAll(url)) {
    let link = m[0];
    // Trailing punctuation belongs to the sentence, a closing parenthesis only if unbalanced.
    while (/[.,;:!?»'"]$/.test(link) || (link.endsWith(')') && !link.includes('('))) link = link.slice(0, -1);
    const start = m.index;
    out += escapeText(text.slice(last, start));
    const href = link.toLowerCase().startsWith('www.') ? `http://${link}` : link;
    out += href === link ? `<${link}>` : `[${escapeText(link)}](<${href}>)`;
    last = start + link.length;
  }
  return out + escapeText(text.slice(last));
}

/**
 * `-`, `+`, `_` and `=` between two letters or digits are never Markdown syntax ("Saint-Priest",
 * "camille_martin", "06-12-34-56-78"): left as they are, so that the removal of e-mail addresses
 * and phone numbers, which runs after documents are read into Markdown, sees them as typed.
 */
function escapeText(text: string): string {
  return text
    .replace(/[\\`*_{}[\]<>#+\-!|~&=]/g, (ch, offset: number, whole: string) =>
      /[-+_=]/.test(ch) && /[\p{L}\p{N}]/u.test(whole[offset - 1] ?? '') && /[\p{L}\p{N}]/u.test(whole[offset + 1] ?? '') ? ch : `\\${ch}`)
    .replace(/^(\d+)([.)])/, '$1\\$2');
}
