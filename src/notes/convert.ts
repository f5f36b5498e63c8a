/**
 * A facilitator's note (Markdown with optional front matter, or plain-text minutes) to the
 * wikitext of its page. Pure and deterministic: the same source and options always give the same
 * page title, wikitext and hash; no I/O, no clock unless `now` is passed.
 */
import { createHash } from 'node:crypto';
import { markdownToWikitext } from '../wikitext/markdown.js';
import { parseFrenchDate } from './dates.js';
import { NoteError } from './errors.js';
import { splitFrontMatter, type FrontMatter } from './front-matter.js';
import { extractHeaderLines, type HeaderMeta } from './header-lines.js';
import { countControlCharacters, normalizeSource } from './normalize.js';
import { removePersonalData } from './pii.js';
import { escapeMarkdown, plainTextToMarkdown } from './plain-text.js';
import { summaryTemplateCall } from './template.js';
import { categoryName, DEFAULT_NOTE_TITLE, noteTitle } from './title.js';
import { isMeaninglessFileStem, titleFromBody, titleFromLine } from './title-text.js';
import { isMarkdownReadFile } from './readers/kinds.js';

export type NoteFormat = 'markdown' | 'plain';

export interface NoteMeta {
  /** The note's own title (the page title is built from it, see `title.ts`). */
  title: string;
  /** ISO day `YYYY-MM-DD`. */
  date: string;
  place?: string;
  facilitators: string[];
  participants: string[];
  tags: string[];
  /** Slug of the related curriculum module. */
  module?: string;
  /** Agenda session the note is the minutes of. */
  session?: number;
  keepPersonalData: boolean;
  source?: string;
  /** How the body was read. */
  format: NoteFormat;
}

export interface ConvertedNote {
  /** Page title: `Comptes-rendus/<YYYY-MM-DD> <title>`. */
  title: string;
  meta: NoteMeta;
  /** Full page text, without trailing whitespace (as MediaWiki stores it). */
  wikitext: string;
  /** E-mail addresses and phone numbers replaced (0 when `keepPersonalData`). */
  personalDataRemoved: number;
  /** sha256 (hex) of the normalised source: same note, same hash, whatever the line endings. */
  sourceHash: string;
  /** What the converter changed or guessed, in French, for the person who sent the note. */
  warnings: string[];
}

export interface ConvertNoteOptions {
  /** File the note was read from: gives the format (`.md`), a date (`2025-03-12-…`) and a title. */
  fileName?: string;
  /** Titles of existing wiki pages: their first mention in the text becomes a link. */
  knownTitles?: readonly string[];
  /**
   * Date used when the note has none (front matter, "Date :" line, file name). Pass the time the
   * note was received, recorded once, to stay deterministic. Without it, such a note is refused.
   */
  now?: Date;
  /**
   * The curriculum's modules by slug: a note's `module` that names one becomes a link to its wiki
   * page in the summary template (an unknown slug stays as written).
   */
  modules?: CurriculumPages;
}

/** Curriculum modules by slug, for links from notes to the module they relate to. */
export type CurriculumPages = ReadonlyMap<string, { title: string; wikiPage: string }>;

/** Category every note page gets. */
export const NOTES_CATEGORY = 'Compte-rendu';

/**
 * @example
 * convertNote('---\ntitle: Atelier Nextcloud\ndate: 2025-03-12\ntags: [Nextcloud]\n---\nOn a installé **Nextcloud**.')
 * // { title: 'Comptes-rendus/2025-03-12 Atelier Nextcloud',
 * //   wikitext: "{{Compte-rendu\n| date = 2025-03-12\n}}\n\nOn a installé '''Nextcloud'''.\n\n[[Catégorie:Compte-rendu]]\n[[Catégorie:Nextcloud]]", ... }
 */
