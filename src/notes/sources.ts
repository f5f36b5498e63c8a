/** Notes read from files: one note per `.md`, `.markdown` or `.txt` file, identified by its path. */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { decodeNoteBytes } from './decode.js';
import type { NoteInput, NoteOrigin } from './queue.js';

export const NOTE_FILE_EXTENSIONS: readonly string[] = ['.md', '.markdown', '.txt'];

export function isNoteFile(name: string): boolean {
  return !name.startsWith('.') && !name.endsWith('~') && NOTE_FILE_EXTENSIONS.includes(path.extname(name).toLowerCase());
}

/** The queue key of a note file: its absolute path, so the same file is the same note. */
export function fileNoteKey(file: string): string {
  return `file:${path.resolve(file)}`;
}

/** Note files of a directory (not recursive, hidden and backup files skipped), sorted by name. */
export async function listNoteFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isFile() && isNoteFile(e.name)).map((e) => path.join(dir, e.name)).sort();
}

/** A note file's bytes, decoded (UTF-8, else Windows-1252 with a warning; see decode.ts). */
export async function readNoteFile(file: string, origin: NoteOrigin): Promise<NoteInput> {
  const fileName = path.basename(file);
  const { text, warnings } = decodeNoteBytes(await readFile(file), fileName);
  return { source: text, fileName, key: fileNoteKey(file), origin, ...(warnings.length > 0 ? { warnings } : {}) };
}

/** Every note of the given files and directories, in order. A missing path is an error. */
export async function readNoteInputs(paths: readonly string[], origin: NoteOrigin): Promise<NoteInput[]> {
  const inputs: NoteInput[] = [];
  for (const p of paths) {
    const info = await stat(p);
    const files = info.isDirectory() ? await listNoteFiles(p) : [p];
    for (const file of files) inputs.push(await readNoteFile(file, origin));
  }
  return inputs;
}
