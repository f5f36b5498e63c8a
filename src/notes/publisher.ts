/**
 * Publishing the notes queue to the wiki. One run: ONE batched read of the stop page, the summary template and every note page; then, note by
 * note, the queue records `publishing` (with the frozen wikitext) before the edit and the
 * outcome after it. Every edit follows `publishPage`'s rules through `publishReadPage` on the
 * snapshot (stop page re-read every few saves, {{nobots}}, no-op on the same text, never over a
 * revision saved after the bot's last one for the note, whoever saved it, baserevid/createonly,
 * change tag): about one API call per new note. A note whose title or date changed moves its
 * page, or leaves a notice on it (page-moves.ts).
 *
 * Crash safety: a note left `publishing` is taken again on the next run with the same frozen
 * text; if the bot's edit had been saved, the page now holds exactly that text and the note is
 * marked published without a second revision.
 */
import { defaultStopPage, isStopRequested } from '../wiki/bot-policy.js';
import type { WikiClient, WikiSiteInfo } from '../wiki/client.js';
import { isPermanentPageRefusal, WikiLoginError, WikiPermissionError, WikiUnavailableError } from '../wiki/errors.js';
import type { WikiPage } from '../wiki/pages.js';
import { STOP_PAGE_RECHECK_EDITS, publishPage, publishReadPage, type PublishOutcome } from '../wiki/publish.js';
import { convertNote, type ConvertedNote, type CurriculumPages } from './convert.js';
import { publishRenamed, type NoteOutcome } from './page-moves.js';
import { NoteError } from './errors.js';
import { processHolderId } from '../jobs/lease.js';
import { frenchReason, permanentReason, stateLabel } from './messages.js';
import { pageTakenReason } from './identity.js';
import {
  draftEditSummary, draftText, draftTitle, noteEditSummary, pageUrl, planNotePage, storedForm, TEMPLATE_EDIT_SUMMARY,
} from './page-texts.js';
import type { NoteQueue, NoteState, PendingOptions, QueueRecord } from './queue.js';
import { SUMMARY_TEMPLATE_PAGE, SUMMARY_TEMPLATE_WIKITEXT } from './template.js';

/**
 * Notes a long-running worker (a gateway's background run, `notes watch`) claims at a time: small
 * enough that the other workers sharing the queue get their share of a long one.
 */
export const WORKER_BATCH_SIZE = 25;

export interface PublishNotesOptions extends PendingOptions {
  /** Emergency stop page. Default: `Utilisateur:<bot user>/Arrêt`. */
  stopPage?: string;
  /** Change tags wanted (sent only when the wiki defines them). Default: `['pollen']`. */
  tags?: string[];
  /** One French line per note, for people. Default: silent. */
  log?: (line: string) => void;
  /** Stops the run between two notes (SIGTERM in watch mode); the rest stays queued. */
  signal?: AbortSignal;
  /** Test hook: runs after each successful save, before the queue records it. */
  afterSave?: (title: string) => void;
  /** Curriculum modules by slug: a note's `module` links to its page. */
  modules?: CurriculumPages;
  /** This worker's name in the queue's claims. Default: this process (src/jobs processHolderId). */
  worker?: string;
  /** How long a claim lasts: a killed worker's notes go to another after it. Default 5 minutes. */
  claimMs?: number;
  /** Claim and publish this many notes at a time, so several workers share a long queue. Default: all at once. */
  batchSize?: number;
}

export interface NoteRunResult {
  id: number;
  fileName: string | null;
  pageTitle: string | null;
  state: NoteState;
  reason?: string;
  revid?: number;
  linkTitle?: string;
  /** Saves made for this note (page or draft). */
  edits: number;
}

export interface NotesRunReport {
  results: NoteRunResult[];
  /** Saves made during the run (template and drafts included). */
  edits: number;
  /** HTTP requests sent to api.php during the run. */
  apiCalls: number;
  /** The emergency stop page halted the run (notes stay queued). */
  stopped: boolean;
  /** Why the run ended early (wiki down, stop page), in French. */
  halted?: string;
}

