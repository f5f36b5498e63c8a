/**
 * What the document readers (.odt, .docx, pad exports) make of a file: headings, paragraphs,
 * lists and tables of plain text. Documents become Markdown, every piece of text escaped, so
 * nothing typed in a document is read as Markdown or wiki syntax (`~~~~`, `<script>`, `[[x]]`
 * stay text, as in a .txt note); pads become plain text, read like a .txt pad export.
 */
import { escapeMarkdown } from '../plain-text.js';

export type DocBlock =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; ordered: boolean; items: DocListItem[] }
  | { kind: 'table'; rows: string[][] };

export interface DocListItem {
  text: string;
  /** Nested lists. */
  lists: Array<Extract<DocBlock, { kind: 'list' }>>;
}

/** Spaces collapsed, no-break spaces kept as spaces, ends trimmed (line breaks kept). */
export function cleanText(text: string): string {
  return text.replace(/[ \t\u00a0\u202f]+/g, ' ').replace(/ ?\n ?/g, '\n').trim();
}

/** Drops empty paragraphs, items, rows and lists. */
export function withoutEmpty(blocks: DocBlock[]): DocBlock[] {
  const out: DocBlock[] = [];
  for (const b of blocks) {
    if (b.kind === 'list') {
      const items = b.items.map((i) => ({ text: i.text, lists: withoutEmpty(i.lists) as DocListItem['lists'] })).filter((i) => i.text !== '' || i.lists.length > 0);
      if (items.length > 0) out.push({ ...b, items });
    } else if (b.kind === 'table') {
      const rows = b.rows.filter((r) => r.some((c) => c !== ''));
      if (rows.length > 0) out.push({ kind: 'table', rows });
    } else if (b.text !== '') {
      out.push(b);
    }
  }
  return out;
}

/** Markdown of a document: each text escaped, line breaks inside a paragraph kept. */
export function blocksToMarkdown(blocks: DocBlock[]): string {
  const out: string[] = [];
  for (const block of withoutEmpty(blocks)) {
    if (block.kind === 'heading') out.push(`${'#'.repeat(Math.min(Math.max(block.level, 1), 6))} ${escapeMarkdown(block.text.replace(/\n/g, ' '))}`);
    else if (block.kind === 'paragraph') out.push(block.text.split('\n').map(escapeMarkdown).join('\\\n'));
    else if (block.kind === 'list') out.push(listMarkdown(block, '').join('\n'));
    else out.push(tableMarkdown(block.rows));
  }
  return out.join('\n\n');
}

function listMarkdown(list: Extract<DocBlock, { kind: 'list' }>, indent: string): string[] {
  const lines: string[] = [];
  for (const item of list.items) {
    const marker = list.ordered ? '1. ' : '- ';
    const inner = indent + ' '.repeat(marker.length);
    lines.push(`${indent}${marker}${item.text.split('\n').map(escapeMarkdown).join(`\\\n${inner}`)}`);
    for (const sub of item.lists) lines.push(...listMarkdown(sub, inner));
  }
  return lines;
}

function tableMarkdown(rows: string[][]): string {
  const width = Math.max(...rows.map((r) => r.length));
  const cell = (text: string | undefined): string => escapeMarkdown((text ?? '').replace(/\n+/g, ' ')) || ' ';
  const line = (row: string[]): string => `| ${Array.from({ length: width }, (_, i) => cell(row[i])).join(' | ')} |`;
  const [head, ...body] = rows;
  return [line(head ?? []), `|${' --- |'.repeat(width)}`, ...body.map(line)].join('\n');
}

/**
 * Plain text of a pad, as its .txt export reads: one line per line, lists as `- ` and `1. `
 * indented 4 spaces a level, headings underlined (`===` level 1, `---` below).
 */
export function blocksToPlainText(blocks: DocBlock[]): string {
  const out: string[] = [];
  for (const block of withoutEmpty(blocks)) {
    if (block.kind === 'heading') {
      const text = block.text.replace(/\n/g, ' ');
      out.push(`${text}\n${(block.level <= 1 ? '=' : '-').repeat(Math.max(3, Math.min(text.length, 80)))}`);
    } else if (block.kind === 'paragraph') out.push(block.text);
    else if (block.kind === 'list') out.push(listPlain(block, 0).join('\n'));
    else out.push(block.rows.map((r) => r.join(' ; ')).join('\n'));
  }
  return out.join('\n\n');
}

function listPlain(list: Extract<DocBlock, { kind: 'list' }>, depth: number): string[] {
  const lines: string[] = [];
  list.items.forEach((item, i) => {
    const indent = '    '.repeat(depth);
    lines.push(`${indent}${list.ordered ? `${i + 1}.` : '-'} ${item.text.replace(/\n/g, ' ')}`);
    for (const sub of item.lists) lines.push(...listPlain(sub, depth + 1));
  });
  return lines;
}
