/**
 * The durable notes queue, in the store (SQLite or PostgreSQL). A note is recorded here BEFORE any wiki call and
 * moves through `queued → publishing → published | failed | conflict`. The wikitext is frozen
 * when a version first goes to `publishing`, so a restart after a crash re-publishes exactly the
 * same text (the wiki then sees it unchanged: no second revision).
 */
import { createHash } from 'node:crypto';
import type { Kysely, Updateable } from 'kysely';
import { tables, type StoreDb } from '../store/database.js';
import { retryWhenBusy, writeTransaction } from '../store/transaction.js';
import { ClaimHeartbeats, DEFAULT_CLAIM_MS, goneHolders, heldClaims, type NoteClaim } from './queue-claims.js';
import {
  byId, byKey, mustGet, otherNoteOnPage, pendingFilter, publishedMentioning, toEntry, toRecord, withFormerTitle, type Db, type NotesTables, type Row,
} from './queue-schema.js';
import { convertNote } from './convert.js';
import { NoteError, type NoteErrorCode } from './errors.js';
import { contentKey, pageTakenReason, type NoteIdentity } from './identity.js';
import { normalizeSource } from './normalize.js';
import { storedNoteSource } from './pii.js';
import { withSessionDetails, type SessionDetails } from './session-details.js';

export type NoteState = 'queued' | 'publishing' | 'published' | 'failed' | 'conflict';
export const NOTE_STATES: readonly NoteState[] = ['queued', 'publishing', 'published', 'failed', 'conflict'];

/** Where a note came from. */
export type NoteOrigin = 'cli' | 'watch' | 'graphql' | 'api';

export interface NoteInput {
  /** The note's text (Markdown or plain text). */
  source: string;
  /** File name the note was read from (gives format, date and title to the converter). */
  fileName?: string;
  /**
   * Identity of the note: the same key with new content updates the entry. File sources pass
   * `file:<absolute path>`. Default: `sha256:<hash>` of the content (see identity.ts).
   */
  key?: string;
  origin: NoteOrigin;
  /** When the note was received; used as `now` for conversion, recorded once. Default: now. */
  receivedAt?: Date;
  /** Id of the queue entry this note is a new version of (a note sent without a file). */
  replaces?: number;
  /** What reading the note already had to say (e.g. the encoding found), in French. */
  warnings?: string[];
  /** Agenda session the note is the minutes of; wins over the front matter's `session:`. */
  session?: number;
}

/** The agenda, as the notes need it: a note naming a session becomes that session's minutes. */
export interface SessionMinutes {
  exists(sessionId: number): Promise<boolean>;
  attachMinutes(sessionId: number, pageTitle: string): Promise<void>;
  /** The session's title and day: its minutes take them when the note gives none (session-details.ts). */
  details?(sessionId: number): Promise<SessionDetails | undefined>;
}

/** Why a note naming an unknown session is refused (GraphQL, CLI, watch: the same words). */
export function unknownSessionReason(sessionId: number): string {
  return `Aucune session n° ${sessionId} dans l’agenda : vérifiez le numéro (tableau de bord, « Comptes rendus manquants »).`;
}

/** One queue entry, as the CLI, the GraphQL API and the dashboard show it. */
export interface QueueEntry {
  id: number;
  key: string;
  origin: NoteOrigin;
  fileName: string | null;
  sourceHash: string;
  /** ISO time the note was first received (the conversion's `now`). */
  receivedAt: string;
  state: NoteState;
  /** Wiki page the note goes to (known at intake unless the note is invalid). */
  pageTitle: string | null;
  pageUrl: string | null;
  /** Revision published (published). */
  revid: number | null;
  /** Why it failed or conflicts, in French, for people. */
  reason: string | null;
  /** Conflict: the draft subpage (or the page itself) to look at. */
  linkTitle: string | null;
  linkUrl: string | null;
  /** Failed attempts since this version was received. */
  attempts: number;
  /** Failed: the wiki was the problem, the next run retries (not before `nextAttemptAt`). */
  retryable: boolean;
  nextAttemptAt: string | null;
  updatedAt: string;
  publishedAt: string | null;
}