interface Planned {
  record: QueueRecord;
  note: ConvertedNote;
  wikitext: string;
  /** The page holding the bot's last revision for this note, when the note's title or date changed since. */
  from?: string;
}

class RunHalt extends Error {}

export { stateCount, stateLabel } from './messages.js';

/** After these, trying the next notes is pointless: the wiki is down or refuses the session. */
function haltsRun(err: unknown): boolean {
  return err instanceof WikiUnavailableError || err instanceof WikiPermissionError || err instanceof WikiLoginError;
}

/**
 * Publishes every pending note of the queue (or `ids`), oldest first. Needs the bot's client.
 * Several workers may run this on one store: each claims its notes first (NoteQueue.claim), so
 * every note is published by one of them; a worker killed mid-batch leaves its notes to the
 * others once its claims expire.
 */
export async function publishPendingNotes(client: WikiClient, queue: NoteQueue, opts: PublishNotesOptions = {}): Promise<NotesRunReport> {
  const worker = opts.worker ?? processHolderId;
  const total: NotesRunReport = { results: [], edits: 0, apiCalls: 0, stopped: false };
  const seen = new Set<number>();
  try {
    for (;;) {
      const claimed = await queue.claim({ ...opts, worker, claimMs: opts.claimMs, limit: opts.batchSize });
      // A note retried at once (no backoff asked) comes back: one try per run.
      if (claimed.length > 0 && claimed.every((r) => seen.has(r.id))) return total;
      for (const r of claimed) seen.add(r.id);
      const run = await publishClaimed(client, queue, claimed, opts);
      total.results.push(...run.results);
      total.edits += run.edits;
      total.apiCalls += run.apiCalls;
      total.stopped = run.stopped;
      if (run.halted) total.halted = run.halted;
      if (opts.batchSize === undefined || claimed.length < opts.batchSize || run.halted || run.stopped) return total;
    }
  } finally {
    // Notes claimed but not reached (a halt, an abort) go back at once, not after the claim's expiry.
    await queue.release(worker).catch(() => {});
  }
}

