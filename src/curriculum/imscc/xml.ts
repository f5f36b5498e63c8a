/** Small helpers to write XML by hand without ever emitting unescaped text. */

// Characters XML 1.0 forbids anywhere, even escaped (C0 controls other than tab, LF, CR).
const FORBIDDEN_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Escapes text for element content and attribute values (both quote styles). */
export function escapeXml(text: string): string {
  return text
    .replace(FORBIDDEN_CHARS, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const NCNAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Builds a stable XML ID (an NCName) from parts such as a prefix and a slug, e.g. `I_logiciel-libre_page`.
 * Throws on anything that would not be a valid ID, so a bad slug fails the export instead of Moodle's import.
 */
export function xmlId(...parts: Array<string | number>): string {
  const id = parts.join('_');
  if (!NCNAME.test(id)) throw new Error(`"${id}" is not a valid XML identifier`);
  return id;
}

/** `<name attr="...">escaped text</name>`, attributes in the given order. */
export function textElement(name: string, text: string, attrs: Record<string, string> = {}): string {
  return `<${name}${attributes(attrs)}>${escapeXml(text)}</${name}>`;
}

export function attributes(attrs: Record<string, string>): string {
  return Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
