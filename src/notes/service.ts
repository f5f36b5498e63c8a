/**
 * The notes bot as a service for the gateway: submit a note (dry run or queue-and-publish), read
 * the queue, and publish what is still pending (the gateway does it every minute). Built from the
 * long-lived store and two bot clients: `wiki` answers a person who waits (short retries), and
 * `background` publishes the pending notes with the bots' long backoff.
 */
import type { StoreDb } from '../store/database.js';
import type { WikiClient } from '../wiki/client.js';
import type { CurriculumPages } from './convert.js';
import { pageUrl } from './page-texts.js';
import { previewNotes } from './preview.js';
import { publishPendingNotes, WORKER_BATCH_SIZE, type NotesRunReport } from './publisher.js';
import { NoteQueue, type NoteInput, type NoteOrigin, type NoteState, type QueueEntry, type SessionMinutes } from './queue.js';

export interface NoteSubmission {
  /** `dry-run` for a preview; `invalid` when the converter refused the note (not queued). */
  state: NoteState | 'dry-run' | 'invalid';
  /** Queue entry (absent for dry runs and invalid notes). */
  id: number | null;
  pageTitle: string | null;
  url: string | null;
  /** Dry run: the wikitext that would be published. */
  wikitext: string | null;
  /** Dry run: unified diff against the current page. */
  diff: string | null;
  /** What would happen or what happened, in French, when it is not plain publishing. */
  reason: string | null;
  /** Conflict: the draft subpage (or the page). */
  linkTitle: string | null;
  linkUrl: string | null;
  /** Invalid: why, for programs (`NOTE_EMPTY`, `NOTE_PAGE_TAKEN`, ...; see notes/errors.ts). */
  code: string | null;
  /** What reading and converting the note had to say (date used, characters removed...), in French. */
  warnings: string[];
}

export type { SessionMinutes } from './queue.js';

export interface SubmitNoteInput {
  source: string;
  fileName?: string;
  dryRun?: boolean;
  origin?: NoteOrigin;
  /** Queue id of the note this one corrects (same note, new version). */
  replaces?: number;
  /** Agenda session the note is the minutes of (wins over the front matter's `session:`). */
  session?: number;
}

export class NotesService {
  readonly queue: NoteQueue;

  private readonly background: WikiClient;
  private readonly sessions: SessionMinutes | undefined;
  private readonly modules: CurriculumPages | undefined;
  private readonly log: ((line: string) => void) | undefined;
  /** Runs of this service one at a time: a run also takes notes left `publishing`, which must not be another live run's. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    store: StoreDb,
    private readonly wiki: WikiClient,
    options: {
      background?: WikiClient; modules?: CurriculumPages; sessions?: SessionMinutes;
      /** One French line per note published, failed or held (which replica published what); default silent. */
      log?: (line: string) => void;
    } = {},
  ) {
    // The queue checks a note's session and links its minutes, for every way a note comes in.
    this.queue = new NoteQueue(store, { sessions: options.sessions });
    this.sessions = options.sessions;
    this.background = options.background ?? wiki;
    this.modules = options.modules;
    this.log = options.log;
  }

  /**
   * Publishes the notes still pending (queued, failed for a wiki reason once their backoff is
   * over, left `publishing` by a crash). Nothing to do costs no wiki call.
   */
  async publishPending(opts: { now?: Date } = {}): Promise<NotesRunReport> {
    // In batches, so the gateway replicas' and the workers' runs share a long queue.
    return this.exclusive(() => publishPendingNotes(this.background, this.queue, { batchSize: WORKER_BATCH_SIZE, ...opts, ...this.runOptions() }));
  }

  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /**
   * Dry run: preview only. Otherwise the note is checked first (the queue's intake rule, the
   * same as the CLI's): a note that cannot be published comes back `invalid` and is not
   * recorded; a publishable one is recorded, then published at once.
   */
  async submit(input: SubmitNoteInput): Promise<NoteSubmission> {
    const note = {
      source: input.source, fileName: input.fileName, origin: input.origin ?? 'graphql',
      ...(input.replaces !== undefined ? { replaces: input.replaces } : {}),
      ...(input.session !== undefined ? { session: input.session } : {}),
    } satisfies NoteInput;
    if (input.dryRun) {
      // The same intake rule as a real submission: a preview never shows another note's page as this one's.
      const check = await this.queue.check(note);
      if (check.error?.code === 'NOTE_PAGE_TAKEN' || check.error?.code === 'NOTE_SESSION_NOT_FOUND') return refusal(check.error, check.title ?? null, check.warnings);
      const [preview] = await previewNotes(this.wiki, [note], { ...this.moduleLinks(), sessions: this.sessions });
      const site = await this.wiki.siteInfo();
      return {
        state: preview?.action === 'invalid' ? 'invalid' : 'dry-run', id: null,
        pageTitle: preview?.title ?? null, url: preview?.title ? pageUrl(site, preview.title) : null,
        wikitext: preview?.wikitext ?? null, diff: preview?.diff ?? null, reason: preview?.reason ?? null,
        linkTitle: preview?.draftTitle ?? null, linkUrl: preview?.draftTitle ? pageUrl(site, preview.draftTitle) : null,
        code: null, warnings: preview?.warnings ?? [],
      };
    }
    if (input.replaces !== undefined && !(await this.queue.get(input.replaces))) {
      return refusal({ code: 'NOTE_NOT_FOUND', message: `Aucune note n° ${input.replaces} dans la file : rien à remplacer.` }, null, []);
    }
    // Refused here (session unknown included) means not recorded: the person sees why at once.
    const check = await this.queue.check(note);
    if (check.error) return refusal(check.error, check.title ?? null, check.warnings);
    const { entry, warnings } = await this.queue.enqueue(note);
    if (entry.state !== 'failed' || entry.retryable) {
      await this.exclusive(() => publishPendingNotes(this.wiki, this.queue, { ids: [entry.id], ignoreBackoff: true, ...this.runOptions() }));
    }
    const saved = (await this.queue.get(entry.id)) ?? { ...entry, wikitext: null };
    return { ...submissionOf(saved), warnings };
  }

  private moduleLinks(): { modules?: CurriculumPages } {
    return this.modules ? { modules: this.modules } : {};
  }

  /** What every publishing run of this service passes besides its own options. */
  private runOptions(): { modules?: CurriculumPages; log?: (line: string) => void } {
    return { ...this.moduleLinks(), ...(this.log ? { log: this.log } : {}) };
  }

  list(limit = 50): Promise<{ entries: QueueEntry[]; counts: Record<NoteState, number>; total: number }> {
    return this.queue.list({ limit });
  }
}

function submissionOf(entry: QueueEntry): NoteSubmission {
  return {
    state: entry.state, id: entry.id, pageTitle: entry.pageTitle, url: entry.pageUrl, wikitext: null, diff: null,
    reason: entry.reason, linkTitle: entry.linkTitle, linkUrl: entry.linkUrl, code: null, warnings: [],
  };
}

function refusal(error: { code: string; message: string }, pageTitle: string | null, warnings: string[]): NoteSubmission {
  return {
    state: 'invalid', id: null, pageTitle, url: null, wikitext: null, diff: null, reason: error.message,
    linkTitle: null, linkUrl: null, code: error.code, warnings,
  };
}
