/**
 * Where the cartridge goes and where its links point: plain values, so the gateway's start can
 * name them without loading the cartridge builder (src/curriculum/imscc/write-apart.ts).
 */

/** The local wiki started by `npm run wiki:up`. */
export const DEFAULT_WIKI_BASE_URL = 'http://127.0.0.1:8080/index.php/';

/** Where `npm run curriculum:export` and `npm start` write the package. */
export const DEFAULT_IMSCC_PATH = 'dist/pollen-parcours.imscc';

/** Wiki page URL prefix from the wiki API URL (`.../api.php` -> `.../index.php/`), else the local wiki. */
export function wikiBaseUrlFromApi(apiUrl: string | undefined): string {
  if (apiUrl && /\/api\.php$/.test(apiUrl)) return apiUrl.replace(/api\.php$/, 'index.php/');
  return DEFAULT_WIKI_BASE_URL;
}