/** An entry with what the publisher needs besides. */
export interface QueueRecord extends QueueEntry {
  source: string;
  /** The text frozen for this version, once it went to `publishing`. */
  wikitext: string | null;
  /** The page holding `revid` (differs from `pageTitle` while a title or date change waits to go out). */
  publishedTitle: string | null;
  /** Titles the note's page had before a title or date change (redirects, or pages with a notice); kept for this note. */
  formerTitles: string[];
}

export type IntakeChange = 'new' | 'updated' | 'unchanged';

/** A note checked for intake (converted once without wiki data), before anything is recorded. */
export interface IntakeCheck {
  key: string;
  sourceHash: string;
  /** What is stored: the normalised text, personal data removed unless the note keeps it. */
  storedSource: string;
  /** The entry this note is a version of, if any. */
  existing: QueueRecord | undefined;
  receivedAt: Date;
  title?: string;
  /** The agenda session the note names (the input's `session`, else `session:` in its front matter). */
  session?: number;
  /** Why the note cannot be published, in French, with its code. */
  error?: { code: NoteErrorCode | 'NOTE_INTERNAL' | 'NOTE_SESSION_NOT_FOUND'; message: string };
  warnings: string[];
}


/** Same hash the converter computes: line endings and spaces at line ends do not make a new version. */
export function noteSourceHash(source: string): string {
  return createHash('sha256').update(normalizeSource(source), 'utf8').digest('hex');
}

/** Backoff after the n-th failed attempt: 1 min, 2, 4 … capped at 1 h. */
export function retryDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

export interface PendingOptions {
  /** Clock for the backoff. Default: now. */
  now?: Date;
  /** Retry failed notes even before their backoff is over (an explicit `publish`). Default: false. */
  ignoreBackoff?: boolean;
  /** Only these entries (entries left `publishing` by a crash are always included). */
  ids?: readonly number[];
}

export { DEFAULT_CLAIM_MS, type NoteClaim } from './queue-claims.js';

export interface ClaimOptions extends PendingOptions {
  /** The worker claiming (a process id; see src/jobs processHolderId). */
  worker: string;
  /**
   * Claim length without a renewal; a killed worker's notes go to another once it has passed (a
   * live worker renews its claims: queue-claims.ts). Default DEFAULT_CLAIM_MS (30 s).
   */
  claimMs?: number;
  /** At most this many notes (oldest first). Default: all. */
  limit?: number;
}

/**
 * The queue over one store (SQLite or PostgreSQL). Every method is one short statement or
 * transaction: safe to kill at any point. Several workers (processes, machines) share it: each
 * claims the notes it publishes (`claim`), so every note goes out once.
 */
export class NoteQueue {
  readonly #db: Kysely<NotesTables>;
  readonly #sessions: SessionMinutes | undefined;
  readonly #heartbeats: ClaimHeartbeats;
  /** Notes claimed through this object, and by which worker: such a note goes out only while still that worker's. */
  readonly #claims = new Map<number, string>();

  /**
   * `sessions`: the agenda. Given, a note naming an unknown session is refused at intake, and a
   * note naming a known one becomes its minutes as soon as it is recorded, whichever way it came
   * (GraphQL, `npm run notes -- publish`, the folder watch).
   */
  constructor(readonly store: StoreDb, options: { sessions?: SessionMinutes | undefined } = {}) {
    this.#db = tables<NotesTables>(store);
    this.#sessions = options.sessions;
    this.#heartbeats = new ClaimHeartbeats(this.#db);
  }

  /**
   * The intake rule, for every way a note comes in: decode and convert once (without wiki
   * data), find the entry it is a version of, and refuse a different note aimed at a page
   * another note holds (`isSameNote`). Reads only.
   */
  async check(input: NoteInput): Promise<IntakeCheck> {
    return this.#check(this.#db, await withSessionDetails(input, this.#sessions), async (id) => this.#sessions?.exists(id));
  }