async function publishClaimed(client: WikiClient, queue: NoteQueue, pending: QueueRecord[], opts: PublishNotesOptions): Promise<NotesRunReport> {
  let signInFailure: unknown;
  await client.ensureLoggedIn().catch((err: unknown) => {
    signInFailure = err;
  });
  if (!client.userName && signInFailure === undefined) {
    throw new WikiPermissionError('notloggedin', 'publishing notes needs a logged-in bot account (WIKI_BOT_USER)');
  }
  const botUser = client.userName ?? '';
  const callsBefore = client.stats.apiCalls;
  const clock = (): Date => opts.now ?? new Date();
  const log = opts.log ?? (() => {});
  const stopTitle = opts.stopPage ?? defaultStopPage(botUser);
  const results: NoteRunResult[] = [];
  let edits = 0;
  const report = (halted?: string, stopped = false): NotesRunReport => ({
    results, edits, apiCalls: client.stats.apiCalls - callsBefore, stopped, ...(halted ? { halted } : {}),
  });
  const record = (r: QueueRecord, state: NoteState, extra: Partial<NoteRunResult> = {}): void => {
    const result: NoteRunResult = { id: r.id, fileName: r.fileName, pageTitle: r.pageTitle, state, edits: 0, ...extra };
    results.push(result);
    log(`${stateLabel(state).padEnd(10)} ${result.pageTitle ?? r.fileName ?? `note ${r.id}`}${result.reason ? ` : ${result.reason}` : ''}`);
  };

  if (pending.length === 0) return report();
  if (signInFailure !== undefined) {
    // The wiki is down or refuses the bot: every note stays in the queue, failed with the reason.
    const reason = frenchReason(signInFailure);
    for (const r of pending) {
      await queue.markFailed(r.id, r.sourceHash, { reason, retryable: true, now: clock() });
      record(r, 'failed', { reason });
    }
    return report(reason);
  }

  // Links come from the curriculum (no title lookup); the pages and the template need one batched read.
  let planned: Planned[];
  let snapshot: Map<string, WikiPage>;
  let site: WikiSiteInfo;
  try {
    planned = [];
    for (const r of pending) {
      const p = await plan(queue, r, clock(), opts.modules);
      if ('error' in p) record(r, 'failed', { reason: p.error });
      else planned.push(p);
    }
    if (planned.length === 0) return report();
    site = await client.siteInfo();
    const titles = planned.flatMap((p) => (p.from === undefined ? [p.note.title] : [p.note.title, p.from]));
    snapshot = await client.getPages([stopTitle, SUMMARY_TEMPLATE_PAGE, ...titles], { content: true });
  } catch (err) {
    const reason = frenchReason(err);
    for (const r of pending) {
      if (results.some((res) => res.id === r.id)) continue;
      await queue.markFailed(r.id, r.sourceHash, { reason, retryable: true, now: clock() });
      record(r, 'failed', { reason });
    }
    return report(reason);
  }

  const stopPage = snapshot.get(stopTitle);
  if (stopPage && isStopRequested(stopPage)) {
    const reason = `Publication arrêtée : la page d’arrêt d’urgence « ${stopPage.title} » le demande. Les notes restent en attente.`;
    for (const p of planned) if (p.record.state === 'publishing') await queue.requeue(p.record.id, p.record.sourceHash);
    log(reason);
    return report(reason, true);
  }

  const common = { stopPage: stopTitle, tags: opts.tags };
  try {
    edits += await ensureTemplate(client, snapshot.get(SUMMARY_TEMPLATE_PAGE), botUser, common, opts.afterSave);
  } catch (err) {
    if (err instanceof RunHalt) return report(err.message, true);
    const reason = frenchReason(err);
    for (const p of planned) {
      await queue.markFailed(p.record.id, p.record.sourceHash, { reason, retryable: true, now: clock() });
      record(p.record, 'failed', { reason });
    }
    return report(reason);
  }

  // Pages come from the batched snapshot; only the stop page is read again, every few saves.
  let stopState = stopPage;
  let editsSinceStopCheck = 0;
  for (const [index, p] of planned.entries()) {
    if (opts.signal?.aborted) return report('Arrêt demandé : les notes restantes seront publiées au prochain lancement.');
    if (editsSinceStopCheck >= STOP_PAGE_RECHECK_EDITS) {
      try {
        stopState = (await client.getPages([stopTitle], { content: true })).get(stopTitle);
      } catch (err) {
        return report(frenchReason(err));
      }
      editsSinceStopCheck = 0;
    }
    const { record: r, note, wikitext } = p;
    const url = pageUrl(site, note.title);
    if (!(await queue.markPublishing(r.id, r.sourceHash, { wikitext, pageTitle: note.title, pageUrl: url }))) continue; // changed meanwhile
    const entry = { ...r, pageTitle: note.title };
    try {
      const outcome = await publishNote(client, queue, p, snapshot, botUser, { ...common, stopState, afterSave: opts.afterSave });
      edits += outcome.edits;
      editsSinceStopCheck += outcome.edits;
      if (outcome.state === 'published') {
        await queue.markPublished(r.id, r.sourceHash, {
          revid: outcome.revid, pageTitle: outcome.title, pageUrl: pageUrl(site, outcome.title),
          ...(outcome.formerTitle !== undefined ? { formerTitle: outcome.formerTitle } : {}),
        });
      } else if (outcome.state === 'conflict') {
        await queue.markConflict(r.id, r.sourceHash, { reason: outcome.reason ?? '', linkTitle: outcome.linkTitle ?? note.title, linkUrl: pageUrl(site, outcome.linkTitle ?? note.title) });
      } else {
        // Stopped: this note and the rest wait in the queue.
        await queue.requeue(r.id, r.sourceHash);
        record(entry, 'queued', { reason: outcome.reason, edits: outcome.edits });
        return report(outcome.reason, true);
      }
      record(entry, outcome.state, { reason: outcome.reason, revid: outcome.revid, linkTitle: outcome.linkTitle, edits: outcome.edits });
    } catch (err) {
      // A refusal of this page that no retry will change is a failure to act on, not a retry.
      const permanent = isPermanentPageRefusal(err);
      const reason = permanent ? permanentReason(err) : frenchReason(err);
      await queue.markFailed(r.id, r.sourceHash, { reason, retryable: !permanent, now: clock() });
      record(entry, 'failed', { reason });
      if (!permanent && haltsRun(err)) {
        const rest = planned.slice(index + 1);
        for (const other of rest) if (other.record.state === 'publishing') await queue.requeue(other.record.id, other.record.sourceHash);
        return report(reason);
      }
    }
  }
  return report();
}

