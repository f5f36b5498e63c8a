/**
 * OpenDocument text (.odt, LibreOffice and OnlyOffice's own format) to document blocks: the
 * zip's content.xml, read with fflate and htmlparser2's XML mode (several times faster here than
 * fast-xml-parser's ordered mode, and the same parser as the .docx and HTML readers). Headings (`text:h`, and paragraphs
 * in the Title style), paragraphs, lists (numbered or not, from their list style) and tables;
 * comments, footnotes' bodies, frames and tracked deletions are left out.
 */
import type { ChildNode } from 'domhandler';
import { strFromU8, unzipSync } from 'fflate';
import { parseDocument } from 'htmlparser2';
import { cleanText, type DocBlock, type DocListItem } from './blocks.js';

type ListBlock = Extract<DocBlock, { kind: 'list' }>;
type XmlNode = ChildNode;

const parse = (xml: string): XmlNode[] => parseDocument(xml, { xmlMode: true }).children;

const SKIPPED = new Set(['office:annotation', 'office:annotation-end', 'text:note', 'draw:frame', 'draw:custom-shape', 'text:tracked-changes', 'text:sequence-decls', 'text:bookmark', 'text:bookmark-start', 'text:bookmark-end', 'text:soft-page-break', 'table:table-columns', 'table:table-column', 'office:forms', 'text:table-of-content', 'text:alphabetical-index', 'text:index-title']);

export function odtToBlocks(bytes: Uint8Array): DocBlock[] {
  const files = unzipSync(bytes, { filter: (f) => f.name === 'content.xml' || f.name === 'styles.xml' });
  const content = files['content.xml'];
  if (!content) throw new Error('no content.xml');
  const doc = parse(strFromU8(content));
  const styles = files['styles.xml'] ? parse(strFromU8(files['styles.xml'])) : [];
  const context = readStyles([...doc, ...styles]);
  const text = find(doc, ['office:document-content', 'office:body', 'office:text']);
  const blocks: DocBlock[] = [];
  readBlocks(text ?? [], blocks, context, undefined);
  return blocks;
}

interface StyleContext {
  /** Paragraph style name → its parent style's name (automatic styles derive from named ones). */
  parents: Map<string, string>;
  /** List style names whose first level is numbered. */
  numbered: Set<string>;
}

function readStyles(roots: XmlNode[]): StyleContext {
  const context: StyleContext = { parents: new Map(), numbered: new Set() };
  const visit = (nodes: XmlNode[]): void => {
    for (const node of nodes) {
      const name = tagOf(node);
      if (name === undefined) continue;
      const attrs = attributes(node);
      if (name === 'style:style' && attrs['style:name'] && attrs['style:parent-style-name']) context.parents.set(attrs['style:name'], attrs['style:parent-style-name']);
      if (name === 'text:list-style' && attrs['style:name']) {
        const first = children(node).find((c) => tagOf(c)?.startsWith('text:list-level-style'));
        if (first && tagOf(first) === 'text:list-level-style-number') context.numbered.add(attrs['style:name']);
        continue;
      }
      if (name.endsWith('styles') || name === 'office:document-content' || name === 'office:document-styles') visit(children(node));
    }
  };
  visit(roots);
  return context;
}

function readBlocks(nodes: XmlNode[], blocks: DocBlock[], context: StyleContext, listStyle: string | undefined): void {
  for (const node of nodes) {
    const name = tagOf(node);
    if (name === undefined || SKIPPED.has(name)) continue;
    const attrs = attributes(node);
    if (name === 'text:h') {
      blocks.push({ kind: 'heading', level: Number(attrs['text:outline-level'] ?? '1') || 1, text: cleanText(inline(children(node))).replace(/\n/g, ' ') });
    } else if (name === 'text:p') {
      const style = baseStyle(attrs['text:style-name'], context);
      const text = cleanText(inline(children(node)));
      if (/^(Title|Titre)$/i.test(style ?? '')) blocks.push({ kind: 'heading', level: 1, text: text.replace(/\n/g, ' ') });
      else if (/^Heading[ _]?(\d)$/i.test(style ?? '')) blocks.push({ kind: 'heading', level: Number(/(\d)$/.exec(style ?? '')?.[1] ?? '1'), text: text.replace(/\n/g, ' ') });
      else blocks.push({ kind: 'paragraph', text });
    } else if (name === 'text:list') {
      blocks.push(readList(node, context, attrs['text:style-name'] ?? listStyle));
    } else if (name === 'table:table') {
      blocks.push({ kind: 'table', rows: tableRows(children(node), context) });
    } else {
      // text:section, office:text and other containers.
      readBlocks(children(node), blocks, context, listStyle);
    }
  }
}

