/**
 * Word documents (.docx) to document blocks: the zip's word/document.xml, with the names of its
 * styles (styles.xml) and its list formats (numbering.xml), read with fflate and htmlparser2's
 * XML mode. Headings from the heading styles (French Word's « Titre 1 » is « heading 1 » inside)
 * and the Title style, lists from numbering (bullets or numbers, nested by level), tables, line
 * breaks and tabs; deleted text (tracked changes), field codes, comments, footnote marks, text
 * boxes and images are left out.
 *
 * Not mammoth: it reads the same parts well, but it took 13 to 30 ms for a 3-page document (its
 * style-map parser and JSZip, at every call), several times a .txt note's whole conversion.
 */
import type { ChildNode, Element } from 'domhandler';
import { strFromU8, unzipSync } from 'fflate';
import { parseDocument } from 'htmlparser2';
import { cleanText, type DocBlock, type DocListItem } from './blocks.js';

type ListBlock = Extract<DocBlock, { kind: 'list' }>;

interface DocxContext {
  /** Style id → heading level (Title and heading N styles, or an outline level). */
  headings: Map<string, number>;
  /** Style id → numbering it carries (List Bullet, List Number styles). */
  styleNumbering: Map<string, { numId: string; level: number }>;
  /** numId → level → ordered (a number format other than bullet or none). */
  ordered: Map<string, Map<number, boolean>>;
}

const SKIPPED = new Set(['w:del', 'w:delText', 'w:instrText', 'w:fldChar', 'w:rPr', 'w:pPr', 'w:footnoteReference', 'w:endnoteReference', 'w:commentReference', 'w:commentRangeStart', 'w:commentRangeEnd', 'w:drawing', 'w:pict', 'w:object', 'mc:AlternateContent', 'w:txbxContent', 'w:moveFrom', 'w:bookmarkStart', 'w:bookmarkEnd', 'w:proofErr', 'w:lastRenderedPageBreak', 'w:sectPr']);

export function docxToBlocks(bytes: Uint8Array): DocBlock[] {
  const files = unzipSync(bytes, { filter: (f) => f.name === 'word/document.xml' || f.name === 'word/styles.xml' || f.name === 'word/numbering.xml' });
  const document = files['word/document.xml'];
  if (!document) throw new Error('no word/document.xml');
  const xml = (name: string): Element[] => {
    const file = files[name];
    return file ? elements(parseDocument(strFromU8(file), { xmlMode: true }).children) : [];
  };
  const context: DocxContext = { headings: new Map(), styleNumbering: new Map(), ordered: new Map() };
  readStyles(xml('word/styles.xml'), context);
  readNumbering(xml('word/numbering.xml'), context);
  const body = descendant(xml('word/document.xml'), ['w:document', 'w:body']);
  const blocks: DocBlock[] = [];
  readBody(body ? elements(body.children) : [], blocks, context, { stack: [] });
  return blocks;
}

function readStyles(roots: Element[], context: DocxContext): void {
  for (const style of elements(descendant(roots, ['w:styles'])?.children ?? [])) {
    if (style.name !== 'w:style' || style.attribs['w:type'] !== 'paragraph') continue;
    const id = style.attribs['w:styleId'] ?? '';
    const name = child(style, 'w:name')?.attribs['w:val'] ?? id;
    const pPr = child(style, 'w:pPr');
    const outline = pPr ? child(pPr, 'w:outlineLvl')?.attribs['w:val'] : undefined;
    const heading = /^(?:heading|titre)\s*(\d)$/i.exec(name);
    if (/^(title|titre)$/i.test(name)) context.headings.set(id, 1);
    else if (heading) context.headings.set(id, Number(heading[1]));
    else if (outline !== undefined && Number(outline) < 6) context.headings.set(id, Number(outline) + 1);
    const numPr = pPr ? child(pPr, 'w:numPr') : undefined;
    const numId = numPr ? child(numPr, 'w:numId')?.attribs['w:val'] : undefined;
    if (numPr && numId && numId !== '0') context.styleNumbering.set(id, { numId, level: Number(child(numPr, 'w:ilvl')?.attribs['w:val'] ?? '0') });
  }
}

function readNumbering(roots: Element[], context: DocxContext): void {
  const numbering = elements(descendant(roots, ['w:numbering'])?.children ?? []);
  const abstract = new Map<string, Map<number, boolean>>();
  for (const node of numbering) {
    if (node.name !== 'w:abstractNum') continue;
    const levels = new Map<number, boolean>();
    for (const level of elements(node.children)) {
      if (level.name !== 'w:lvl') continue;
      const format = child(level, 'w:numFmt')?.attribs['w:val'] ?? 'bullet';
      levels.set(Number(level.attribs['w:ilvl'] ?? '0'), format !== 'bullet' && format !== 'none');
    }
    abstract.set(node.attribs['w:abstractNumId'] ?? '', levels);
  }
  for (const node of numbering) {
    if (node.name !== 'w:num') continue;
    const levels = abstract.get(child(node, 'w:abstractNumId')?.attribs['w:val'] ?? '');
    if (levels) context.ordered.set(node.attribs['w:numId'] ?? '', levels);
  }
}

