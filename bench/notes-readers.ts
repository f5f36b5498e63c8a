/**
 * Reading documents vs typed minutes: the same minutes (sections, paragraphs, nested lists, a
 * table) as a .txt file, a LibreOffice .odt, a Word .docx and an Etherpad export (.etherpad JSON
 * and .html), each read from its bytes to its page (readNoteBytes, then convertNote), in turns,
 * in the same run (bench/notes.ts runs it before starting its wiki). Prints one line: the mean
 * of the .odt, .docx and pad medians over the .txt median (aim <= 3).
 */
import { strToU8, zipSync } from 'fflate';
import { convertNote } from '../src/notes/convert.js';
import { readNoteBytes } from '../src/notes/readers/index.js';

const SECTIONS = 12;
const ROUNDS = 61;
const WARM_UP_ROUNDS = 5;

interface Section { heading: string; paragraph: string; items: string[]; sub: string[] }

function minutes(): { title: string; sections: Section[]; table: string[][] } {
  const sections = Array.from({ length: SECTIONS }, (_, i): Section => ({
    heading: `Point ${i + 1} de l’ordre du jour`,
    paragraph: `Le groupe a fait le point sur le chantier n°${i + 1} : ce qui avance, ce qui bloque et ce qu’il reste à décider avant la prochaine réunion du bureau.`,
    items: [`Relire la proposition ${i + 1} avant jeudi.`, `Prévenir les bénévoles du quartier ${i + 1}.`, 'Mettre à jour le calendrier partagé.'],
    sub: ['vérifier les disponibilités', 'réserver la salle'],
  }));
  const table = [['Action', 'Qui', 'Quand'], ...Array.from({ length: 6 }, (_, i) => [`Tâche ${i + 1}`, `Bénévole ${i + 1}`, `${i + 10} mars`])];
  return { title: 'Réunion du bureau de l’association', sections, table };
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const mtime = new Date('2025-01-01T00:00:00Z');
const zip = (files: Record<string, string>): Uint8Array => zipSync(Object.fromEntries(Object.entries(files).map(([n, t]) => [n, [strToU8(t), { mtime, level: n === 'mimetype' ? 0 : 6 }]])));

function asText(m: ReturnType<typeof minutes>): Uint8Array {
  const parts = [m.title, '', 'Date : 12/03/2026', ''];
  for (const s of m.sections) parts.push(s.heading, '-'.repeat(s.heading.length), '', s.paragraph, '', `- ${s.items[0]}`, ...s.sub.map((x) => `    - ${x}`), ...s.items.slice(1).map((x) => `- ${x}`), '');
  parts.push('Répartition', '-'.repeat(11), '', ...m.table.map((r) => `- ${r.join(' ; ')}`), '');
  return strToU8(parts.join('\n'));
}

function asOdt(m: ReturnType<typeof minutes>): Uint8Array {
  const p = (t: string): string => `<text:p text:style-name="Standard">${esc(t)}</text:p>`;
  const li = (t: string, sub: string[] = []): string => `<text:list-item>${p(t)}${sub.length ? `<text:list>${sub.map((x) => `<text:list-item>${p(x)}</text:list-item>`).join('')}</text:list>` : ''}</text:list-item>`;
  const body = [`<text:h text:outline-level="1">${esc(m.title)}</text:h>`, p('Date : 12/03/2026')];
  for (const s of m.sections) body.push(`<text:h text:outline-level="2">${esc(s.heading)}</text:h>`, p(s.paragraph), `<text:list>${li(s.items[0] ?? '', s.sub)}${s.items.slice(1).map((x) => li(x)).join('')}</text:list>`);
  body.push(`<table:table>${m.table.map((r) => `<table:table-row>${r.map((c) => `<table:table-cell>${p(c)}</table:table-cell>`).join('')}</table:table-row>`).join('')}</table:table>`);
  const ns = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"';
  return zip({ mimetype: 'application/vnd.oasis.opendocument.text', 'content.xml': `<?xml version="1.0" encoding="UTF-8"?><office:document-content ${ns}><office:body><office:text>${body.join('')}</office:text></office:body></office:document-content>` });
}

function asDocx(m: ReturnType<typeof minutes>): Uint8Array {
  const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
  const p = (t: string, style?: string, num?: [number, number]): string => `<w:p>${style || num ? `<w:pPr>${style ? `<w:pStyle w:val="${style}"/>` : ''}${num ? `<w:numPr><w:ilvl w:val="${num[1]}"/><w:numId w:val="${num[0]}"/></w:numPr>` : ''}</w:pPr>` : ''}<w:r><w:t xml:space="preserve">${esc(t)}</w:t></w:r></w:p>`;
  const body = [p(m.title, 'Heading1'), p('Date : 12/03/2026')];
  for (const s of m.sections) body.push(p(s.heading, 'Heading2'), p(s.paragraph), p(s.items[0] ?? '', undefined, [1, 0]), ...s.sub.map((x) => p(x, undefined, [1, 1])), ...s.items.slice(1).map((x) => p(x, undefined, [1, 0])));
  body.push(`<w:tbl>${m.table.map((r) => `<w:tr>${r.map((c) => `<w:tc>${p(c)}</w:tc>`).join('')}</w:tr>`).join('')}</w:tbl>`);
  const rels = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"';
  return zip({
    '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    '_rels/.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships ${rels}><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
    'word/_rels/document.xml.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships ${rels}><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/></Relationships>`,
    'word/numbering.xml': `<?xml version="1.0" encoding="UTF-8"?><w:numbering ${W}><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>`,
    'word/document.xml': `<?xml version="1.0" encoding="UTF-8"?><w:document ${W}><w:body>${body.join('')}</w:body></w:document>`,
  });
}

/** The Etherpad JSON export: text with line markers, list attributes in the pool. */
function asEtherpad(m: ReturnType<typeof minutes>): Uint8Array {
  const pool: Record<string, [string, string]> = { 0: ['author', 'a.bench'], 1: ['lmkr', '1'], 2: ['list', 'bullet1'], 3: ['list', 'bullet2'], 4: ['heading', 'h1'], 5: ['heading', 'h2'] };
  let text = '';
  let attribs = '';
  const line = (t: string, attr?: number): void => {
    if (attr !== undefined) { text += '*'; attribs += `*1*${attr.toString(36)}+1`; }
    if (t !== '') attribs += `*0+${t.length.toString(36)}`;
    attribs += '|1+1';
    text += `${t}\n`;
  };
  line(m.title, 4);
  line('Date : 12/03/2026');
  for (const s of m.sections) {
    line(''); line(s.heading, 5); line(s.paragraph);
    line(s.items[0] ?? '', 2); for (const x of s.sub) line(x, 3); for (const x of s.items.slice(1)) line(x, 2);
  }
  line(''); for (const r of m.table) line(r.join(' ; '), 2);
  return strToU8(JSON.stringify({ 'pad:bench': { atext: { text, attribs }, pool: { numToAttrib: pool, nextNum: 6 }, head: 0 } }));
}

function asPadHtml(m: ReturnType<typeof minutes>): Uint8Array {
  const parts = [`<!DOCTYPE HTML><html><head><title>bench</title></head><body><h1>${esc(m.title)}</h1>Date : 12/03/2026<br>`];
  for (const s of m.sections) parts.push(`<br><h2>${esc(s.heading)}</h2>${esc(s.paragraph)}<br><ul class="bullet"><li>${esc(s.items[0] ?? '')}</li><ul class="bullet">${s.sub.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>${s.items.slice(1).map((x) => `<li>${esc(x)}</li>`).join('')}</ul>`);
  parts.push(`<br><ul class="bullet">${m.table.map((r) => `<li>${esc(r.join(' ; '))}</li>`).join('')}</ul></body></html>`);
  return strToU8(parts.join(''));
}

async function readMs(bytes: Uint8Array, fileName: string): Promise<number> {
  const started = performance.now();
  const { text } = await readNoteBytes(bytes, fileName);
  convertNote(text, { fileName });
  return performance.now() - started;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** `notes odt+docx+pad read vs txt ratio R`: R is the mean of the .odt, .docx and pad medians over the .txt median. */
export async function notesReadersRatioLine(): Promise<string> {
  const m = minutes();
  const files: Array<[string, Uint8Array]> = [['cr.txt', asText(m)], ['cr.odt', asOdt(m)], ['cr.docx', asDocx(m)], ['cr.etherpad', asEtherpad(m)], ['cr.html', asPadHtml(m)]];
  const times = new Map<string, number[]>(files.map(([name]) => [name, []]));
  // Warm-up: modules loaded, code compiled.
  for (let round = 0; round < WARM_UP_ROUNDS; round++) for (const [name, bytes] of files) await readMs(bytes, name);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, bytes] of files) times.get(name)?.push(await readMs(bytes, name));
  }
  const med = (name: string): number => median(times.get(name) ?? []);
  const pad = (med('cr.etherpad') + med('cr.html')) / 2;
  const ratio = (med('cr.odt') + med('cr.docx') + pad) / 3 / med('cr.txt');
  return `notes odt+docx+pad read vs txt ratio ${ratio.toFixed(2)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await notesReadersRatioLine());
