/**
 * "Date : 12 mars 2025", "Lieu : …", "Animé par : …", "Présents : …" lines at the top of a note,
 * as facilitators write them when there is no front matter. They are taken out of the body and
 * become metadata (shown in the summary template instead).
 */
import { parseFrenchDate } from './dates.js';

export interface HeaderMeta {
  title?: string;
  date?: string;
  place?: string;
  facilitators?: string[];
  participants?: string[];
}

/** Only the first lines of a note are looked at: "Date : à définir" further down is body text. */
const HEADER_ZONE_LINES = 12;

const LABELS: Array<{ field: keyof HeaderMeta; pattern: RegExp }> = [
  { field: 'title', pattern: /^(objet|sujet|titre|subject)$/i },
  { field: 'date', pattern: /^(date|le|quand)( de la réunion| de l'atelier| de la séance)?$/i },
  { field: 'place', pattern: /^(lieu|où|adresse|salle)$/i },
  {
    field: 'facilitators',
    pattern: /^(animé[·.]?e?[·.]?s? par|animation|animat(eur|rice)[·.]?(rice)?[·.]?s?|facilitation|facilitat(eur|rice)s?)$/i,
  },
  { field: 'participants', pattern: /^(présent[·.]?e?[·.]?s?|presents?|participant[·.]?e?[·.]?s?)$/i },
];

/** `Label : value`, possibly as a list item or in bold Markdown (`**Date :** 12 mars`). */
const LABEL_LINE = /^(?:[-*•]\s+)?(?:\*\*|__)?([^:*_]{1,40}?)\s*(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.+?)\s*$/;

/** « Date : » and its variants: a value that is not a date is refused, not ignored. */
const DATE_LABEL = /^date( de la réunion| de l'atelier| de la séance)?$/i;

export function extractHeaderLines(body: string): { meta: HeaderMeta; body: string; invalidDate?: { line: string } } {
  const lines = body.split('\n');
  const meta: HeaderMeta = {};
  const kept: string[] = [];
  let invalidDate: { line: string } | undefined;
  let nonEmptySeen = 0;
  for (const line of lines) {
    if (line.trim() !== '') nonEmptySeen++;
    const taken = nonEmptySeen <= HEADER_ZONE_LINES ? readLabel(line, meta) : false;
    if (!taken && nonEmptySeen <= HEADER_ZONE_LINES && invalidDate === undefined && meta.date === undefined) {
      const m = LABEL_LINE.exec(line.trim());
      if (m && DATE_LABEL.test((m[1] ?? '').trim()) && (m[2] ?? '').trim() !== '') invalidDate = { line: line.trim() };
    }
    if (!taken) kept.push(line);
  }
  return { meta, body: kept.join('\n'), ...(invalidDate && meta.date === undefined ? { invalidDate } : {}) };
}

function readLabel(line: string, meta: HeaderMeta): boolean {
  const m = LABEL_LINE.exec(line.trim());
  if (!m) return false;
  const label = (m[1] ?? '').trim();
  // Markdown read from documents escapes punctuation ("Saint\-Étienne"): metadata is plain text.
  const value = (m[2] ?? '').replace(/^(\*\*|__)|(\*\*|__)$/g, '').replace(/\\([\\`*_{}[\]<>#+\-!|~&=.()])/g, '$1').trim();
  const entry = LABELS.find((l) => l.pattern.test(label));
  if (!entry || value === '' || meta[entry.field] !== undefined) return false;
  switch (entry.field) {
    case 'date': {
      const iso = parseFrenchDate(value);
      if (iso === null) return false;
      meta.date = iso;
      return true;
    }
    case 'facilitators':
    case 'participants':
      meta[entry.field] = splitNames(value);
      return true;
    default:
      meta[entry.field] = value;
      return true;
  }
}

/** "Anna, Bruno et Chloé" → ["Anna", "Bruno", "Chloé"]. */
export function splitNames(value: string): string[] {
  return value
    .split(/\s*(?:[,;/]|\s+et\s+|\s+&\s+)\s*/)
    .map((s) => s.replace(/\.$/, '').trim())
    .filter((s) => s !== '');
}