function readList(list: XmlNode, context: StyleContext, style: string | undefined): ListBlock {
  const block: ListBlock = { kind: 'list', ordered: style !== undefined && context.numbered.has(style), items: [] };
  for (const child of children(list)) {
    const name = tagOf(child);
    if (name !== 'text:list-item' && name !== 'text:list-header') continue;
    const item: DocListItem = { text: '', lists: [] };
    const texts: string[] = [];
    for (const part of children(child)) {
      const partName = tagOf(part);
      if (partName === 'text:list') item.lists.push(readList(part, context, attributes(part)['text:style-name'] ?? style));
      else if (partName === 'text:p' || partName === 'text:h') texts.push(cleanText(inline(children(part))));
    }
    item.text = texts.filter((t) => t !== '').join('\n');
    block.items.push(item);
  }
  return block;
}

function tableRows(nodes: XmlNode[], context: StyleContext): string[][] {
  const rows: string[][] = [];
  for (const node of nodes) {
    const name = tagOf(node);
    if (name === 'table:table-row') {
      rows.push(children(node).filter((c) => tagOf(c) === 'table:table-cell').map((cell) => {
        const inner: DocBlock[] = [];
        readBlocks(children(cell), inner, context, undefined);
        return inner.map((b) => (b.kind === 'list' ? b.items.map((i) => i.text).join(' ; ') : b.kind === 'table' ? '' : b.text)).filter((t) => t !== '').join(' ').replace(/\n+/g, ' ');
      }));
    } else if (name === 'table:table-header-rows' || name === 'table:table-rows' || name === 'table:table-row-group') {
      rows.push(...tableRows(children(node), context));
    }
  }
  return rows;
}

/** Text of a paragraph's content: spans, links, `text:s` spaces, tabs and line breaks. */
function inline(nodes: XmlNode[]): string {
  let out = '';
  for (const node of nodes) {
    if (node.type === 'text') {
      out += node.data.replace(/\s+/g, ' ');
      continue;
    }
    const name = tagOf(node);
    if (name === undefined || SKIPPED.has(name) || name === 'text:deletion') continue;
    if (name === 'text:s') out += ' '.repeat(Math.min(Number(attributes(node)['text:c'] ?? '1') || 1, 8));
    else if (name === 'text:tab') out += ' ';
    else if (name === 'text:line-break') out += '\n';
    else out += inline(children(node));
  }
  return out;
}

function baseStyle(style: string | undefined, context: StyleContext): string | undefined {
  let current = style;
  for (let i = 0; i < 5 && current !== undefined; i++) {
    if (/^(Title|Titre|Heading[ _]?\d)$/i.test(current)) return current;
    current = context.parents.get(current);
  }
  return style;
}

function tagOf(node: XmlNode): string | undefined {
  return node.type === 'tag' ? node.name : undefined;
}

function children(node: XmlNode): XmlNode[] {
  return node.type === 'tag' ? node.children : [];
}

function attributes(node: XmlNode): Record<string, string> {
  return node.type === 'tag' ? node.attribs : {};
}

function find(nodes: XmlNode[], path: string[]): XmlNode[] | undefined {
  let current = nodes;
  for (const step of path) {
    const next = current.find((n) => tagOf(n) === step);
    if (!next) return undefined;
    current = children(next);
  }
  return current;
}
