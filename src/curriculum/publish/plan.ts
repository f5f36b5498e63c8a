/**
 * Deciding, from one batched read, what publishing a page would do: the rules of
 * `planPublication` in src/wiki/publish.ts (which publishPage re-checks right before any edit),
 * so that pages with nothing to do cost no further API call and a dry run costs one read in all.
 */
import { OMIT_HEADERS, createTwoFilesPatch } from 'diff';
import { planPublication, storedForm, type PublicationPlan } from '../../wiki/publish.js';
import type { WikiPage } from '../../wiki/pages.js';

export type PlannedAction = PublicationPlan['action'];
export type PagePlan = PublicationPlan;

export { storedForm };

/** Names the {{bots}} templates may use for this bot, besides the account name. */
export const BOT_ALIASES = ['Pollen'];

export function planPage(current: WikiPage | undefined, text: string, botUser: string): PagePlan {
  return planPublication(current, text, botUser, BOT_ALIASES);
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
