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

/**
 * The wiki base URL both exports use unless told otherwise (--wiki-base-url): from WIKI_API_URL,
 * else the local wiki on POLLEN_WIKI_PORT (default 8080) as scripts/wiki/up.sh starts it.
 */
export function defaultWikiBaseUrl(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return wikiBaseUrlFromApi(env.WIKI_API_URL || `http://127.0.0.1:${env.POLLEN_WIKI_PORT || '8080'}/api.php`);
}
