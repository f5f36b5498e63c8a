/**
 * Wiki titles made from what people typed. MediaWiki refuses a title with `# < > [ ] { } |`,
 * control characters, three tildes or more (signatures), a `%` followed by two hex digits (URL
 * escapes), `.`/`..` path segments, or more than 255 bytes; it also silently changes HTML
 * entities, direction marks and odd spaces. Every such thing is replaced here, so the title we
 * remember is the title the wiki stores (the specs check it against a real wiki).
 */
import { foldText } from './model.js';

export const PROVIDER_PREFIX = 'Annuaire/';
/** MediaWiki's limit is 255 bytes for the whole title; room is kept for a « (Ville) » suffix. */
const MAX_PART_BYTES = 180;

/** A title segment MediaWiki accepts as is, never empty. */
export function safeTitlePart(text: string, fallback = 'Structure'): string {
  let out = text
    .normalize('NFC')
    .replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffd\u200b\ufeff]/g, '')
    .replace(/[#<>[\]{}|_\u0000-\u001f\u007f-\u009f]/g, ' ')
    .replace(/~{3,}/g, '~')
    .replace(/%(?=[0-9a-fA-F]{2})/g, '% ')
    .replace(/&(?=#?[0-9a-zA-Z]+;)/g, '& ')
    // No `.`/`..` segments, no empty ones: a slash stays only between words.
    .replace(/\s*\/+\s*/g, '/')
    .split('/')
    .filter((segment) => !/^\s*\.*\s*$/.test(segment))
    .join('/')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[/:.\s]+/, '');
  while (Buffer.byteLength(out, 'utf8') > MAX_PART_BYTES) out = [...out].slice(0, -1).join('');
  out = out.replace(/[/\s]+$/, '');
  return out || fallback;
}

/**
 * The provider's page title: `Annuaire/<Nom>`, or, when another provider already has that title
 * (compared without case or accents), `Annuaire/<Nom> (<Ville or territory>)`, then numbered.
 */
export function distinctProviderTitle(name: string, qualifier: string | null, taken: ReadonlySet<string>): string {
  const base = `${PROVIDER_PREFIX}${safeTitlePart(name)}`;
  const free = (title: string) => !taken.has(foldText(title));
  if (free(base)) return base;
  const where = qualifier ? safeTitlePart(qualifier, '') : '';
  const qualified = where ? `${base} (${where})` : base;
  if (where && free(qualified)) return qualified;
  for (let n = 2; ; n++) {
    const numbered = where ? `${base} (${where}, ${n})` : `${base} (${n})`;
    if (free(numbered)) return numbered;
  }
}
