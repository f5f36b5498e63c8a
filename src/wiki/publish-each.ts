/**
 * Publishing many pages where each stands on its own: a page the wiki refuses (an invalid
 * title, a protected page, a spam filter) is reported and the others still go out. Only what
 * would fail every page alike (the wiki unreachable, the bot's session or rights lost) stops
 * the run. Same rules as publishPages otherwise: one batched read, the stop page re-read every
 * STOP_PAGE_RECHECK_EDITS saves.
 */
import { defaultStopPage } from './bot-policy.js';
import type { WikiClient } from './client.js';
import { WikiError, WikiLoginError, WikiUnavailableError } from './errors.js';
import { publishReadPage, STOP_PAGE_RECHECK_EDITS, type PublishOutcome, type PublishRequest } from './publish.js';

/** A page the wiki refused; `reason` is French, for people. */
export interface PublishFailure {
  status: 'failed';
  title: string;
  code: string;
  reason: string;
}

/** Codes that say the whole run, not one page, is refused. */
const RUN_CODES = new Set(['assertbotfailed', 'assertuserfailed', 'assertnameduserfailed', 'blocked', 'autoblocked', 'writeapidenied', 'readapidenied', 'badtoken', 'notloggedin']);

function pageRefusal(err: unknown): err is WikiError {
  return err instanceof WikiError && !(err instanceof WikiUnavailableError) && !(err instanceof WikiLoginError) && !RUN_CODES.has(err.code);
}

/** The wiki's refusal of one page, in French. */
export function refusalReason(title: string, err: WikiError): string {
  if (err.code === 'invalidtitle') return `Le wiki refuse le titre « ${title} » (invalidtitle) : la page n’a pas été publiée.`;
  if (err.code === 'protectedpage' || err.code === 'cascadeprotected' || err.code === 'protectedtitle') return `La page « ${title} » est protégée sur le wiki (${err.code}) : elle n’a pas été publiée.`;
  return `Le wiki a refusé la page « ${title} » (${err.code} : ${err.info}) : elle n’a pas été publiée.`;
}

/** Outcomes in request order: a PublishOutcome, or a PublishFailure for a page the wiki refused. */
export async function publishPagesEach(client: WikiClient, requests: readonly PublishRequest[]): Promise<Array<PublishOutcome | PublishFailure>> {
  const botUser = await client.requireUser();
  const stopTitle = requests[0]?.stopPage ?? defaultStopPage(botUser);
  const pages = await client.getPages([stopTitle, ...requests.map((r) => r.title)], { content: true });
  let stopPage = pages.get(stopTitle);
  const outcomes: Array<PublishOutcome | PublishFailure> = [];
  let editsSinceCheck = 0;
  for (const request of requests) {
    if (editsSinceCheck >= STOP_PAGE_RECHECK_EDITS) {
      stopPage = (await client.getPages([stopTitle], { content: true })).get(stopTitle);
      editsSinceCheck = 0;
    }
    try {
      const outcome = await publishReadPage(client, request, pages.get(request.title), stopPage);
      if (outcome.revid !== undefined) editsSinceCheck++;
      outcomes.push(outcome);
    } catch (err) {
      if (!pageRefusal(err)) throw err;
      outcomes.push({ status: 'failed', title: request.title, code: err.code, reason: refusalReason(request.title, err) });
    }
  }
  return outcomes;
}
