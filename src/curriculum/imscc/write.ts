import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CurriculumModule } from '../schema.js';
import { buildCartridge, type Cartridge, type ExportImsccOptions } from './export.js';
import { zipDeterministic } from './zip.js';

export { DEFAULT_IMSCC_PATH, wikiBaseUrlFromApi } from './paths.js';

/** Builds the cartridge and writes it as a zip at `out`; returns what was written. */
export async function writeCartridge(
  modules: readonly CurriculumModule[],
  out: string,
  opts: ExportImsccOptions = {},
): Promise<{ bytes: number; cartridge: Cartridge }> {
  const cartridge = buildCartridge(modules, opts);
  const zip = zipDeterministic(cartridge.files);
  await mkdir(path.dirname(path.resolve(out)), { recursive: true });
  await writeFile(out, zip);
  return { bytes: zip.byteLength, cartridge };
}
