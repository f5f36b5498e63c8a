import { botsAllowed, defaultStopPage, isStopRequested } from './bot-policy.js';
import type { WikiClient } from './client.js';
import { WikiEditConflictError, WikiPageExistsError } from './errors.js';
import type { WikiPage } from './pages.js';

export type PublishStatus = 'created' | 'updated' | 'unchanged' | 'conflict' | 'skipped-nobots' | 'stopped';

export interface PublishRequest {
  title: string;
  /** Full wikitext to publish. */
  text: string;
  /** Edit summary in French, e.g. « Publication du module 03 par Pollen ». */
  summary: string;
  /** Change tags wanted; only those the wiki defines are sent. Default: `['pollen']`. */
  tags?: string[];
  /** Emergency stop page. Default: `Utilisateur:<bot user>/Arrêt` (see isStopRequested for the rule). */
  stopPage?: string;
  /** Names the {{bots}} templates may use for this bot, besides the account name. Default: `['Pollen']`. */
  botAliases?: string[];
  /** Decide only: read and compare, never edit. The outcome says what would have happened. */
  dryRun?: boolean;
  /**
   * Accounts whose last revision the bot may replace as if it were its own: the installer's
   * placeholder (`MediaWiki default`) on a new wiki's main page. A person's edit still wins.
   */
  replaceableEditors?: readonly string[];
  /**
   * The revision the bot last saved on this page, when the caller keeps it: the page is then the
   * bot's only while that is still its latest revision, whoever saved a later one (a person using
   * the bot's account included). Default: unknown, the page is the bot's while its last revision is.
   */
  botRevision?: number;
}

export interface PublishOutcome {
  status: PublishStatus;
  /** The page title as the wiki normalised it. */
  title: string;
  /** The new revision (created, updated). */
  revid?: number;
  /** Why nothing was published (conflict, skipped-nobots, stopped), in French, for people. */
  reason?: string;
  /** Who made the page's last revision (conflict). */
  lastEditor?: string;
  /** The page's text before publishing, when it existed (for diffs and dry runs). */
  previousText?: string;
  /** Tags actually sent. */
  tags: string[];
  dryRun: boolean;
}

/** MediaWiki drops trailing whitespace on save; compare the way it stores. */
export function storedForm(text: string): string {
  return text.replace(/\s+$/u, '');
}

/** What publishing `text` over `current` would do, before the stop page and any save. */
export interface PublicationPlan {
  action: 'create' | 'update' | 'unchanged' | 'conflict' | 'skipped-nobots';
  /** Why nothing will be published (conflict, skipped-nobots), in French. */
  reason?: string;
  /** Who made the current revision (conflict). */
  lastEditor?: string | undefined;
}

/**
 * The rules that protect people's work, in one place (publishPage applies them right before
 * saving; bots that read many pages at once use them to skip pages with nothing to do).
 */
export function planPublication(
  current: WikiPage | undefined, text: string, botUser: string, botAliases: readonly string[] = ['Pollen'], replaceableEditors: readonly string[] = [],
  botRevision?: number,
): PublicationPlan {
  if (!current?.exists) return { action: 'create' };
  const currentText = current.content ?? '';
  if (!botsAllowed(currentText, [botUser, ...botAliases])) {
    return { action: 'skipped-nobots', reason: `La page « ${current.title} » refuse les robots ({{nobots}} ou {{bots}}).` };
  }
  if (storedForm(currentText) === storedForm(text)) return { action: 'unchanged' };
  const lastEditor = current.lastRevision?.user;
  if (botRevision !== undefined) {
    if (current.lastRevision?.revid === botRevision) return { action: 'update' };
    if (lastEditor !== botUser) return humanEdit(current.title, lastEditor);
    // Someone saved a revision with the bot's own account (a facilitator logged in as the bot).
    const summary = current.lastRevision?.comment ? `, résumé « ${current.lastRevision.comment} »` : '';
    return {
      action: 'conflict',
      lastEditor,
      reason: `La page « ${current.title} » a été modifiée depuis la dernière publication du robot (révision ${current.lastRevision?.revid ?? '?'} faite avec le compte du robot${summary}) : elle n’est pas écrasée.`,
    };
  }
  if (lastEditor !== botUser && !(lastEditor !== undefined && replaceableEditors.includes(lastEditor))) return humanEdit(current.title, lastEditor);
  return { action: 'update' };
}

function humanEdit(title: string, lastEditor: string | undefined): PublicationPlan {
  return {
    action: 'conflict',
    lastEditor,
    // True whether or not the robot ever published the page: its last revision is someone else's.
    reason: `La page « ${title} » a été modifiée en dernier par ${lastEditor ?? 'une autre personne'}, pas par le robot : elle n’est pas écrasée.`,
  };
}

/**
 * Publishes a page the way a polite bot does, never overwriting people's work:
 * 1. the emergency stop page halts everything (`stopped`, no edit);
 * 2. `{{nobots}}` / `{{bots|deny=…}}` in the current text are respected (`skipped-nobots`);
 * 3. the same text is not saved again (`unchanged`, no edit call);
 * 4. an existing page whose last revision is not the bot's (a human edited after the bot, or the
 *    page was never the bot's) is left alone (`conflict`); with `botRevision`, any revision after
 *    the bot's own is, even one saved with the bot's account;
 * 5. otherwise the page is saved against the revision just read (`baserevid`): a concurrent edit
 *    gives `conflict`; a new page is created with `createonly` (if someone creates it meanwhile,
 *    it is read again and decided anew).
 * The tag `pollen` (or `tags`) is added only when the wiki defines it.
 */
