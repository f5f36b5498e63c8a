/**
 * Publishing the parcours to a wiki: one batched read of every page, then an edit only where the
 * bot's version differs and the page is still the bot's. Every edit goes through `publishPage`
 * (stop page, {{nobots}}, human-edit protection, baserevid, tags).
 */
import { defaultStopPage, isStopRequested } from '../../wiki/bot-policy.js';
import type { WikiClient } from '../../wiki/client.js';
import { WikiError, WikiPermissionError, WikiUnavailableError } from '../../wiki/errors.js';
import type { WikiPage } from '../../wiki/pages.js';
import { publishPage, type PublishOutcome, type PublishStatus } from '../../wiki/publish.js';
import type { CurriculumModule } from '../schema.js';
import { draftTitle } from './names.js';
import { renderCurriculumPages, type CurriculumPage, type CurriculumPageKind } from './pages.js';
import { planPage, wikitextDiff, type PagePlan } from './plan.js';
import { draftText, editSummary, draftSummary } from './summaries.js';

/** What happened to one page. `error`: the wiki refused or failed (see `reason`). */
export type PageStatus = PublishStatus | 'error';

export interface DraftReport {
  title: string;
  status: PageStatus;
  revid?: number;
}

export interface PageReport {
  title: string;
  kind: CurriculumPageKind;
  /** Module pages: slug and position in the parcours. */
  slug?: string;
  order?: number;
  status: PageStatus;
  revid?: number;
  /** Why nothing was published (conflict, skipped-nobots, stopped, error), in French. */
  reason?: string;
  /** Author of the page's last revision (conflict). */
  lastEditor?: string;
  /** With `draftOnConflict`, for a conflict: the subpage holding the bot's version. */
  draft?: DraftReport;
  /** Dry run: unified wikitext diff against the current page (`newPage`: the full new text instead). */
  diff?: string;
  newPage?: boolean;
}

export interface PublishReport {
  dryRun: boolean;
  pages: PageReport[];
  /** Pages per status (drafts not included). */
  counts: Record<PageStatus, number>;
  /** Saves made during the run, drafts included (always 0 in a dry run). */
  edits: number;
  /** The emergency stop page halted the run. */
  stopped: boolean;
  /** HTTP requests sent to api.php during the run. */
  apiCalls: number;
}

export interface PublishCurriculumOptions {
  /** Read and compare only: no edit at all; each page report carries its diff. Default: false. */
  dryRun?: boolean;
  /** Appended to every French edit summary, e.g. « correction du quiz ». Default: none. */
  summary?: string;
  /** On a conflict, write the bot's version to `<page>/Brouillon du robot`. Default: false. */
  draftOnConflict?: boolean;
  /** Emergency stop page. Default: `Utilisateur:<bot user>/Arrêt`. */
  stopPage?: string;
  /** Progress lines for people (one per page). Default: silent. */
  log?: (line: string) => void;
}

const STATUSES: readonly PageStatus[] = ['created', 'updated', 'unchanged', 'conflict', 'skipped-nobots', 'stopped', 'error'];

function emptyCounts(): Record<PageStatus, number> {
  return Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<PageStatus, number>;
}

