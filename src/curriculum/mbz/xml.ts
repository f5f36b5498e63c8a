/** XML the way Moodle's backup writes it: `$@NULL@$` for NULL, one element per field. */
import { escapeXml, XML_DECLARATION } from '../imscc/xml.js';

/** Moodle's marker for a NULL column in backup files. */
export const NULL = Symbol('NULL');
export type FieldValue = string | number | typeof NULL;

/** `<name>value</name>` lines for a record's fields, in order. */
export function fields(record: Record<string, FieldValue>, indent = '  '): string {
  return Object.entries(record)
    .map(([name, value]) => `${indent}<${name}>${value === NULL ? '$@NULL@$' : escapeXml(String(value))}</${name}>`)
    .join('\n');
}

/** A whole file: the declaration, then the body. */
export function xmlFile(body: string): string {
  return `${XML_DECLARATION}\n${body}\n`;
}

/** `<name>\n</name>`: the empty lists backup files carry. */
export function emptyElement(name: string, indent = ''): string {
  return `${indent}<${name}>\n${indent}</${name}>`;
}
