/**
 * Dry run: what publishing notes would do, with the wikitext and the unified diff against the
 * current page. Reads only (one batched read); no edit, no queue change.
 */
import { defaultStopPage, isStopRequested } from '../wiki/bot-policy.js';
import type { WikiClient } from '../wiki/client.js';
import { convertNote, type CurriculumPages } from './convert.js';
import { NoteError } from './errors.js';
import { draftTitle, noteDiff, planNotePage, type NotePageAction } from './page-texts.js';
import { unknownSessionReason, type NoteInput, type NoteQueue, type SessionMinutes } from './queue.js';
import { withSessionDetails } from './session-details.js';

export interface NotePreview {
  fileName: string | null;
  /** Page the note would go to (absent when the note is invalid). */
  title?: string;
  /** `invalid`: the converter refuses the note (see reason); `stopped`: the stop page is set. */
  action: NotePageAction | 'invalid' | 'stopped';
  reason?: string;
  wikitext?: string;
  /** Unified diff against the current page; undefined for a new page or the same text. */
  diff?: string;
  /** Conflict: where the new version would go. */
  draftTitle?: string;
  /** What reading and converting the note had to say (encoding, date used...), in French. */
  warnings: string[];
}

export interface PreviewOptions {
  /** To reuse the reception time already recorded for a known note (same page). Read only. */
  queue?: NoteQueue;
  /** Emergency stop page. Default: `Utilisateur:<bot user>/Arrêt`. */
  stopPage?: string;
  /** Reception time of notes not yet in the queue. Default: now. */
  now?: Date;
  /** Curriculum modules by slug: a note's `module` links to its page. */
  modules?: CurriculumPages;
  /** The agenda: a note naming a session it does not have is shown invalid, as a real run refuses it. */
  sessions?: SessionMinutes | undefined;
}

export async function previewNotes(client: WikiClient, notes: readonly NoteInput[], opts: PreviewOptions = {}): Promise<NotePreview[]> {
  const botUser = await client.requireUser();
  // A session's minutes take its title and day, as the queue records them.
  const inputs = await Promise.all(notes.map((note) => withSessionDetails(note, opts.sessions)));
  const received = await Promise.all(inputs.map((input) => (input.key !== undefined ? opts.queue?.byKey(input.key) : undefined)));
  const converted = inputs.map((input, i) => {
    const known = received[i];
    const now = known ? new Date(known.receivedAt) : (input.receivedAt ?? opts.now ?? new Date());
    try {
      return { input, note: convertNote(input.source, { fileName: input.fileName, now, ...(opts.modules ? { modules: opts.modules } : {}) }) };
    } catch (err) {
      if (err instanceof NoteError) return { input, error: err.message };
      throw err;
    }
  });
  if (opts.sessions) {
    for (const c of converted) {
      const session = c.input.session ?? c.note?.meta.session;
      if (c.note && session !== undefined && !(await opts.sessions.exists(session))) Object.assign(c, { note: undefined, error: unknownSessionReason(session) });
    }
  }
  const stopTitle = opts.stopPage ?? defaultStopPage(botUser);
  const titles = converted.flatMap((c) => (c.note ? [c.note.title] : []));
  const pages = await client.getPages([stopTitle, ...titles], { content: true });
  const stopPage = pages.get(stopTitle);
  const stopped = stopPage !== undefined && isStopRequested(stopPage);
  return converted.map(({ input, note, error }, i): NotePreview => {
    const fileName = input.fileName ?? null;
    const warnings = [...(input.warnings ?? []), ...(note?.warnings ?? [])];
    if (!note) return { fileName, action: 'invalid', reason: error, warnings };
    const current = pages.get(note.title);
    // As a real run decides: the page is the bot's while its latest revision is the one the bot saved for this note.
    const known = received[i];
    const botRevision = known?.revid !== null && known?.revid !== undefined && known.publishedTitle === note.title ? known.revid : undefined;
    const plan = planNotePage(current, note.wikitext, botUser, botRevision);
    const diff = current?.exists ? noteDiff(note.title, current.content ?? '', note.wikitext) : undefined;
    const base = { fileName, title: note.title, wikitext: note.wikitext, warnings, ...(diff ? { diff } : {}) };
    if (stopped) return { ...base, action: 'stopped', reason: `Publication arrêtée : la page d’arrêt d’urgence « ${stopTitle} » le demande.` };
    return { ...base, action: plan.action, ...(plan.reason ? { reason: plan.reason } : {}), ...(plan.action === 'conflict' ? { draftTitle: draftTitle(note.title) } : {}) };
  });
}