export function convertNote(source: string, options: ConvertNoteOptions = {}): ConvertedNote {
  const warnings: string[] = [];
  if (source.includes('\ufffd')) {
    throw new NoteError(
      'NOTE_UNREADABLE',
      `${options.fileName ? `« ${options.fileName} » : ` : ''}le texte contient des caractères illisibles (« \ufffd ») : l’outil qui l’a enregistré a perdu des lettres (souvent les accents). Rouvrez le document d’origine et enregistrez-le en UTF-8, puis renvoyez-le.`,
    );
  }
  const controls = countControlCharacters(source);
  if (controls > 0) warnings.push(`${controls > 1 ? `${controls} caractères de contrôle invisibles (NUL…) ont été retirés` : 'Un caractère de contrôle invisible (NUL…) a été retiré'} du texte.`);
  const normalized = normalizeSource(source);
  const sourceHash = createHash('sha256').update(normalized, 'utf8').digest('hex');
  const { frontMatter, body: rawBody } = splitFrontMatter(normalized);
  const fm: FrontMatter = frontMatter ?? {};
  const keepPersonalData = fm.keepPersonalData === true;

  const pii = keepPersonalData ? { text: rawBody, removed: 0 } : removePersonalData(rawBody);
  let removed = pii.removed;
  const clean = (value: string | undefined): string | undefined => {
    if (value === undefined || keepPersonalData) return value;
    const r = removePersonalData(value);
    removed += r.removed;
    return r.text;
  };

  // Front matter is metadata: the body keeps the reading it would have without it.
  const format = detectFormat(pii.text, fm.format, options.fileName);
  const header = extractHeaderLines(pii.text);
  if (header.invalidDate !== undefined && fm.date === undefined) {
    throw new NoteError(
      'NOTE_DATE_INVALID',
      `La ligne « ${header.invalidDate.line} » en haut de la note n’est pas une date lisible : écrivez par exemple « Date : 12/03/2025 » ou « Date : 12 mars 2025 », ou retirez la ligne.`,
      'date',
    );
  }
  let body = header.body;
  let bodyTitle: string | undefined;
  /** The first line, more than a title but followed by a blank line: it stays in the body. */
  let openingLine: string | undefined;
  if (format === 'plain') {
    const plain = plainTextToMarkdown(body);
    // Subjects pasted from e-mails: "TR: Re: compte rendu…".
    bodyTitle = plain.title?.replace(/^(?:(?:tr|re|fwd?|réf)\s*:\s*)+/i, '');
    openingLine = plain.openingLine;
    body = plain.markdown;
  } else {
    const h1 = /^\s*#\s+(.+?)\s*#*\s*(?:\n|$)/.exec(body);
    if (h1 && (fm.title === undefined || fm.title === h1[1]) && body.slice(h1[0].length).trim() !== '') {
      bodyTitle = h1[1]?.replace(/\\(.)/g, '$1');
      body = body.slice(h1[0].length);
    } else {
      // A first paragraph of one line: a title can be made of it (the line stays).
      openingLine = /^\s*([^\n#>|`-][^\n]*)\n[ \t]*\n\s*\S/.exec(body)?.[1];
    }
  }
  // A first line read as a title, when the front matter or an « Objet : » line names the note
  // otherwise: it is text, and stays.
  const ownTitle = fm.title ?? header.meta.title;
  if (format === 'plain' && bodyTitle !== undefined && ownTitle !== undefined && ownTitle.trim() !== bodyTitle.trim() && body.trim() !== '') {
    body = `${escapeMarkdown(bodyTitle)}\n\n${body}`;
    bodyTitle = undefined;
  }
  const bodyHasText = body.replace(/^\s*([_\-=*~#.•])(?:\s*\1){2,}\s*$/gm, '').trim() !== '';
  if (!bodyHasText && bodyTitle === undefined) {
    throw new NoteError('NOTE_EMPTY', 'La note est vide : ajoutez du texte sous l\'en-tête avant de la publier.');
  }
  // A note that is only a title line: the line is its content too.
  if (!bodyHasText && bodyTitle !== undefined) body = format === 'plain' ? escapeMarkdown(bodyTitle) : bodyTitle;

  const textTitle = (openingLine !== undefined ? titleFromLine(openingLine) : undefined) ?? titleFromBody(body);
  const meta = buildMeta(fm, header.meta, { bodyTitle, openingTitle: openingLine !== undefined ? textTitle : undefined, textTitle, fileName: options.fileName, now: options.now, format, clean, opening: header.body, warnings });
  const content = markdownToWikitext(body, { linkTitles: linkableTitles(options) });
  const template = summaryTemplateCall({
    date: meta.date,
    ...(meta.place !== undefined ? { lieu: meta.place } : {}),
    ...(meta.facilitators.length > 0 ? { animateurs: meta.facilitators } : {}),
    ...(meta.participants.length > 0 ? { participants: meta.participants } : {}),
    ...(meta.module !== undefined ? { module: meta.module } : {}),
    ...(meta.module !== undefined && options.modules?.has(meta.module) ? { moduleLink: options.modules.get(meta.module) } : {}),
    ...(meta.source !== undefined ? { source: meta.source } : {}),
  });
  const wikitext = [template, content, categoryLines(meta.tags)].filter((s) => s !== '').join('\n\n').normalize('NFC');
  return { title: noteTitle(meta.date, meta.title), meta, wikitext, personalDataRemoved: removed, sourceHash, warnings };
}

/**
 * Markdown when the note says so (`format: markdown` in its front matter), for a `.md` file name,
 * or when the body is clearly Markdown (`# Titre`, `**gras**`, `[texte](lien)`, code fences,
 * tables, quotes); plain text otherwise (`format: texte` forces it). Front matter alone decides
 * nothing: it is metadata. `-` lists and underlined headings exist in both, so they decide nothing.
 */
export function detectFormat(body: string, declared?: NoteFormat, fileName?: string): NoteFormat {
  if (declared !== undefined) return declared;
  // Documents and pad exports are read into Markdown (src/notes/readers).
  if (/\.(md|markdown)$/i.test(fileName ?? '') || isMarkdownReadFile(fileName ?? '')) return 'markdown';
  const atxHeadings = body.match(/^#{1,6}\s+\S/gm)?.length ?? 0;
  // One "# …" line alone may be plain text ("# une ligne"); a first-line "# Titre" or two headings are Markdown.
  if (/^\s*#{1,6}\s+\S/.test(body) || atxHeadings >= 2) return 'markdown';
  const signals = [
    /\*\*[^*\n]+\*\*/,
    /\[[^\]\n]+\]\([^)\s]+\)/,
    /^```/m,
    /^\s*\|?\s*:?-{3,}:?\s*\|/m,
    /^>\s/m,
    /`[^`\n]+`/,
  ];
  return signals.some((s) => s.test(body)) ? 'markdown' : 'plain';
}

/**
 * Titles the text may link to: only multi-word titles of curriculum pages (and those the caller
 * names), never a single common word nor the main page (« réunion d’accueil » is no link to
 * `Accueil`). A note's `module:` links to its module in the summary template.
 */
function linkableTitles(options: ConvertNoteOptions): string[] {
  const titles = [...(options.knownTitles ?? []), ...[...(options.modules?.values() ?? [])].map((m) => m.wikiPage)];
  return titles.filter((t) => /\S\s+\S/.test(t.replace(/_/g, ' ').trim()));
}

interface MetaContext {
  /** The text's own title: its first line when it reads as a title (then left out of the body). */
  bodyTitle: string | undefined;
  /** A title made from a first line that is more than a title (it stays in the body). */
  openingTitle: string | undefined;
  /** A title made from the text's first words, when nothing better names the note. */
  textTitle: string | undefined;
  fileName: string | undefined;
  now: Date | undefined;
  format: NoteFormat;
  clean: (value: string | undefined) => string | undefined;
  /** The body's text, where a date may be found in the opening lines. */
  opening: string;
  warnings: string[];
}

/** Non-empty lines at the top of the body where the date of undated minutes is looked for. */
const DATE_LINES = 5;
/** A date this far after the note was received is probably a typo. */
const FUTURE_WARNING_DAYS = 60;

function buildMeta(fm: FrontMatter, header: HeaderMeta, ctx: MetaContext): NoteMeta {
  // The minutes of an agenda session (`sessionDate`/`sessionTitle`, filled in at intake from the
  // agenda, see session-details.ts) take its date and title unless the note gives its own.
  const date = fm.date ?? header.date ?? dateFromFileName(ctx.fileName) ?? fm.sessionDate ?? dateFromOpening(ctx) ?? dateOfReception(ctx);
  if (date !== undefined && ctx.now && Date.parse(date) - ctx.now.getTime() > FUTURE_WARNING_DAYS * 86_400_000) {
    ctx.warnings.push(`La date de la note (${date}) est loin dans le futur : vérifiez-la.`);
  }
  if (date === undefined) {
    throw new NoteError(
      'NOTE_NO_DATE',
      'La note n\'a pas de date : ajoutez « date: AAAA-MM-JJ » dans l\'en-tête, une ligne « Date : 12/03/2025 » en haut de la note, ou la date au début du nom du fichier (2025-03-12-atelier.md).',
    );
  }
  const title = fm.title ?? header.title ?? ctx.bodyTitle ?? fm.sessionTitle ?? ctx.openingTitle ?? titleFromFileName(ctx.fileName) ?? ctx.textTitle ?? DEFAULT_NOTE_TITLE;
  const cleanList = (list: string[] | undefined): string[] => (list ?? []).map((s) => ctx.clean(s) ?? s);
  const place = ctx.clean(fm.place ?? header.place);
  const source = ctx.clean(fm.source);
  return {
    title: ctx.clean(title) ?? title,
    date,
    ...(place !== undefined ? { place } : {}),
    facilitators: cleanList(fm.facilitators ?? header.facilitators),
    participants: cleanList(fm.participants ?? header.participants),
    tags: fm.tags ?? [],
    ...(fm.module !== undefined ? { module: fm.module } : {}),
    ...(fm.session !== undefined ? { session: fm.session } : {}),
    keepPersonalData: fm.keepPersonalData === true,
    ...(source !== undefined ? { source } : {}),
    format: ctx.format,
  };
}

/** The first date written in the opening lines ("du samedi 13 janvier 2007", "le 17 juin 2011", "06/09/2006"). */
function dateFromOpening(ctx: MetaContext): string | undefined {
  const lines = ctx.opening.split('\n').filter((l) => l.trim() !== '').slice(0, DATE_LINES);
  for (const line of lines) {
    const date = parseFrenchDate(line);
    if (date !== null) {
      ctx.warnings.push(`Date prise dans le texte : ${date}, lue dans « ${line.trim().slice(0, 80)} » (la note n’a ni en-tête « date: » ni ligne « Date : »).`);
      return date;
    }
  }
  return undefined;
}

function dateOfReception(ctx: MetaContext): string | undefined {
  if (!ctx.now) return undefined;
  const date = ctx.now.toISOString().slice(0, 10);
  ctx.warnings.push(`Aucune date trouvée dans la note : elle est classée au jour de sa réception (${date}). Ajoutez « date: AAAA-MM-JJ » en en-tête pour la classer ailleurs.`);
  return date;
}

function baseName(fileName: string): string {
  return fileName.split(/[\\/]/).pop() ?? fileName;
}

function dateFromFileName(fileName: string | undefined): string | undefined {
  if (fileName === undefined) return undefined;
  return parseFrenchDate(baseName(fileName)) ?? undefined;
}

/** "2025-03-12-atelier-nextcloud.md" → "Atelier nextcloud"; nothing from a hash or "Sans titre 1". */
function titleFromFileName(fileName: string | undefined): string | undefined {
  if (fileName === undefined) return undefined;
  const stem = baseName(fileName)
    .replace(/\.[a-z0-9]+$/i, '')
    .replace(/^\d{4}-\d{2}-\d{2}/, '')
    .replace(/^\d+(?=[-_ ])/, '')
    .replace(/[-_]+/g, ' ')
    .trim();
  return stem === '' || isMeaninglessFileStem(stem) ? undefined : stem;
}

function categoryLines(tags: string[]): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const name of [NOTES_CATEGORY, ...tags.map(categoryName)]) {
    if (name === '' || seen.has(name)) continue;
    seen.add(name);
    lines.push(`[[Catégorie:${name}]]`);
  }
  return lines.join('\n');
}
