import { strToU8, zipSync, type Zippable } from 'fflate';

/** One file of the package, path relative to the package root with forward slashes. */
export interface PackageFile {
  path: string;
  content: string;
}

/**
 * Fixed modification time for every entry. Built from local date parts because the zip (DOS) format
 * stores local time: this way the stored bytes are the same whatever the machine's time zone.
 */
const FIXED_MTIME = new Date(2020, 0, 1, 0, 0, 0);

/** Zips the files in the given order with fixed timestamps, so equal input gives byte-identical output. */
export function zipDeterministic(files: readonly PackageFile[]): Uint8Array {
  const entries: Zippable = {};
  for (const file of files) {
    if (file.path in entries) throw new Error(`duplicate file in package: ${file.path}`);
    entries[file.path] = [strToU8(file.content), { mtime: FIXED_MTIME, level: 9 }];
  }
  return zipSync(entries, { mtime: FIXED_MTIME });
}