export async function publishPage(client: WikiClient, request: PublishRequest): Promise<PublishOutcome> {
  return publishOnce(client, request, true);
}

/** How often `publishPages` looks at the stop page again while it saves (edits between reads). */
export const STOP_PAGE_RECHECK_EDITS = 10;

/**
 * Publishes many pages with the same rules as `publishPage`, reading every page and the stop
 * page in one batched call first (`ceil(n/500)` reads for a bot with apihighlimits) instead of
 * one read per page. The stop page is read again every STOP_PAGE_RECHECK_EDITS saves, so an
 * emergency stop still halts a long run within a few edits. Outcomes are in request order.
 */
export async function publishPages(client: WikiClient, requests: readonly PublishRequest[]): Promise<PublishOutcome[]> {
  const botUser = await requireBot(client);
  const stopTitle = requests[0]?.stopPage ?? defaultStopPage(botUser);
  const pages = await client.getPages([stopTitle, ...requests.map((r) => r.title)], { content: true });
  let stopPage = pages.get(stopTitle);
  const outcomes: PublishOutcome[] = [];
  let editsSinceCheck = 0;
  for (const request of requests) {
    if (editsSinceCheck >= STOP_PAGE_RECHECK_EDITS) {
      stopPage = (await client.getPages([stopTitle], { content: true })).get(stopTitle);
      editsSinceCheck = 0;
    }
    const current = pages.get(request.title) ?? { title: request.title, exists: false };
    const outcome = await decideAndSave(client, request, current, stopPage, true);
    if (outcome.revid !== undefined) editsSinceCheck++;
    outcomes.push(outcome);
  }
  return outcomes;
}

/**
 * `publishPage` for a page the caller has just read (in one batched `getPages` with others):
 * the same rules, no further read. Safe with a stale read: the save is made against the read
 * revision (`baserevid`), so an edit made since then comes back as `conflict`. The caller reads
 * the stop page itself, and again every STOP_PAGE_RECHECK_EDITS saves in a long run.
 */
export function publishReadPage(
  client: WikiClient,
  request: PublishRequest,
  current: WikiPage | undefined,
  stopPage: WikiPage | undefined,
): Promise<PublishOutcome> {
  return decideAndSave(client, request, current ?? { title: request.title, exists: false }, stopPage, true);
}

function requireBot(client: WikiClient): Promise<string> {
  return client.requireUser();
}

async function publishOnce(client: WikiClient, request: PublishRequest, mayRetryCreation: boolean): Promise<PublishOutcome> {
  const botUser = await requireBot(client);
  const stopTitle = request.stopPage ?? defaultStopPage(botUser);
  const pages = await client.getPages([stopTitle, request.title], { content: true });
  const current: WikiPage = pages.get(request.title) ?? { title: request.title, exists: false };
  return decideAndSave(client, request, current, pages.get(stopTitle), mayRetryCreation);
}

/** The rules of publishPage, applied to a page (and stop page) already read. */
async function decideAndSave(
  client: WikiClient,
  request: PublishRequest,
  current: WikiPage,
  stopPage: WikiPage | undefined,
  mayRetryCreation: boolean,
): Promise<PublishOutcome> {
  const botUser = await requireBot(client);
  const dryRun = request.dryRun === true;
  const base = { title: current.title, tags: [] as string[], dryRun, previousText: current.exists ? current.content : undefined };

  if (stopPage && isStopRequested(stopPage)) {
    return { ...base, status: 'stopped', reason: `Publication arrêtée : la page d’arrêt d’urgence « ${stopPage.title} » le demande.` };
  }
  const text = storedForm(request.text);
  const plan = planPublication(current, text, botUser, request.botAliases, request.replaceableEditors, request.botRevision);
  if (plan.action === 'skipped-nobots') return { ...base, status: 'skipped-nobots', reason: plan.reason };
  if (plan.action === 'unchanged') return { ...base, status: 'unchanged' };
  if (plan.action === 'conflict') return { ...base, status: 'conflict', lastEditor: plan.lastEditor, reason: plan.reason };

  const tags = await usableTags(client, request.tags ?? ['pollen']);
  if (dryRun) return { ...base, tags, status: current.exists ? 'updated' : 'created' };
  try {
    const saved = await client.edit({
      title: current.title, text, summary: request.summary, tags,
      ...(current.exists ? { baseRevId: current.lastRevision?.revid, mustExist: true } : { createOnly: true }),
    });
    if (saved.result === 'nochange') return { ...base, tags, status: 'unchanged' };
    return { ...base, tags, status: saved.result, revid: saved.revid, title: saved.title };
  } catch (err) {
    if (err instanceof WikiEditConflictError) {
      return { ...base, tags, status: 'conflict', reason: `La page « ${current.title} » a été modifiée pendant la publication : elle n’est pas écrasée.` };
    }
    if (err instanceof WikiPageExistsError && mayRetryCreation) return publishOnce(client, request, false);
    throw err;
  }
}

/** The change tags of `wanted` this session may send: defined on the wiki, and the account may apply tags. */
export async function usableTags(client: WikiClient, wanted: readonly string[]): Promise<string[]> {
  if (wanted.length === 0 || !client.hasRight('applychangetags')) return [];
  const defined = await client.definedTags();
  return wanted.filter((tag) => defined.has(tag));
}
