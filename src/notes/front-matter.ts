/**
 * Optional YAML front matter at the top of a note, between `---` lines. French and English field
 * names are accepted (`lieu` or `place`, `animateurs` or `facilitators`, ...). Unknown fields are
 * refused so that a typo ("anmateurs") is reported instead of silently ignored.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseFrenchDate } from './dates.js';
import { NoteError } from './errors.js';

/** French aliases of the front matter fields. */
const ALIASES: Record<string, string> = {
  titre: 'title',
  lieu: 'place',
  animateurs: 'facilitators',
  animatrices: 'facilitators',
  'animateur·rices': 'facilitators',
  'animé par': 'facilitators',
  présents: 'participants',
  presents: 'participants',
  étiquettes: 'tags',
  etiquettes: 'tags',
  'mots-clés': 'tags',
  garderDonneesPersonnelles: 'keepPersonalData',
  séance: 'session',
  seance: 'session',
};

const text = z.string().trim().min(1, 'un texte non vide est attendu');
/** A list written as a YAML list or as one comma-separated string. */
const nameList = z
  .union([z.array(z.union([z.string(), z.number()])), z.string()])
  .transform((v) => (Array.isArray(v) ? v.map(String) : v.split(/[,;]/)).map((s) => s.trim()).filter((s) => s !== ''));
const date = z
  .union([z.string(), z.date(), z.number()])
  .transform((v, ctx) => {
    const parsed = v instanceof Date ? v.toISOString().slice(0, 10) : parseFrenchDate(String(v));
    if (parsed === null) {
      ctx.addIssue({ code: 'custom', message: 'date attendue au format AAAA-MM-JJ (par exemple 2025-03-12)' });
      return z.NEVER;
    }
    return parsed;
  });

export const frontMatterSchema = z.strictObject({
  title: text.optional(),
  /** Day of the workshop, ISO after parsing. */
  date: date.optional(),
  place: text.optional(),
  facilitators: nameList.optional(),
  participants: nameList.optional(),
  tags: nameList.optional(),
  /** Slug of the related curriculum module, e.g. "diagnostic-numerique". */
  module: z
    .string()
    .trim()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'identifiant de module attendu, en minuscules avec des tirets (par exemple « logiciel-libre »)')
    .optional(),
  /** Number of the agenda session these are the minutes of (the agenda then links them). */
  session: z.coerce.number({ error: 'numéro de session attendu (par exemple 12)' }).int('numéro de session attendu (par exemple 12)').positive('numéro de session attendu (par exemple 12)').optional(),
  /**
   * Filled in by Pollen at intake, from the agenda, for a note naming a `session` (see
   * session-details.ts): the session's title and day, used when the note gives none of its own.
   */
  sessionTitle: text.optional(),
  sessionDate: date.optional(),
  /** Keep e-mail addresses and phone numbers (the people agreed to publish them). */
  keepPersonalData: z.boolean({ error: 'true ou false attendu' }).optional(),
  /** Where the note comes from (a pad, a file, a meeting). */
  source: text.optional(),
  /** How to read the body: `markdown`, or `texte` (plain-text minutes). Default: guessed from the body. */
  format: z
    .enum(['markdown', 'texte', 'text', 'plain'], { error: '« markdown » ou « texte » attendu' })
    .transform((v): 'markdown' | 'plain' => (v === 'markdown' ? 'markdown' : 'plain'))
    .optional(),
});

export type FrontMatter = z.infer<typeof frontMatterSchema>;

export interface SplitNote {
  /** `null` when the note has no front matter. */
  frontMatter: FrontMatter | null;
  body: string;
}

const FRONT_MATTER = /^---\n([\s\S]*?)\n(?:---|\.\.\.)(?:\n|$)/;

/** Splits and validates the front matter of a normalised note (LF line ends). */
export function splitFrontMatter(source: string): SplitNote {
  const m = FRONT_MATTER.exec(source);
  if (!m) return { frontMatter: null, body: source };
  const body = source.slice(m[0].length);
  let data: unknown;
  try {
    data = parseYaml(m[1] ?? '');
  } catch (err) {
    // The parser's own text is English: say where, in French, and what usually causes it.
    const at = (err as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    const where = at ? ` (ligne ${at.line} de l'en-tête, colonne ${at.col})` : '';
    throw new NoteError(
      'NOTE_FRONT_MATTER_INVALID',
      `L'en-tête de la note (entre les lignes « --- ») est illisible${where} : chaque ligne doit être « nom: valeur » ; mettez entre guillemets une valeur qui contient « : » ou commence par un caractère spécial.`,
    );
  }
  if (data === null || data === undefined) return { frontMatter: {}, body };
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new NoteError(
      'NOTE_FRONT_MATTER_INVALID',
      "L'en-tête de la note doit être une liste de champs « nom: valeur » (title, date, lieu, animateurs…).",
    );
  }
  const renamed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) renamed[ALIASES[key] ?? ALIASES[key.toLowerCase()] ?? key] = value;
  const parsed = frontMatterSchema.safeParse(renamed);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : (issue?.path.join('.') ?? '');
    const why =
      issue?.code === 'unrecognized_keys'
        ? `champ inconnu. Champs possibles : ${Object.keys(frontMatterSchema.shape).filter((k) => !k.startsWith('session') || k === 'session').join(', ')}`
        : frenchIssue(issue);
    throw new NoteError('NOTE_FRONT_MATTER_INVALID', `En-tête de la note, champ « ${field} » : ${why}.`, field);
  }
  return { frontMatter: parsed.data, body };
}

const EXPECTED: Record<string, string> = {
  string: 'un texte',
  boolean: 'true ou false',
  array: 'une liste',
  number: 'un nombre',
  date: 'une date',
};

/** zod's default messages are English: facilitators get French ones. */
function frenchIssue(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return 'valeur invalide';
  if (issue.code === 'invalid_type') return `${EXPECTED[issue.expected] ?? issue.expected} attendu`;
  if (issue.code === 'invalid_union') return 'un texte ou une liste de textes attendu';
  if (issue.code === 'too_small') return 'un texte non vide est attendu';
  return issue.message;
}
