/**
 * The minutes of an agenda session take the session's title and day when the note gives none
 * of its own. At intake (the queue, the dry run), the note's source gets the session's title and
 * day in its front matter as `sessionTitle` and `sessionDate`, which the converter uses after the
 * note's own title and date (see convert.ts). The page is then decided once, from the stored
 * text, the same way by the queue, the publisher and the preview.
 */
import { splitFrontMatter } from './front-matter.js';
import { normalizeSource } from './normalize.js';
import type { NoteInput, SessionMinutes } from './queue.js';

/** What the notes need of a session: its title and its day (ISO, in the session's zone). */
export interface SessionDetails {
  title: string;
  date: string;
}

const FIELDS = /^(?:sessionTitle|sessionDate)\s*:.*(?:\n|$)/gm;

/** The note with its session's details in its front matter, or as it is (no session, no agenda). */
export async function withSessionDetails(input: NoteInput, sessions: SessionMinutes | undefined): Promise<NoteInput> {
  if (!sessions?.details) return input;
  const session = input.session ?? sessionOf(input.source);
  if (session === undefined) return input;
  const details = await sessions.details(session);
  if (!details) return input;
  return { ...input, source: addFields(input.source, details) };
}

function sessionOf(source: string): number | undefined {
  try {
    return splitFrontMatter(normalizeSource(source)).frontMatter?.session;
  } catch {
    return undefined; // invalid front matter: the converter refuses the note with its reason
  }
}

function addFields(source: string, details: SessionDetails): string {
  const lines = `sessionTitle: ${JSON.stringify(details.title)}\nsessionDate: ${details.date}\n`;
  const open = /^\ufeff?---[ \t]*\r?\n/.exec(source);
  if (!open) return `---\n${lines}---\n${source}`;
  // Already there (a note read twice): replaced, never doubled.
  const end = source.indexOf('\n---', open[0].length - 1);
  const head = source.slice(open[0].length, end === -1 ? undefined : end + 1).replace(FIELDS, '');
  return `${open[0]}${lines}${head}${end === -1 ? '' : source.slice(end + 1)}`;
}
