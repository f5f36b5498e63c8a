/**
 * Notes read from files: one note per file, identified by its path. Text and Markdown (.txt,
 * .md), documents (.odt, .docx) and pad exports (.txt, .html, .etherpad) are read (readers/);
 * a file named on the command line that is none of these is refused, in French, before any
 * note is queued. A folder's other files are left alone.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { NoteInput, NoteOrigin } from './queue.js';
import { noteFileKind, readNoteBytes } from './readers/index.js';

export { NOTE_FILE_EXTENSIONS } from './readers/kinds.js';

export function isNoteFile(name: string): boolean {
  return !name.startsWith('.') && !name.endsWith('~') && !name.startsWith('~$') && noteFileKind(name) !== undefined;
}

/** The queue key of a note file: its absolute path, so the same file is the same note. */
export function fileNoteKey(file: string): string {
  return `file:${path.resolve(file)}`;
}

/** Note files of a directory (not recursive, hidden, backup and lock files skipped), sorted by name. */
export async function listNoteFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isFile() && isNoteFile(e.name)).map((e) => path.join(dir, e.name)).sort();
}

/**
 * A note file read (decoded text, or a document or pad export read into text; see readers/).
 * Throws a NoteError (`NOTE_FILE_UNSUPPORTED`, `NOTE_FILE_UNREADABLE`) with a French message.
 */
export async function readNoteFile(file: string, origin: NoteOrigin): Promise<NoteInput> {
  const fileName = path.basename(file);
  const { text, warnings } = await readNoteBytes(await readFile(file), fileName);
  return { source: text, fileName, key: fileNoteKey(file), origin, ...(warnings.length > 0 ? { warnings } : {}) };
}

/**
 * Every note of the given files and directories, in order, all read before any is queued: a
 * missing path, or a file that is no note, stops the whole command.
 */
export async function readNoteInputs(paths: readonly string[], origin: NoteOrigin): Promise<NoteInput[]> {
  const inputs: NoteInput[] = [];
  for (const p of paths) {
    const info = await stat(p);
    const files = info.isDirectory() ? await listNoteFiles(p) : [p];
    for (const file of files) inputs.push(await readNoteFile(file, origin));
  }
  return inputs;
}
