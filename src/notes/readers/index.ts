/**
 * A note file's bytes to the text the converter reads, by kind (see kinds.ts): .txt and .md
 * decoded (decode.ts), .odt and .docx read into Markdown, pad exports (.html, .etherpad) into
 * the plain text of a .txt pad export. Every other kind, and a file whose content is not what
 * its name says (a PDF named .txt, a .docx that is no Word document), is refused in French with
 * what to do, before anything is queued.
 */
import path from 'node:path';
import { decodeNoteBytes } from '../decode.js';
import { NoteError } from '../errors.js';
import { blocksToMarkdown, blocksToPlainText } from './blocks.js';
import { noteFileKind, type NoteFileKind } from './kinds.js';

export { isMarkdownReadFile, noteFileKind, NOTE_FILE_EXTENSIONS, type NoteFileKind } from './kinds.js';

export interface ReadNote {
  /** What the converter reads (Markdown for documents, plain text for pads and .txt). */
  text: string;
  /** French, for people: how the file was read when it was not plain UTF-8 text. */
  warnings: string[];
}

const ACCEPTED = 'Formats lus : texte (.txt), Markdown (.md), documents LibreOffice (.odt) et Word (.docx), exports de pad Etherpad ou Framapad (.txt, .html, .etherpad).';

/** What a file really is, from its first bytes. */
function sniff(bytes: Uint8Array): 'pdf' | 'rtf' | 'zip' | 'ole' | undefined {
  const head = Buffer.from(bytes.subarray(0, 8)).toString('latin1');
  if (head.startsWith('%PDF-')) return 'pdf';
  if (head.startsWith('{\\rtf')) return 'rtf';
  if (head.startsWith('PK\x03\x04')) return 'zip';
  if (head.startsWith('\xd0\xcf\x11\xe0')) return 'ole';
  return undefined;
}

/** Why a kind of file is not read, and what to do instead, in French. */
function unsupported(fileName: string, what: string): NoteError {
  const advice: Record<string, string> = {
    pdf: 'un PDF est fait pour l’impression, son texte ne se lit pas de façon fiable : envoyez le document d’origine (.odt, .docx) ou copiez le texte dans un fichier .txt',
    rtf: 'ouvrez-le dans LibreOffice Writer ou Word et enregistrez-le en .odt ou .docx (Fichier › Enregistrer sous)',
    doc: 'c’est l’ancien format de Word : ouvrez-le dans LibreOffice Writer ou Word et enregistrez-le en .odt ou .docx (Fichier › Enregistrer sous)',
    zip: 'c’est une archive ou un document d’un autre logiciel : envoyez un document texte (.odt, .docx) ou un fichier .txt',
  };
  const label: Record<string, string> = { pdf: 'un PDF', rtf: 'un document RTF', doc: 'un document Word ancien (.doc)', zip: 'une archive ou un document d’un autre type' };
  const named = label[what] ?? `un fichier ${what}`;
  return new NoteError('NOTE_FILE_UNSUPPORTED', `« ${fileName} » est ${named}, que Pollen ne lit pas : ${advice[what] ?? 'enregistrez le compte-rendu en .odt, .docx ou .txt'}. ${ACCEPTED}`);
}

function unreadable(fileName: string, what: string): NoteError {
  return new NoteError('NOTE_FILE_UNREADABLE', `« ${fileName} » n’a pas pu être lu comme ${what} (fichier abîmé, ou d’un autre type que son nom l’indique) : rouvrez-le dans son logiciel et enregistrez-le à nouveau, ou copiez le texte dans un fichier .txt.`);
}

/** Refuses, before reading, a file that is no note (by its name, then by its first bytes). */
export function checkNoteFile(fileName: string, bytes: Uint8Array): NoteFileKind {
  const kind = noteFileKind(fileName);
  const real = sniff(bytes);
  if (kind === undefined) {
    const ext = path.extname(fileName).toLowerCase().replace(/^\./, '');
    const what = ext === 'pdf' || ext === 'rtf' || ext === 'doc' ? ext : real === 'pdf' || real === 'rtf' ? real : real === 'ole' ? 'doc' : ext === '' ? 'sans extension' : `.${ext}`;
    throw unsupported(fileName, what);
  }
  if (kind === 'odt' || kind === 'docx') {
    if (real !== 'zip') throw real === 'pdf' || real === 'rtf' ? unsupported(fileName, real) : real === 'ole' ? unsupported(fileName, 'doc') : unreadable(fileName, kind === 'odt' ? 'un document LibreOffice (.odt)' : 'un document Word (.docx)');
  } else if (real !== undefined) {
    throw unsupported(fileName, real === 'ole' ? 'doc' : real);
  }
  return kind;
}

/** Reads a note file's bytes (see the module comment); throws a NoteError it cannot read. */
export async function readNoteBytes(bytes: Uint8Array, fileName: string): Promise<ReadNote> {
  const kind = checkNoteFile(fileName, bytes);
  if (kind === 'text' || kind === 'markdown') {
    const { text, warnings } = decodeNoteBytes(bytes, fileName);
    return { text, warnings };
  }
  try {
    if (kind === 'odt' || kind === 'docx') {
      // A document saved under the other extension is still read for what it is.
      const isWord = isZipWith(bytes, 'word/document.xml');
      // The document readers (an XML parser, an unzipper) load with the first document, not at start.
      const blocks = isWord ? (await import('./docx.js')).docxToBlocks(bytes) : (await import('./odt.js')).odtToBlocks(bytes);
      return { text: blocksToMarkdown(blocks), warnings: [] };
    }
    const { text, warnings } = decodeNoteBytes(bytes, fileName);
    const blocks = kind === 'etherpad' ? (await import('./etherpad.js')).etherpadToBlocks(text) : (await import('./html.js')).htmlToBlocks(text);
    return { text: blocksToPlainText(blocks), warnings };
  } catch (err) {
    if (err instanceof NoteError) throw err;
    throw unreadable(fileName, { odt: 'un document LibreOffice (.odt)', docx: 'un document Word (.docx)', 'pad-html': 'un export HTML de pad', etherpad: 'un export de pad (.etherpad)' }[kind]);
  }
}

/** Whether a zip holds an entry of this name (its central directory names it in clear). */
function isZipWith(bytes: Uint8Array, entry: string): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(entry, 0, 'latin1');
}
