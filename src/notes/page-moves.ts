/**
 * A published note whose title or date changed: its page goes to the new title. The old page is
 * moved there (action=move: the history follows, a redirect stays at the old title) when its
 * latest revision is still the one the bot saved for this note. Otherwise it is left as people
 * made it, under a French notice pointing to the new page, which is created. Either way the
 * old title stays this note's (the queue keeps it in `former_titles`).
 *
 * Crash safety: the move is recorded in the queue (the revision it made becomes the bot's last
 * for this note) before the new text is saved; a run stopped between the move and that record
 * finds the old title redirecting to the new one, with the move's revision on top, and goes on.
 */
import { botsAllowed, isStopRequested } from '../wiki/bot-policy.js';
import type { WikiClient } from '../wiki/client.js';
import { WikiEditConflictError, WikiPageExistsError } from '../wiki/errors.js';
import type { WikiPage } from '../wiki/pages.js';
import { usableTags } from '../wiki/publish.js';
import { BOT_ALIASES, moveSummary, renameNoticeLine, renameNoticeSummary, renameNoticeText } from './page-texts.js';

export interface NoteOutcome {
  state: 'published' | 'conflict' | 'stopped';
  title: string;
  revid?: number;
  reason?: string;
  linkTitle?: string;
  edits: number;
  /** The page the note left for `title` (its title or date changed): moved, or left with a notice. */
  formerTitle?: string;
}

export interface RenameRequest {
  /** The page holding the bot's last revision for this note. */
  from: string;
  /** The note's page now. */
  to: string;
  /** The bot's last revision for this note (on `from`). */
  fromRevision: number;
  /** `from` and `to` as the run read them (redirects followed). */
  old: WikiPage | undefined;
  current: WikiPage | undefined;
  botUser: string;
  /** The stop page as last read. */
  stopPage: WikiPage | undefined;
  /** Change tags wanted (sent when the wiki defines them). Default: `['pollen']`. */
  tags?: string[] | undefined;
  /** Records the move in the queue: `revid`, the revision it made on `to`, is the bot's last for this note. */
  recordMove(revid: number): Promise<unknown>;
  /** Publishes the note on `to` as read; the page is the bot's while its latest revision is `botRevision` (unknown: the user rule). */
  publishAt(current: WikiPage | undefined, botRevision: number | undefined): Promise<NoteOutcome>;
  afterSave?: ((title: string) => void) | undefined;
}

/** The revision a move by the bot made: the bot's, on top of the revision the bot had saved. */
function isBotMoveRevision(page: WikiPage | undefined, fromRevision: number, botUser: string): page is WikiPage & { lastRevision: { revid: number } } {
  return page?.exists === true && page.lastRevision?.user === botUser && page.lastRevision.parentId === fromRevision;
}

export async function publishRenamed(client: WikiClient, req: RenameRequest): Promise<NoteOutcome> {
  const { from, to, old, botUser } = req;
  const withFormer = (outcome: NoteOutcome, moveEdits = 0): NoteOutcome => ({ ...outcome, edits: outcome.edits + moveEdits, formerTitle: from });

  // Moved already by a run that stopped before recording it: `from` now redirects to `to`.
  if (old?.exists && old.title === to) {
    const current = req.current?.exists ? req.current : old;
    if (!isBotMoveRevision(current, req.fromRevision, botUser)) return withFormer(await req.publishAt(current, req.fromRevision));
    await req.recordMove(current.lastRevision.revid);
    return withFormer(await req.publishAt(current, current.lastRevision.revid));
  }

  const untouched = old?.exists === true && old.title === from && old.lastRevision?.revid === req.fromRevision
    && botsAllowed(old.content ?? '', [botUser, ...BOT_ALIASES]);
  // `to` is free, or is the redirect a former move left pointing back to `from` (MediaWiki moves over it).
  const targetFree = !req.current?.exists || req.current.title === from;
  if (untouched && targetFree) {
    if (req.stopPage && isStopRequested(req.stopPage)) {
      return { state: 'stopped', title: to, edits: 0, reason: `Publication arrêtée : la page d’arrêt d’urgence « ${req.stopPage.title} » le demande. Les notes restent en attente.` };
    }
    if (await moveUnlessTaken(client, req)) {
      const moved = (await client.getPages([to], { content: true })).get(to);
      // Someone may have edited the moved page already: then it is theirs.
      if (!isBotMoveRevision(moved, req.fromRevision, botUser)) return withFormer(await req.publishAt(moved, req.fromRevision), 1);
      await req.recordMove(moved.lastRevision.revid);
      return withFormer(await req.publishAt(moved, moved.lastRevision.revid), 1);
    }
  }

  const outcome = await req.publishAt(req.current, undefined);
  if (outcome.state === 'stopped') return outcome;
  const noticed = old?.exists && old.title === from ? await leaveNotice(client, old, req, untouched ? 'taken' : 'edited') : 0;
  return withFormer(outcome, noticed);
}

/** Moves `from` to `to`, leaving a redirect; false when `to` was created meanwhile (the old page then gets a notice). */
async function moveUnlessTaken(client: WikiClient, req: RenameRequest): Promise<boolean> {
  try {
    await client.move({ from: req.from, to: req.to, reason: moveSummary(req.from, req.to), tags: await usableTags(client, req.tags ?? ['pollen']) });
  } catch (err) {
    if (err instanceof WikiPageExistsError) return false;
    throw err;
  }
  req.afterSave?.(req.to);
  return true;
}

/** Puts the notice on top of the old page (once), against the revision read; re-read once if it changed meanwhile. */
async function leaveNotice(client: WikiClient, old: WikiPage, req: RenameRequest, why: 'edited' | 'taken'): Promise<number> {
  let page: WikiPage | undefined = old;
  for (let attempt = 0; attempt < 2 && page?.exists && page.title === req.from; attempt++) {
    const text = page.content ?? '';
    if (!botsAllowed(text, [req.botUser, ...BOT_ALIASES]) || text.includes(renameNoticeLine(req.to))) return 0;
    try {
      await client.edit({
        title: page.title, text: renameNoticeText(req.to, text, why), summary: renameNoticeSummary(req.to),
        baseRevId: page.lastRevision?.revid, mustExist: true, tags: await usableTags(client, req.tags ?? ['pollen']),
      });
      req.afterSave?.(page.title);
      return 1;
    } catch (err) {
      if (!(err instanceof WikiEditConflictError)) throw err;
      page = (await client.getPages([req.from], { content: true })).get(req.from);
    }
  }
  return 0;
}