/** Open lists while reading consecutive numbered paragraphs, outermost first. */
interface ListState { stack: Array<{ list: ListBlock; level: number }> }

function readBody(nodes: Element[], blocks: DocBlock[], context: DocxContext, lists: ListState): void {
  for (const node of nodes) {
    if (node.name === 'w:p') {
      readParagraph(node, blocks, context, lists);
    } else if (node.name === 'w:tbl') {
      lists.stack = [];
      blocks.push({ kind: 'table', rows: tableRows(node, context) });
    } else if (node.name === 'w:sdt' || node.name === 'w:sdtContent' || node.name === 'w:customXml' || node.name === 'w:ins' || node.name === 'w:moveTo') {
      readBody(elements(node.children), blocks, context, lists);
    }
  }
}

function readParagraph(p: Element, blocks: DocBlock[], context: DocxContext, lists: ListState): void {
  const pPr = child(p, 'w:pPr');
  const style = pPr ? child(pPr, 'w:pStyle')?.attribs['w:val'] : undefined;
  const numPr = pPr ? child(pPr, 'w:numPr') : undefined;
  const text = cleanText(runText(p.children));
  const heading = style !== undefined ? context.headings.get(style) : undefined;
  const ownNumId = numPr ? child(numPr, 'w:numId')?.attribs['w:val'] : undefined;
  const fromStyle = style !== undefined ? context.styleNumbering.get(style) : undefined;
  const numId = ownNumId ?? fromStyle?.numId;
  if (heading === undefined && numId !== undefined && numId !== '0') {
    const level = Number((numPr ? child(numPr, 'w:ilvl')?.attribs['w:val'] : undefined) ?? fromStyle?.level ?? 0);
    const ordered = context.ordered.get(numId)?.get(level) ?? false;
    lists.stack = lists.stack.filter((s) => s.level < level || (s.level === level && s.list.ordered === ordered));
    let open = lists.stack[lists.stack.length - 1];
    if (!open || open.level < level) {
      const created: ListBlock = { kind: 'list', ordered, items: [] };
      const parent = open?.list.items[open.list.items.length - 1];
      if (parent) parent.lists.push(created);
      else blocks.push(created);
      open = { list: created, level };
      lists.stack.push(open);
    }
    open.list.items.push({ text, lists: [] } satisfies DocListItem);
    return;
  }
  if (text === '') return; // an empty paragraph (spacing) does not end a list
  lists.stack = [];
  blocks.push(heading !== undefined ? { kind: 'heading', level: heading, text: text.replace(/\n/g, ' ') } : { kind: 'paragraph', text });
}

function tableRows(table: Element, context: DocxContext): string[][] {
  const rows: string[][] = [];
  for (const row of elements(table.children)) {
    if (row.name !== 'w:tr') continue;
    rows.push(elements(row.children).filter((c) => c.name === 'w:tc').map((cell) => {
      const inner: DocBlock[] = [];
      readBody(elements(cell.children), inner, context, { stack: [] });
      return inner.map((b) => (b.kind === 'list' ? b.items.map((i) => i.text).join(' ; ') : b.kind === 'table' ? '' : b.text)).filter((t) => t !== '').join(' ').replace(/\n+/g, ' ');
    }));
  }
  return rows;
}

/** The text of a paragraph's runs (also inside links, insertions, smart tags, simple fields). */
function runText(nodes: readonly ChildNode[]): string {
  let out = '';
  for (const node of elements(nodes)) {
    if (SKIPPED.has(node.name)) continue;
    if (node.name === 'w:t') out += node.children.map((c) => (c.type === 'text' ? c.data : '')).join('');
    else if (node.name === 'w:tab' || node.name === 'w:ptab') out += ' ';
    else if (node.name === 'w:br' || node.name === 'w:cr') out += node.attribs['w:type'] === 'page' ? ' ' : '\n';
    else if (node.name === 'w:noBreakHyphen') out += '-';
    else if (node.name === 'w:r' && node.children.some((c) => c.type === 'tag' && c.name === 'w:rPr' && c.children.some((x) => x.type === 'tag' && x.name === 'w:vanish'))) continue;
    else out += runText(node.children);
  }
  return out;
}

function elements(nodes: readonly ChildNode[]): Element[] {
  return nodes.filter((n): n is Element => n.type === 'tag');
}

function child(node: Element, name: string): Element | undefined {
  return elements(node.children).find((c) => c.name === name);
}

function descendant(roots: Element[], path: string[]): Element | undefined {
  let current: Element | undefined;
  let level = roots;
  for (const step of path) {
    current = level.find((n) => n.name === step);
    if (!current) return undefined;
    level = elements(current.children);
  }
  return current;
}