  /**
   * `sessionExists` answers undefined when it does not know yet: `#check` then reports the session
   * to look up (`unverifiedSession`), since the agenda cannot be read inside the queue's transaction
   * (SQLite: one connection).
   */
  async #check(db: Db, input: NoteInput, sessionExists: (id: number) => Promise<boolean | undefined>): Promise<IntakeCheck & { unverifiedSession?: number }> {
    const sourceHash = noteSourceHash(input.source);
    const existing =
      input.key !== undefined ? await byKey(db, input.key) : input.replaces !== undefined ? await byId(db, input.replaces) : undefined;
    const key = input.key ?? existing?.key ?? contentKey(sourceHash);
    const receivedAt = existing ? new Date(existing.receivedAt) : (input.receivedAt ?? new Date());
    const storedSource = storedNoteSource(input.source);
    const converted = checkNote(storedSource, input.fileName, receivedAt);
    const warnings = [...(input.warnings ?? []), ...converted.warnings];
    const session = input.session ?? converted.session;
    const base = { key, sourceHash, storedSource, existing: existing ?? (await byKey(db, key)), receivedAt, warnings, ...(session !== undefined ? { session } : {}) };
    if (converted.error) return { ...base, error: converted.error };
    if (session !== undefined && this.#sessions) {
      const exists = await sessionExists(session);
      if (exists === undefined) return { ...base, unverifiedSession: session };
      if (!exists) return { ...base, ...(converted.title ? { title: converted.title } : {}), error: { code: 'NOTE_SESSION_NOT_FOUND', message: unknownSessionReason(session) } };
    }
    const title = converted.title ?? '';
    const owner = await otherNoteOnPage(db, title, { key, sourceHash });
    if (owner) return { ...base, title, error: { code: 'NOTE_PAGE_TAKEN', message: pageTakenReason(title, owner) } };
    return { ...base, title };
  }

  /**
   * Records a note (idempotent): the same note with the same content changes nothing; new
   * content for a known note re-queues it, keeping its first reception time (so a note without
   * a date keeps its page). A note that cannot be published (the converter refuses it, or its
   * page is another note's) is recorded as `failed` with the French reason. Two processes
   * recording the same new note together: one inserts, the other finds it (unique key).
   */
  async enqueue(input: NoteInput): Promise<{ entry: QueueEntry; change: IntakeChange; warnings: string[] }> {
    const outcome = await this.#record(await withSessionDetails(input, this.#sessions));
    // The minutes' page is known from intake on: the agenda links it (the page may follow).
    if (this.#sessions && outcome.session !== undefined && outcome.entry.state !== 'failed' && outcome.entry.pageTitle) {
      await this.#sessions.attachMinutes(outcome.session, outcome.entry.pageTitle);
    }
    return { entry: outcome.entry, change: outcome.change, warnings: outcome.warnings };
  }

  async #record(input: NoteInput): Promise<{ entry: QueueEntry; change: IntakeChange; warnings: string[]; session?: number | undefined }> {
    const lookedUp = new Map<number, boolean>(); // agenda sessions, read outside the transaction
    for (let attempt = 0; ; attempt++) {
      // Atomic, begun as a write, tried again while the store is busy (other processes queuing too).
      const outcome = await writeTransaction(this.#db, async (trx) => {
        const check = await this.#check(trx, input, async (id) => lookedUp.get(id));
        if (check.unverifiedSession !== undefined) return { unverifiedSession: check.unverifiedSession };
        const { key, sourceHash: hash, existing: known, warnings, session } = check;
        const now = new Date().toISOString();
        const state: NoteState = check.error ? 'failed' : 'queued';
        const reason = check.error?.message ?? null;
        if (!known) {
          const inserted = await trx
            .insertInto('notes_queue')
            .values({
              note_key: key, origin: input.origin, file_name: input.fileName ?? null, source: check.storedSource, source_hash: hash,
              received_at: check.receivedAt.toISOString(), state, page_title: check.title ?? null, reason, updated_at: now,
            })
            .onConflict((oc) => oc.column('note_key').doNothing())
            .returning('id')
            .executeTakeFirst();
          if (!inserted) return undefined; // recorded by another process meanwhile: read it again
          return { entry: toEntry(await mustGet(trx, Number(inserted.id))), change: 'new' as const, warnings, session };
        }
        // Same text: nothing to do, unless it was refused for a session the agenda now has.
        const sessionNowKnown = known.state === 'failed' && !check.error && session !== undefined && known.reason === unknownSessionReason(session);
        if (known.sourceHash === hash && !sessionNowKnown) return { entry: toEntry(known), change: 'unchanged' as const, warnings, session };
        await trx
          .updateTable('notes_queue')
          .set({
            origin: input.origin, file_name: input.fileName ?? null, source: check.storedSource, source_hash: hash, state,
            page_title: check.error?.code === 'NOTE_PAGE_TAKEN' ? known.pageTitle : (check.title ?? known.pageTitle), reason,
            wikitext: null, link_title: null, link_url: null, attempts: 0, retryable: 0, next_attempt_at: null, updated_at: now,
            claimed_by: null, claim_expires_at: null, claim_heartbeat_at: null,
          })
          .where('id', '=', known.id)
          .execute();
        return { entry: toEntry(await mustGet(trx, known.id)), change: 'updated' as const, warnings, session };
      });
      const lookup = outcome && 'unverifiedSession' in outcome ? outcome.unverifiedSession : undefined;
      if (lookup !== undefined) {
        lookedUp.set(lookup, await this.#sessions!.exists(lookup));
        attempt -= 1; // a lookup, not a lost race
        continue;
      }
      if (outcome?.entry) return outcome;
      if (attempt >= 2) throw new Error(`notes queue: could not record note ${input.key ?? ''}`);
    }
  }

  /** The first other note going to `pageTitle` that is not the same note, if any (two notes never share a page). */
  otherNoteOnPage(pageTitle: string, note: NoteIdentity & { id?: number }): Promise<QueueEntry | undefined> {
    return otherNoteOnPage(this.#db, pageTitle, note);
  }

  get(id: number): Promise<QueueRecord | undefined> {
    return byId(this.#db, id);
  }

  byKey(key: string): Promise<QueueRecord | undefined> {
    return byKey(this.#db, key);
  }

  /** Entries with work to do, oldest first: left `publishing` by a crash, queued, failed and due. Reads only. */
  async pending(opts: PendingOptions = {}): Promise<QueueRecord[]> {
    const rows = (await this.#db.selectFrom('notes_queue').selectAll().where((eb) => pendingFilter(eb, opts)).orderBy('id').execute()) as Row[];
    return rows.map(toRecord);
  }

  /**
   * Claims pending notes for `worker`, oldest first: notes no one holds, or whose claim has
   * expired (a killed worker's), or whose worker's process on this machine is gone, or already
   * this worker's. PostgreSQL: `FOR UPDATE SKIP LOCKED`, so workers claiming together never wait
   * on each other nor take the same note. SQLite: one UPDATE, serialised by the database's single
   * writer. This queue object renews the worker's claims until `release` (the heartbeat,
   * queue-claims.ts); a claim ends when the note's outcome is written.
   */
  async claim(opts: ClaimOptions): Promise<QueueRecord[]> {
    const nowMs = (opts.now ?? new Date()).getTime();
    const claimMs = opts.claimMs ?? DEFAULT_CLAIM_MS;
    const gone = goneHolders((await heldClaims(this.#db, nowMs)).filter((c) => Date.parse(c.expiresAt) > nowMs && c.worker !== opts.worker).map((c) => c.worker));
    let candidates = this.#db
      .selectFrom('notes_queue')
      .select('id')
      .where((eb) => pendingFilter(eb, opts))
      .where((eb) => eb.or([
        eb('claimed_by', 'is', null), eb('claim_expires_at', '<=', nowMs), eb('claimed_by', '=', opts.worker),
        ...(gone.length ? [eb('claimed_by', 'in', gone)] : []),
      ]))
      .orderBy('id');
    if (opts.limit !== undefined) candidates = candidates.limit(opts.limit);
    if (this.store.dialect === 'postgres') candidates = candidates.forUpdate().skipLocked();
    const rows = (await retryWhenBusy(() => this.#db
      .updateTable('notes_queue')
      .set({ claimed_by: opts.worker, claim_expires_at: nowMs + claimMs, claim_heartbeat_at: nowMs })
      .where('id', 'in', candidates)
      .returningAll()
      .execute())) as Row[];
    // Renewed from the real clock: a claim made at an explicit `now` (tests, replays) is left as made.
    if (rows.length > 0 && opts.now === undefined) this.#heartbeats.keep(opts.worker, claimMs);
    for (const row of rows) this.#claims.set(Number(row.id), opts.worker);
    return rows.map(toRecord).sort((x, y) => x.id - y.id);
  }

  /** Gives back the claims `worker` still holds (notes it did not get to), and stops renewing them. */
  async release(worker: string): Promise<void> {
    this.#heartbeats.stop(worker);
    for (const [id, holder] of this.#claims) if (holder === worker) this.#claims.delete(id);
    await retryWhenBusy(() => this.#db.updateTable('notes_queue').set({ claimed_by: null, claim_expires_at: null, claim_heartbeat_at: null }).where('claimed_by', '=', worker).execute());
  }

  /** Notes with work left that a worker holds now: who, until when, and whether it still answers. */
  heldClaims(now = new Date()): Promise<NoteClaim[]> {
    return heldClaims(this.#db, now.getTime());
  }

  /**
   * Freezes the text of this version and marks it `publishing`, before the edit. Returns false
   * when the note changed meanwhile (the newer version will be published instead), or when it
   * was claimed through this queue and the claim is no longer that worker's (another took it
   * over: that one publishes it).
   */
  markPublishing(id: number, hash: string, fields: { wikitext: string; pageTitle: string; pageUrl?: string }): Promise<boolean> {
    return this.#update(id, hash, {
      state: 'publishing', wikitext: fields.wikitext, page_title: fields.pageTitle, ...(fields.pageUrl ? { page_url: fields.pageUrl } : {}),
    }, false, this.#claims.get(id));
  }

  /** `formerTitle`: the page the note left for `pageTitle` (moved, or left with a notice); it stays this note's. */
  async markPublished(id: number, hash: string, fields: { revid?: number; pageTitle: string; pageUrl?: string; formerTitle?: string }): Promise<boolean> {
    const former = fields.formerTitle !== undefined ? await this.#formerTitles(id, fields.formerTitle, fields.pageTitle) : {};
    return this.#update(id, hash, {
      state: 'published', ...(fields.revid !== undefined ? { revid: fields.revid, published_title: fields.pageTitle } : {}), page_title: fields.pageTitle,
      ...(fields.pageUrl ? { page_url: fields.pageUrl } : {}), reason: null, link_title: null, link_url: null, retryable: 0,
      next_attempt_at: null, published_at: new Date().toISOString(), ...former,
    });
  }

  /**
   * The bot moved the note's page from `from` to `to` (before saving the new text there): `revid`
   * is the revision the move made on `to`, now the bot's last for this note. The note stays `publishing`.
   */
  async markMoved(id: number, hash: string, fields: { from: string; to: string; revid: number }): Promise<boolean> {
    const former = await this.#formerTitles(id, fields.from, fields.to);
    return this.#update(id, hash, { revid: fields.revid, published_title: fields.to, ...former }, false);
  }

  async #formerTitles(id: number, title: string, currentTitle: string): Promise<{ former_titles: string | null }> {
    const row = await this.#db.selectFrom('notes_queue').select('former_titles').where('id', '=', id).executeTakeFirst();
    return { former_titles: withFormerTitle(row?.former_titles ?? null, title, currentTitle) };
  }

  markConflict(id: number, hash: string, fields: { reason: string; linkTitle: string; linkUrl?: string }): Promise<boolean> {
    return this.#update(id, hash, {
      state: 'conflict', reason: fields.reason, link_title: fields.linkTitle, link_url: fields.linkUrl ?? null, retryable: 0, next_attempt_at: null,
    });
  }

  /** `retryable`: the wiki was the problem; the next run tries again after the backoff. */
  async markFailed(id: number, hash: string, fields: { reason: string; retryable: boolean; now?: Date }): Promise<boolean> {
    const attempts = ((await this.get(id))?.attempts ?? 0) + 1;
    const next = fields.retryable ? new Date((fields.now ?? new Date()).getTime() + retryDelayMs(attempts)).toISOString() : null;
    return this.#update(id, hash, { state: 'failed', reason: fields.reason, retryable: fields.retryable ? 1 : 0, next_attempt_at: next, attempts });
  }

  /** Back to `queued` (the stop page halted the run before this note's edit). */
  requeue(id: number, hash: string, reason?: string): Promise<boolean> {
    return this.#update(id, hash, { state: 'queued', reason: reason ?? null });
  }

  /** Entries, newest first, and how many are in each state. */
  async list(opts: { limit?: number; states?: readonly NoteState[] } = {}): Promise<{ entries: QueueEntry[]; counts: Record<NoteState, number>; total: number }> {
    const limit = Math.max(1, Math.min(opts.limit ?? 50, 1000));
    const states = opts.states?.length ? opts.states : NOTE_STATES;
    const rows = (await this.#db
      .selectFrom('notes_queue')
      .selectAll()
      .where('state', 'in', states)
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute()) as Row[];
    const counts = Object.fromEntries(NOTE_STATES.map((s) => [s, 0])) as Record<NoteState, number>;
    const grouped = await this.#db.selectFrom('notes_queue').select((eb) => ['state', eb.fn.countAll().as('n')]).groupBy('state').execute();
    for (const c of grouped) counts[c.state as NoteState] = Number(c.n);
    const total = NOTE_STATES.reduce((sum, s) => sum + counts[s], 0);
    return { entries: rows.map((r) => toEntry(toRecord(r))), counts, total };
  }

  /** Published notes whose text names `name` (case-insensitive), newest first; default at most 20. */
  mentioning(name: string, opts: { limit?: number } = {}): Promise<QueueEntry[]> {
    return publishedMentioning(this.#db, name, Math.max(1, Math.min(opts.limit ?? 20, 100)));
  }

  /**
   * Compare-and-set on the source hash: a result never lands on a newer version of the note. An
   * outcome (not `publishing`) also ends the claim.
   */
  async #update(id: number, hash: string, set: Updateable<NotesTables['notes_queue']>, endsClaim = true, holder?: string): Promise<boolean> {
    let update = this.#db
      .updateTable('notes_queue')
      .set({ ...set, updated_at: new Date().toISOString(), ...(endsClaim ? { claimed_by: null, claim_expires_at: null, claim_heartbeat_at: null } : {}) })
      .where('id', '=', id)
      .where('source_hash', '=', hash);
    if (holder !== undefined) update = update.where('claimed_by', '=', holder);
    const result = await retryWhenBusy(() => update.executeTakeFirst());
    if (endsClaim) this.#claims.delete(id);
    return Number(result.numUpdatedRows) === 1;
  }
}

/** Converts once without wiki data: the page title, or the converter's French refusal. */
function checkNote(source: string, fileName: string | undefined, now: Date): { title?: string; session?: number; error?: IntakeCheck['error']; warnings: string[] } {
  try {
    const note = convertNote(source, { fileName, now });
    return { title: note.title, warnings: note.warnings, ...(note.meta.session !== undefined ? { session: note.meta.session } : {}) };
  } catch (err) {
    if (err instanceof NoteError) return { error: { code: err.code, message: err.message }, warnings: [] };
    // A converter bug must not lose the note: it is kept, failed, with what went wrong.
    return { error: { code: 'NOTE_INTERNAL', message: `La note n’a pas pu être convertie (erreur interne : ${err instanceof Error ? err.message : String(err)}). Signalez-le à l’équipe Pollen.` }, warnings: [] };
  }
}

/** Read API for the dashboard and the gateway: the latest entries (default 50) and the count of notes in each state. */
export function listQueue(store: StoreDb, opts: { limit?: number; states?: readonly NoteState[] } = {}): Promise<{
  entries: QueueEntry[]; counts: Record<NoteState, number>; total: number;
}> {
  return new NoteQueue(store).list(opts);
}