/** Converts a pending note (or reuses its frozen text); a French refusal marks it failed for good. */
async function plan(queue: NoteQueue, r: QueueRecord, now: Date, modules?: CurriculumPages): Promise<Planned | { error: string }> {
  let note: ConvertedNote;
  try {
    note = convertNote(r.source, { fileName: r.fileName ?? undefined, now: new Date(r.receivedAt), ...(modules ? { modules } : {}) });
  } catch (err) {
    const reason = err instanceof NoteError ? err.message : `La note n’a pas pu être convertie (erreur interne : ${err instanceof Error ? err.message : String(err)}).`;
    await queue.markFailed(r.id, r.sourceHash, { reason, retryable: false, now });
    return { error: reason };
  }
  // The same rule as at intake (identity.ts): checked again, since the queue may have changed since.
  const owner = await queue.otherNoteOnPage(note.title, r);
  if (owner && owner.id < r.id) {
    const reason = pageTakenReason(note.title, owner);
    await queue.markFailed(r.id, r.sourceHash, { reason, retryable: false, now });
    return { error: reason };
  }
  // The text frozen when this version first went out wins: links may have changed since.
  const moved = r.revid !== null && r.publishedTitle !== null && r.publishedTitle !== note.title;
  return { record: r, note, wikitext: r.wikitext ?? note.wikitext, ...(moved ? { from: r.publishedTitle ?? undefined } : {}) };
}

interface CommonRequest {
  stopPage: string;
  /** The stop page as last read (from the run's snapshot, re-read every few saves). */
  stopState?: WikiPage | undefined;
  tags?: string[];
  afterSave?: (title: string) => void;
}

function saved(outcome: PublishOutcome, afterSave?: (title: string) => void): number {
  if (outcome.status !== 'created' && outcome.status !== 'updated') return 0;
  afterSave?.(outcome.title);
  return 1;
}

/**
 * One note to its page. The page is the bot's while its latest revision is the one the bot last
 * saved for this note (the queue keeps it): a later revision, even one saved with the bot's
 * account, is someone else's. A note whose title or date changed leaves its old page (page-moves.ts).
 */
async function publishNote(
  client: WikiClient, queue: NoteQueue, p: Planned, snapshot: Map<string, WikiPage>, botUser: string, common: CommonRequest,
): Promise<NoteOutcome> {
  const { record: r, note } = p;
  const current = snapshot.get(note.title);
  if (p.from === undefined || r.revid === null) {
    return publishAt(client, p, current, r.revid !== null && r.publishedTitle === note.title ? r.revid : undefined, botUser, common);
  }
  return publishRenamed(client, {
    from: p.from, to: note.title, fromRevision: r.revid, old: snapshot.get(p.from), current, botUser, stopPage: common.stopState,
    tags: common.tags, afterSave: common.afterSave,
    recordMove: (revid) => queue.markMoved(r.id, r.sourceHash, { from: p.from ?? '', to: note.title, revid }),
    publishAt: (page, botRevision) => publishAt(client, p, page, botRevision, botUser, common),
  });
}

