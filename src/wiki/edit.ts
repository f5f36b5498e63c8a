import { z } from 'zod';
import { WikiError } from './errors.js';
import { parseResponse, type WikiClient } from './client.js';

export interface EditParams {
  title: string;
  /** Full new wikitext. */
  text: string;
  /** Edit summary, in the wiki's language (French here), written by the caller. */
  summary: string;
  /** Revision the new text was based on: a newer revision by someone else → WikiEditConflictError. */
  baseRevId?: number;
  /** Only create: an existing page → WikiPageExistsError. */
  createOnly?: boolean;
  /** Only update: a missing page → WikiMissingPageError. */
  mustExist?: boolean;
  /** Change tags; they must be defined on the wiki (see WikiClient.definedTags). */
  tags?: string[];
  minor?: boolean;
  /** Flag as a bot edit. Default: true when the account has the bot right. */
  bot?: boolean;
}

export interface EditResult {
  result: 'created' | 'updated' | 'nochange';
  /** The new revision (absent for `nochange`). */
  revid?: number;
  title: string;
}

const editSchema = z.object({
  edit: z.object({
    result: z.string(),
    title: z.string().optional(),
    new: z.boolean().optional(),
    nochange: z.boolean().optional(),
    newrevid: z.number().optional(),
    info: z.string().optional(),
  }).loose(),
});

/** action=edit with a CSRF token; never sends a `false` flag (MediaWiki reads any present flag as true). */
export async function editPage(client: WikiClient, p: EditParams): Promise<EditResult> {
  const raw = await client.request(
    {
      action: 'edit',
      title: p.title,
      text: p.text,
      summary: p.summary,
      baserevid: p.baseRevId,
      createonly: p.createOnly === true,
      nocreate: p.mustExist === true,
      tags: p.tags && p.tags.length > 0 ? p.tags : undefined,
      minor: p.minor === true,
      notminor: p.minor === false,
      bot: p.bot ?? client.isBot,
      contentmodel: 'wikitext',
    },
    { method: 'POST', csrf: true },
  );
  const edit = parseResponse(editSchema, raw, 'action=edit').edit;
  if (edit.result !== 'Success') {
    // Captcha, spam filter, abuse filter...: the wiki refused the content.
    throw new WikiError('editfailure', edit.info ?? `the wiki refused the edit of "${p.title}" (${edit.result})`);
  }
  const title = edit.title ?? p.title;
  if (edit.nochange) return { result: 'nochange', title };
  return { result: edit.new ? 'created' : 'updated', revid: edit.newrevid, title };
}
