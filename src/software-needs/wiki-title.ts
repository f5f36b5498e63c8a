/**
 * The wiki title of an approved proposal, `Besoins logiciels/<Titre>`, made safe from what people
 * typed (the directory's rules: src/directory/wiki-title.ts), and distinct from every other
 * proposal's (numbered when two share a title).
 */
import { safeTitlePart } from '../directory/wiki-title.js';

export const NEED_PREFIX = 'Besoins logiciels/';
export const INDEX_PAGE = 'Besoins logiciels';

/** `Besoins logiciels/<Titre>`, then `… (2)`, `… (3)` while another proposal has it (`taken`: lower case). */
export function distinctNeedTitle(title: string, taken: ReadonlySet<string>): string {
  const base = `${NEED_PREFIX}${safeTitlePart(title, 'Proposition')}`;
  if (!taken.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) {
    const numbered = `${base} (${n})`;
    if (!taken.has(numbered.toLowerCase())) return numbered;
  }
}
