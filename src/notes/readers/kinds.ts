/**
 * Which files are notes, by name: plain text and Markdown as typed, word-processor documents
 * (.odt, .docx) and pad exports (Etherpad/Framapad: .txt, .html, .etherpad). Documents are read
 * into Markdown (the converter then reads them as Markdown), pad exports into plain text (read as
 * a .txt note); anything else is refused, in French, before it is queued. Light on purpose: the
 * converter imports it.
 */
import path from 'node:path';

export type NoteFileKind = 'text' | 'markdown' | 'odt' | 'docx' | 'pad-html' | 'etherpad';

const KINDS: Record<string, NoteFileKind> = {
  '.txt': 'text', '.text': 'text', '.md': 'markdown', '.markdown': 'markdown',
  '.odt': 'odt', '.docx': 'docx', '.html': 'pad-html', '.htm': 'pad-html', '.etherpad': 'etherpad',
};

/** Extensions of the note files read, in the order people are told about them. */
export const NOTE_FILE_EXTENSIONS: readonly string[] = Object.keys(KINDS);

/** The kind of a note file from its name, or undefined when it is not one. */
export function noteFileKind(fileName: string): NoteFileKind | undefined {
  return KINDS[path.extname(fileName).toLowerCase()];
}

/** A file whose text the readers turned into Markdown (.odt and .docx documents). */
export function isMarkdownReadFile(fileName: string): boolean {
  const kind = noteFileKind(fileName);
  return kind === 'odt' || kind === 'docx';
}
