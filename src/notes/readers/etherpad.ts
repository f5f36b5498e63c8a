/**
 * Etherpad/Framapad exports to document blocks. `.etherpad` is the pad's own JSON export: the
 * pad's text (`atext.text`) and its attributes (`atext.attribs`, a changeset over the `pool`),
 * from which a line's list (`list: bullet1`, `number2`, `indent1`) and heading (`heading: h1`,
 * from the headings plugin) are read; such a line starts with a `*` line marker, dropped here.
 * The `.html` export goes through the HTML reader.
 */
import { z } from 'zod';
import type { DocBlock, DocListItem } from './blocks.js';

type ListBlock = Extract<DocBlock, { kind: 'list' }>;

const padSchema = z.object({
  atext: z.object({ text: z.string(), attribs: z.string() }),
  pool: z.object({ numToAttrib: z.record(z.string(), z.tuple([z.string(), z.string()])) }),
});

/** The pad of an `.etherpad` export (JSON), or an Error saying what is missing. */
export function etherpadToBlocks(json: string): DocBlock[] {
  const data = JSON.parse(json) as unknown;
  if (typeof data !== 'object' || data === null) throw new Error('not an object');
  const entry = Object.entries(data).find(([key]) => /^pad:[^:]+$/.test(key));
  const pad = padSchema.parse(entry?.[1]);
  const lineAttributes = lineMarkers(pad.atext.text, pad.atext.attribs, pad.pool.numToAttrib);
  const blocks: DocBlock[] = [];
  /** Open lists, outermost first. */
  let stack: Array<{ list: ListBlock; level: number }> = [];
  let paragraph: string[] = [];
  const flush = (): void => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', text: paragraph.join('\n') });
    paragraph = [];
  };
  pad.atext.text.split('\n').forEach((rawLine, index) => {
    const attrs = lineAttributes.get(index);
    const line = (attrs ? rawLine.replace(/^\*/, '') : rawLine).replace(/[ \t]+$/, '');
    const list = attrs?.get('list');
    const heading = attrs?.get('heading');
    const listKind = list ? /^(bullet|number|indent)(\d+)$/.exec(list) : null;
    if (listKind && listKind[1] !== 'indent') {
      flush();
      const level = Number(listKind[2]);
      const ordered = listKind[1] === 'number';
      stack = stack.filter((s) => s.level < level || (s.level === level && s.list.ordered === ordered));
      let open = stack[stack.length - 1];
      if (!open || open.level < level) {
        const created: ListBlock = { kind: 'list', ordered, items: [] };
        const parentItem = open?.list.items[open.list.items.length - 1];
        if (parentItem) parentItem.lists.push(created);
        else blocks.push(created);
        open = { list: created, level };
        stack.push(open);
      }
      open.list.items.push({ text: line.trim(), lists: [] } satisfies DocListItem);
      return;
    }
    stack = [];
    if (heading && /^h[1-6]$/.test(heading)) {
      flush();
      blocks.push({ kind: 'heading', level: Number(heading[1]), text: line.trim() });
    } else if (line.trim() === '') {
      flush();
    } else {
      paragraph.push(listKind ? `    ${line.trim()}` : line);
    }
  });
  flush();
  return blocks;
}

/** Line index → attributes of the line marker starting it (`list`, `heading`, `start`…). */
function lineMarkers(text: string, attribs: string, pool: Record<string, [string, string]>): Map<number, Map<string, string>> {
  const markers = new Map<number, Map<string, string>>();
  let position = 0;
  let line = 0;
  let lineStart = 0;
  for (const op of attribs.matchAll(/((?:\*[0-9a-z]+)*)(?:\|([0-9a-z]+))?([-+=])([0-9a-z]+)/g)) {
    const length = parseInt(op[4] ?? '0', 36);
    const names = [...(op[1] ?? '').matchAll(/\*([0-9a-z]+)/g)].map((m) => pool[String(parseInt(m[1] ?? '', 36))]).filter((a): a is [string, string] => a !== undefined);
    if (position === lineStart && names.some(([name]) => name === 'lmkr') && text[position] === '*') {
      markers.set(line, new Map(names.map(([name, value]) => [name, value])));
    }
    // Move on, counting the lines this op ends.
    const slice = text.slice(position, position + length);
    for (let i = slice.indexOf('\n'); i !== -1; i = slice.indexOf('\n', i + 1)) {
      line++;
      lineStart = position + i + 1;
    }
    position += length;
  }
  return markers;
}