/** The note's text on its page as read; `botRevision`: the bot's last revision there (unknown: the page is the bot's while its last revision is). */
async function publishAt(
  client: WikiClient, p: Planned, current: WikiPage | undefined, botRevision: number | undefined, botUser: string, common: CommonRequest,
): Promise<NoteOutcome> {
  const { note, wikitext } = p;
  const decided = planNotePage(current, wikitext, botUser, botRevision);
  if (decided.action === 'unchanged') return { state: 'published', title: current?.title ?? note.title, revid: current?.lastRevision?.revid, edits: 0 };
  if (decided.action === 'skipped-nobots') return { state: 'conflict', title: note.title, reason: decided.reason, linkTitle: current?.title ?? note.title, edits: 0 };
  if (decided.action === 'conflict') return toDraft(client, note.title, wikitext, decided.reason ?? '', common);

  // Saved against the snapshot's revision: a human edit since then comes back as a conflict.
  const outcome = await publishReadPage(
    client,
    {
      title: note.title, text: wikitext, summary: noteEditSummary(note.meta.facilitators, decided.action === 'update'),
      stopPage: common.stopPage, ...(common.tags ? { tags: common.tags } : {}), ...(botRevision !== undefined ? { botRevision } : {}),
    },
    current,
    common.stopState,
  );
  const edits = saved(outcome, common.afterSave);
  switch (outcome.status) {
    case 'created':
    case 'updated':
    case 'unchanged':
      return { state: 'published', title: outcome.title, revid: outcome.revid ?? current?.lastRevision?.revid, edits };
    case 'stopped':
      return { state: 'stopped', title: outcome.title, reason: `${outcome.reason ?? 'Publication arrêtée.'} Les notes restent en attente.`, edits };
    case 'skipped-nobots':
      return { state: 'conflict', title: outcome.title, reason: outcome.reason, linkTitle: outcome.title, edits };
    case 'conflict':
      return toDraft(client, outcome.title, wikitext, outcome.reason ?? '', common);
  }
}

/** The page is a person's now: the new version goes to `<page>/Brouillon du robot`. */
async function toDraft(client: WikiClient, pageTitle: string, wikitext: string, reason: string, common: CommonRequest): Promise<NoteOutcome> {
  const title = draftTitle(pageTitle);
  const outcome = await publishPage(client, {
    title, text: draftText(pageTitle, wikitext), summary: draftEditSummary(pageTitle), stopPage: common.stopPage, ...(common.tags ? { tags: common.tags } : {}),
  });
  const edits = saved(outcome, common.afterSave);
  if (outcome.status === 'stopped') return { state: 'stopped', title: pageTitle, reason: outcome.reason, edits };
  if (outcome.status === 'conflict' || outcome.status === 'skipped-nobots') {
    return {
      state: 'conflict', title: pageTitle, linkTitle: pageTitle, edits,
      reason: `${reason} Le brouillon « ${outcome.title} » a lui aussi été modifié à la main : la nouvelle version n’a pas pu y être déposée.`,
    };
  }
  return { state: 'conflict', title: pageTitle, linkTitle: outcome.title, edits, reason: `${reason} La nouvelle version de la note est dans « ${outcome.title} ».` };
}

/** Creates `Modèle:Compte-rendu` when missing (or updates it while it is still the bot's own). */
async function ensureTemplate(
  client: WikiClient, current: WikiPage | undefined, botUser: string, common: { stopPage: string; tags?: string[] },
  afterSave?: (title: string) => void,
): Promise<number> {
  const stale = current?.exists && current.lastRevision?.user === botUser && storedForm(current.content ?? '') !== storedForm(SUMMARY_TEMPLATE_WIKITEXT);
  if (current?.exists && !stale) return 0;
  const outcome = await publishPage(client, {
    title: SUMMARY_TEMPLATE_PAGE, text: SUMMARY_TEMPLATE_WIKITEXT, summary: TEMPLATE_EDIT_SUMMARY, stopPage: common.stopPage,
    ...(common.tags ? { tags: common.tags } : {}),
  });
  if (outcome.status === 'stopped') throw new RunHalt(`${outcome.reason ?? 'Publication arrêtée.'} Les notes restent en attente.`);
  return saved(outcome, afterSave);
}
