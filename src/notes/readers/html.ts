/**
 * HTML to document blocks: Etherpad/Framapad HTML exports (lines separated by `<br>`, lists as
 * `<ul class="bullet">` with nested lists as siblings of their item), or any simple HTML page. Only text is kept: no attribute, link target, image, script or style.
 */
import type { ChildNode, Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { cleanText, type DocBlock, type DocListItem } from './blocks.js';

type ListBlock = Extract<DocBlock, { kind: 'list' }>;

const SKIPPED = new Set(['script', 'style', 'head', 'title', 'img', 'svg', 'iframe', 'object', 'noscript', 'template']);
const BLOCKS = new Set(['p', 'div', 'section', 'article', 'main', 'header', 'footer', 'blockquote', 'pre', 'body', 'html', 'center', 'address', 'dl', 'dd', 'dt', 'figure', 'figcaption', 'hr']);

export function htmlToBlocks(html: string): DocBlock[] {
  const doc = parseDocument(html, { decodeEntities: true });
  const blocks: DocBlock[] = [];
  readChildren(doc.children, blocks);
  return blocks;
}

/** Block children; runs of inline content between them become paragraphs (split at `<br><br>`). */
function readChildren(nodes: readonly ChildNode[], blocks: DocBlock[]): void {
  let inline = '';
  const flush = (): void => {
    for (const para of inline.split(/\n[ \t]*\n+/)) {
      const text = cleanText(para);
      if (text !== '') blocks.push({ kind: 'paragraph', text });
    }
    inline = '';
  };
  for (const node of nodes) {
    if (node.type === 'text') {
      inline += node.data.replace(/\s+/g, ' ');
      continue;
    }
    if (!isElement(node) || SKIPPED.has(node.name)) continue;
    const name = node.name.toLowerCase();
    if (name === 'br') {
      inline += '\n';
    } else if (/^h[1-6]$/.test(name)) {
      flush();
      blocks.push({ kind: 'heading', level: Number(name[1]), text: cleanText(inlineText(node.children)).replace(/\n/g, ' ') });
    } else if (name === 'ul' || name === 'ol') {
      flush();
      blocks.push(readList(node));
    } else if (name === 'table') {
      flush();
      blocks.push({ kind: 'table', rows: tableRows(node) });
    } else if (name === 'li') {
      // An item outside any list: a list of its own.
      flush();
      blocks.push({ kind: 'list', ordered: false, items: [listItem(node)] });
    } else if (BLOCKS.has(name)) {
      flush();
      if (name === 'pre') blocks.push({ kind: 'paragraph', text: cleanText(inlineText(node.children, true)) });
      else readChildren(node.children, blocks);
    } else {
      inline += inlineText([node]);
    }
  }
  flush();
}

function readList(list: Element): ListBlock {
  const block: ListBlock = { kind: 'list', ordered: list.name.toLowerCase() === 'ol', items: [] };
  for (const child of list.children) {
    if (!isElement(child)) continue;
    const name = child.name.toLowerCase();
    if (name === 'li') {
      block.items.push(listItem(child));
    } else if (name === 'ul' || name === 'ol') {
      // Etherpad: a nested list is a sibling of its item.
      const last = block.items[block.items.length - 1];
      if (last) last.lists.push(readList(child));
      else block.items.push({ text: '', lists: [readList(child)] });
    }
  }
  return block;
}

/** An item's text and the lists nested in it. */
function listItem(li: Element): DocListItem {
  const item: DocListItem = { text: '', lists: [] };
  const text: ChildNode[] = [];
  for (const part of li.children) {
    if (isElement(part) && (part.name === 'ul' || part.name === 'ol')) item.lists.push(readList(part));
    else text.push(part);
  }
  item.text = cleanText(inlineText(text));
  return item;
}

function tableRows(table: Element): string[][] {
  const rows: string[][] = [];
  const visit = (nodes: readonly ChildNode[]): void => {
    for (const node of nodes) {
      if (!isElement(node)) continue;
      if (node.name === 'tr') {
        rows.push(node.children.filter(isElement).filter((c) => c.name === 'td' || c.name === 'th').map((c) => cleanText(inlineText(c.children)).replace(/\n+/g, ' ')));
      } else if (node.name !== 'table') {
        visit(node.children);
      }
    }
  };
  visit(table.children);
  return rows;
}

/** Text of inline content; `<br>` and paragraph ends inside become line breaks. */
function inlineText(nodes: readonly ChildNode[], keepSpaces = false): string {
  let out = '';
  for (const node of nodes) {
    if (node.type === 'text') out += keepSpaces ? node.data : node.data.replace(/\s+/g, ' ');
    else if (isElement(node) && !SKIPPED.has(node.name)) {
      if (node.name === 'br') out += '\n';
      else if (node.name === 'p' || node.name === 'div' || node.name === 'li') out += `${out === '' ? '' : '\n'}${inlineText(node.children, keepSpaces)}`;
      else out += inlineText(node.children, keepSpaces);
    }
  }
  return out;
}

function isElement(node: ChildNode): node is Element {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}
