/**
 * Deciding, from one batched read, what publishing a page would do. The same rules as
 * `publishPage` in src/wiki/publish.ts (which re-checks them right before any edit), so that
 * pages with nothing to do cost no further API call and a dry run costs one read in all.
 */
import { OMIT_HEADERS, createTwoFilesPatch } from 'diff';
import { botsAllowed } from '../../wiki/bot-policy.js';
import type { WikiPage } from '../../wiki/pages.js';

export type PlannedAction = 'create' | 'update' | 'unchanged' | 'conflict' | 'skipped-nobots';

export interface PagePlan {
  action: PlannedAction;
  /** Last editor of the current revision (conflict). */
  lastEditor?: string;
  /** Why nothing will be published, in French. */
  reason?: string;
}

/** MediaWiki drops trailing whitespace on save; compare the way it stores. */
export function storedForm(text: string): string {
  return text.replace(/\s+$/u, '');
}

/** Names the {{bots}} templates may use for this bot, besides the account name. */
export const BOT_ALIASES = ['Pollen'];

export function planPage(current: WikiPage | undefined, text: string, botUser: string): PagePlan {
  if (!current?.exists) return { action: 'create' };
  const currentText = current.content ?? '';
  if (!botsAllowed(currentText, [botUser, ...BOT_ALIASES])) {
    return { action: 'skipped-nobots', reason: `La page « ${current.title} » refuse les robots ({{nobots}} ou {{bots}}).` };
  }
  if (storedForm(currentText) === storedForm(text)) return { action: 'unchanged' };
  const lastEditor = current.lastRevision?.user;
  if (lastEditor !== botUser) {
    return {
      action: 'conflict',
      lastEditor,
      reason: `La page « ${current.title} » a été modifiée par ${lastEditor ?? 'une autre personne'} depuis la dernière publication du robot : elle n’est pas écrasée.`,
    };
  }
  return { action: 'update' };
}

/**
 * Unified diff of the wikitext, current page against the bot's version (`--- <title> (actuelle)`,
 * `+++ <title> (robot)`), or undefined when they are the same.
 */
export function wikitextDiff(title: string, currentText: string, botText: string): string | undefined {
  const before = `${storedForm(currentText)}\n`;
  const after = `${storedForm(botText)}\n`;
  if (before === after) return undefined;
  // The diff package quotes non-ASCII file names git-style ("R\303\251aliser"): write the
  // header ourselves so French titles stay readable.
  const hunks = createTwoFilesPatch(title, title, before, after, undefined, undefined, { context: 3, headerOptions: OMIT_HEADERS });
  return `--- ${title}\tpage actuelle\n+++ ${title}\tversion du robot\n${hunks}`;
}