function describeError(err: unknown): string {
  if (err instanceof WikiError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

/** Errors after which trying the next pages is pointless: the wiki is down or the session is refused. */
function isRunFatal(err: unknown): boolean {
  return err instanceof WikiUnavailableError || err instanceof WikiPermissionError;
}

/**
 * Publishes the navigation template, the index and one page per module.
 * Reads every page (and the stop page, and drafts with `draftOnConflict`) in ONE batched call
 * first; pages that are unchanged, refuse bots or were edited by someone else cost nothing more.
 * Conflicts are reported, never overwritten. Needs a client logged in as the bot.
 */
export async function publishCurriculum(
  client: WikiClient,
  modules: readonly CurriculumModule[],
  opts: PublishCurriculumOptions = {},
): Promise<PublishReport> {
  // A lazy client signs in here, before anything is read or written.
  const botUser = await client.requireUser();
  const callsBefore = client.stats.apiCalls;
  const dryRun = opts.dryRun === true;
  const log = opts.log ?? (() => {});
  const pages = renderCurriculumPages(modules);
  const stopTitle = opts.stopPage ?? defaultStopPage(botUser);
  const drafts = opts.draftOnConflict ? pages.map((p) => draftTitle(p.title)) : [];
  const snapshot = await client.getPages([stopTitle, ...pages.map((p) => p.title), ...drafts], { content: true });

  const reports: PageReport[] = [];
  const finish = (stopped: boolean): PublishReport => {
    const counts = emptyCounts();
    let edits = 0;
    for (const r of reports) {
      counts[r.status] += 1;
      if (r.status === 'created' || r.status === 'updated') edits += 1;
      if (r.draft?.status === 'created' || r.draft?.status === 'updated') edits += 1;
    }
    return { dryRun, pages: reports, counts, edits: dryRun ? 0 : edits, stopped, apiCalls: client.stats.apiCalls - callsBefore };
  };
  const base = (page: CurriculumPage): Pick<PageReport, 'title' | 'kind' | 'slug' | 'order'> => ({
    title: page.title, kind: page.kind, slug: page.module?.slug, order: page.module?.order,
  });
  const record = (report: PageReport): void => {
    reports.push(report);
    log(`${report.status.padEnd(14)} ${report.title}${report.draft ? ` (brouillon : ${report.draft.status})` : ''}${report.reason && report.status !== 'conflict' ? ` : ${report.reason}` : ''}`);
  };
  const haltAll = (from: number, status: PageStatus, reason: string): void => {
    for (const page of pages.slice(from)) record({ ...base(page), status, reason });
  };

  const stopPage = snapshot.get(stopTitle);
  if (stopPage && isStopRequested(stopPage)) {
    haltAll(0, 'stopped', `Publication arrêtée : la page d’arrêt d’urgence « ${stopPage.title} » le demande.`);
    return finish(true);
  }

  for (const [index, page] of pages.entries()) {
    const current = snapshot.get(page.title);
    const plan = planPage(current, page.text, botUser);
    if (dryRun) {
      record(dryRunReport(page, current, plan, base(page), opts.draftOnConflict ? snapshot.get(draftTitle(page.title)) : undefined, botUser));
      continue;
    }
    let report: PageReport;
    try {
      report = await applyPlan(client, page, current, plan, base(page), stopTitle, opts.summary);
      if (report.status === 'conflict' && opts.draftOnConflict) {
        report.draft = await publishDraft(client, page, snapshot.get(draftTitle(page.title)), botUser, stopTitle, opts.summary);
      }
    } catch (err) {
      record({ ...base(page), status: 'error', reason: describeError(err) });
      if (isRunFatal(err)) {
        haltAll(index + 1, 'error', 'Page non tentée : la publication a été interrompue par l’erreur précédente.');
        return finish(false);
      }
      continue;
    }
    record(report);
    if (report.status === 'stopped' || report.draft?.status === 'stopped') {
      haltAll(index + 1, 'stopped', report.reason ?? 'Publication arrêtée par la page d’arrêt d’urgence.');
      await refreshLinks(client, reports, log);
      return finish(true);
    }
  }
  if (!dryRun) await refreshLinks(client, reports, log);
  return finish(false);
}

/**
 * Pages link to pages created later in the same run (the index to every module, each module to
 * the next): their cached rendering shows those links red until MediaWiki's job queue catches up.
 * One purge call for the whole parcours makes them right at once. Not an edit: no revision.
 */
async function refreshLinks(client: WikiClient, reports: readonly PageReport[], log: (line: string) => void): Promise<void> {
  if (!reports.some((r) => r.status === 'created')) return;
  const titles = reports.filter((r) => r.status !== 'stopped' && r.status !== 'error').map((r) => r.title);
  try {
    for (let start = 0; start < titles.length; start += client.batchSize) {
      await client.request({ action: 'purge', titles: titles.slice(start, start + client.batchSize), forcelinkupdate: true });
    }
  } catch (err) {
    // Cosmetic only: the wiki's job queue refreshes the links later anyway.
    log(`purge failed (links may show red for a while): ${describeError(err)}`);
  }
}

function fromOutcome(outcome: PublishOutcome): Pick<PageReport, 'status' | 'revid' | 'reason' | 'lastEditor'> {
  return { status: outcome.status, revid: outcome.revid, reason: outcome.reason, lastEditor: outcome.lastEditor };
}

async function applyPlan(
  client: WikiClient, page: CurriculumPage, current: WikiPage | undefined, plan: PagePlan,
  base: Pick<PageReport, 'title' | 'kind' | 'slug' | 'order'>, stopPage: string, extraSummary: string | undefined,
): Promise<PageReport> {
  if (plan.action === 'unchanged' || plan.action === 'conflict' || plan.action === 'skipped-nobots') {
    // Decided from the batched read: no further call.
    return { ...base, title: current?.title ?? page.title, status: plan.action, reason: plan.reason, lastEditor: plan.lastEditor };
  }
  const outcome = await publishPage(client, {
    title: page.title, text: page.text, stopPage, summary: editSummary(page, plan.action === 'create', extraSummary),
  });
  return { ...base, title: outcome.title, ...fromOutcome(outcome) };
}

async function publishDraft(
  client: WikiClient, page: CurriculumPage, currentDraft: WikiPage | undefined, botUser: string, stopPage: string,
  extraSummary: string | undefined,
): Promise<DraftReport> {
  const title = draftTitle(page.title);
  const text = draftText(page);
  const plan = planPage(currentDraft, text, botUser);
  if (plan.action !== 'create' && plan.action !== 'update') return { title, status: plan.action };
  const outcome = await publishPage(client, { title, text, stopPage, summary: draftSummary(page, extraSummary) });
  return { title: outcome.title, status: outcome.status, revid: outcome.revid };
}

function dryRunReport(
  page: CurriculumPage, current: WikiPage | undefined, plan: PagePlan, base: Pick<PageReport, 'title' | 'kind' | 'slug' | 'order'>,
  currentDraft: WikiPage | undefined, botUser: string,
): PageReport {
  const status: PageStatus = plan.action === 'create' ? 'created' : plan.action === 'update' ? 'updated' : plan.action;
  const report: PageReport = { ...base, status, reason: plan.reason, lastEditor: plan.lastEditor };
  if (!current?.exists) return { ...report, newPage: true, diff: page.text };
  report.diff = wikitextDiff(current.title, current.content ?? '', page.text);
  if (plan.action === 'conflict' && currentDraft !== undefined) {
    const draftPlan = planPage(currentDraft, draftText(page), botUser);
    const draftStatus: PageStatus = draftPlan.action === 'create' ? 'created' : draftPlan.action === 'update' ? 'updated' : draftPlan.action;
    report.draft = { title: draftTitle(page.title), status: draftStatus };
  }
  return report;
}
