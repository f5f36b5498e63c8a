/** A deterministic .tar.gz (ustar), the container of a Moodle backup (.mbz). */
import { gzipSync } from 'node:zlib';
import type { PackageFile } from '../imscc/zip.js';

/** 2020-01-01T00:00:00Z: fixed, so equal input gives equal bytes. */
const FIXED_MTIME = 1577836800;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: string, size: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`path too long for a tar header: ${name}`);
  const block = Buffer.alloc(512);
  block.write(name, 0, 'utf8');
  block.write(octal(0o644, 8), 100);
  block.write(octal(0, 8), 108);
  block.write(octal(0, 8), 116);
  block.write(octal(size, 12), 124);
  block.write(octal(FIXED_MTIME, 12), 136);
  block.write('        ', 148); // checksum placeholder: spaces
  block.write('0', 156); // regular file
  block.write('ustar\0', 257);
  block.write('00', 263);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(octal(sum, 7) + ' ', 148);
  return block;
}

/** The files, in the given order, as a gzipped ustar archive. */
export function tarGzip(files: readonly PackageFile[]): Uint8Array {
  const parts: Buffer[] = [];
  for (const file of files) {
    const content = Buffer.from(file.content, 'utf8');
    parts.push(header(file.path, content.length), content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts), { level: 9 });
}
