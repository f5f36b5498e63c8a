import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CurriculumModule } from '../schema.js';
import { buildCartridge, DEFAULT_WIKI_BASE_URL, type Cartridge, type ExportImsccOptions } from './export.js';
import { zipDeterministic } from './zip.js';

/** Where `npm run curriculum:export` and `npm start` write the package. */
export const DEFAULT_IMSCC_PATH = 'dist/pollen-parcours.imscc';

/** Wiki page URL prefix from the wiki API URL (`.../api.php` -> `.../index.php/`), else the local wiki. */
export function wikiBaseUrlFromApi(apiUrl: string | undefined): string {
  if (apiUrl && /\/api\.php$/.test(apiUrl)) return apiUrl.replace(/api\.php$/, 'index.php/');
  return DEFAULT_WIKI_BASE_URL;
}

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
