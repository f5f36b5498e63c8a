import { z } from 'zod';
import { WikiError, WikiMissingPageError, WikiPageExistsError } from './errors.js';
import { parseResponse, type WikiClient } from './client.js';

export interface MoveParams {
  /** The page to rename. */
  from: string;
  /** Its new title; must not exist (MediaWiki refuses with `articleexists`, a WikiPageExistsError). */
  to: string;
  /** Why, in the wiki's language (French here), written by the caller: shown in the history and the move log. */
  reason: string;
  /** Move the talk page too. Default: true (a discussion follows its page). */
  moveTalk?: boolean;
  /** Leave no redirect at the old title (needs the `suppressredirect` right). Default: false, a redirect is left. */
  noRedirect?: boolean;
  /** Change tags; they must be defined on the wiki (see WikiClient.definedTags). */
  tags?: string[];
}

export interface MoveResult {
  from: string;
  to: string;
  /** A redirect now stands at the old title. */
  redirectCreated: boolean;
}

const moveSchema = z.object({
  move: z.object({
    from: z.string(),
    to: z.string(),
    redirectcreated: z.boolean().optional(),
  }).loose(),
});

/**
 * action=move with a CSRF token. The moved page keeps its history and gains one revision (same
 * text, made by the mover) whose parent is its last one; a redirect is left at the old title
 * unless `noRedirect`. Errors: `articleexists` (WikiPageExistsError), `missingtitle`, `selfmove`,
 * `cantmove`, protections (WikiPermissionError).
 */
export async function movePage(client: WikiClient, p: MoveParams): Promise<MoveResult> {
  if (p.from === p.to) throw new WikiError('selfmove', `"${p.from}" cannot be moved onto itself`);
  let raw: unknown;
  try {
    raw = await client.request(
      {
        action: 'move',
        from: p.from,
        to: p.to,
        reason: p.reason,
        movetalk: p.moveTalk !== false,
        noredirect: p.noRedirect === true,
        tags: p.tags && p.tags.length > 0 ? p.tags : undefined,
      },
      { method: 'POST', csrf: true },
    );
  } catch (err) {
    // The request has no `title`: name the page each error is about.
    if (err instanceof WikiPageExistsError) throw new WikiPageExistsError(p.to, err.info);
    if (err instanceof WikiMissingPageError) throw new WikiMissingPageError(p.from, err.info);
    throw err;
  }
  const move = parseResponse(moveSchema, raw, 'action=move').move;
  return { from: move.from, to: move.to, redirectCreated: move.redirectcreated === true };
}
