/**
 * Normalisation applied to every note before anything else, so that the same note saved by two
 * editors (CRLF vs LF, NFD vs NFC, trailing spaces, non-breaking spaces) converts identically and
 * hashes identically.
 */

/** U+00A0 no-break space, U+202F narrow no-break space (French typography), U+2007, U+2060. */
const NO_BREAK_SPACES = /[\u00a0\u202f\u2007\u2060]/g;
/** Zero-width characters word processors leave behind. */
const INVISIBLES = /[\u200b\u200c\u200d\ufeff\u00ad]/g;

/** Control characters a note has no use for: C0 but tab and line ends, DEL, C1 (NUL included). */
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** How many control characters normalisation will remove (the converter warns about them). */
export function countControlCharacters(source: string): number {
  return source.match(CONTROL_CHARACTERS)?.length ?? 0;
}

export function normalizeSource(source: string): string {
  return source
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL_CHARACTERS, '')
    .replace(INVISIBLES, '')
    // French typography puts (narrow) no-break spaces before : ; ! ? and inside « »: plain spaces
    // here; MediaWiki inserts the right no-break spaces itself when rendering French text.
    .replace(NO_BREAK_SPACES, ' ')
    .replace(/[ \t]+$/gm, '')
    .replace(/^\n+/, '')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd();
}
