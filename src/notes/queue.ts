/**
 * The durable notes queue, in the local store. A note is recorded here BEFORE any wiki call and
 * moves through `queued → publishing → published | failed | conflict`. The wikitext is frozen
 * when a version first goes to `publishing`, so a restart after a crash re-publishes exactly the
 * same text (the wiki then sees it unchanged: no second revision).
 */
import { createHash } from 'node:crypto';
import { migrate, type Store } from '../store/db.js';
import { convertNote } from './convert.js';
import { NoteError, type NoteErrorCode } from './errors.js';
import { contentKey, isSameNote, pageTakenReason, type NoteIdentity } from './identity.js';
import { normalizeSource } from './normalize.js';
import { storedNoteSource } from './pii.js';

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
  /** The agenda session the note names (`session:` in its front matter). */
  session?: number;
  /** Why the note cannot be published, in French, with its code. */
  error?: { code: NoteErrorCode | 'NOTE_INTERNAL'; message: string };
  warnings: string[];
}

export const NOTES_MIGRATIONS = [
  {
    id: 'notes/001-queue',
    sql: `CREATE TABLE notes_queue (
      id INTEGER PRIMARY KEY,
      note_key TEXT NOT NULL UNIQUE,
      origin TEXT NOT NULL,
      file_name TEXT,
      source TEXT NOT NULL,
      source_hash TEXT NOT NULL,
      received_at TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('queued', 'publishing', 'published', 'failed', 'conflict')),
      page_title TEXT,
      page_url TEXT,
      wikitext TEXT,
      revid INTEGER,
      reason TEXT,
      link_title TEXT,
      link_url TEXT,
      attempts INTEGER NOT NULL DEFAULT 0,
      retryable INTEGER NOT NULL DEFAULT 0,
      next_attempt_at TEXT,
      updated_at TEXT NOT NULL,
      published_at TEXT
    );
    CREATE INDEX notes_queue_state ON notes_queue (state, id);
    CREATE INDEX notes_queue_page ON notes_queue (page_title);`,
  },
] as const;

interface Row {
  id: number; note_key: string; origin: string; file_name: string | null; source: string; source_hash: string;
  received_at: string; state: string; page_title: string | null; page_url: string | null; wikitext: string | null;
  revid: number | null; reason: string | null; link_title: string | null; link_url: string | null; attempts: number;
  retryable: number; next_attempt_at: string | null; updated_at: string; published_at: string | null;
}

function toRecord(row: Row): QueueRecord {
  return {
    id: row.id, key: row.note_key, origin: row.origin as NoteOrigin, fileName: row.file_name, sourceHash: row.source_hash,
    receivedAt: row.received_at, state: row.state as NoteState, pageTitle: row.page_title, pageUrl: row.page_url,
    revid: row.revid, reason: row.reason, linkTitle: row.link_title, linkUrl: row.link_url, attempts: row.attempts,
    retryable: row.retryable === 1, nextAttemptAt: row.next_attempt_at, updatedAt: row.updated_at,
    publishedAt: row.published_at, source: row.source, wikitext: row.wikitext,
  };
}

function toEntry(record: QueueRecord): QueueEntry {
  const { source: _source, wikitext: _wikitext, ...entry } = record;
  return entry;
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

/** The queue over one store. Every method is one short transaction: safe to kill at any point. */
export class NoteQueue {
  constructor(readonly store: Store) {
    migrate(store, NOTES_MIGRATIONS);
  }

  /**
   * The intake rule, for every way a note comes in: decode and convert once (without wiki
   * data), find the entry it is a version of, and refuse a different note aimed at a page
   * another note holds (`isSameNote`). Reads only.
   */
  check(input: NoteInput): IntakeCheck {
    const sourceHash = noteSourceHash(input.source);
    const existing = input.key !== undefined ? this.byKey(input.key) : input.replaces !== undefined ? this.get(input.replaces) : undefined;
    const key = input.key ?? existing?.key ?? contentKey(sourceHash);
    const receivedAt = existing ? new Date(existing.receivedAt) : (input.receivedAt ?? new Date());
    const storedSource = storedNoteSource(input.source);
    const converted = checkNote(storedSource, input.fileName, receivedAt);
    const warnings = [...(input.warnings ?? []), ...converted.warnings];
    const base = { key, sourceHash, storedSource, existing: existing ?? this.byKey(key), receivedAt, warnings, ...(converted.session !== undefined ? { session: converted.session } : {}) };
    if (converted.error) return { ...base, error: converted.error };
    const title = converted.title ?? '';
    const owner = this.otherNoteOnPage(title, { key, sourceHash });
    if (owner) return { ...base, title, error: { code: 'NOTE_PAGE_TAKEN', message: pageTakenReason(title, owner) } };
    return { ...base, title };
  }

  /**
   * Records a note (idempotent): the same note with the same content changes nothing; new
   * content for a known note re-queues it, keeping its first reception time (so a note without
   * a date keeps its page). A note that cannot be published (the converter refuses it, or its
   * page is another note's) is recorded as `failed` with the French reason, unless
   * `recordRefused` is false (the gateway answers INVALID and records nothing).
   */
  enqueue(input: NoteInput, opts: { recordRefused?: boolean } = {}): { entry: QueueEntry; change: IntakeChange; warnings: string[] } {
    return this.store.transaction(() => {
      const check = this.check(input);
      const { key, sourceHash: hash, existing: known, warnings } = check;
      const now = new Date().toISOString();
      const state: NoteState = check.error ? 'failed' : 'queued';
      const reason = check.error?.message ?? null;
      if (!known) {
        const id = this.store.prepare(
          `INSERT INTO notes_queue (note_key, origin, file_name, source, source_hash, received_at, state, page_title, reason, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(key, input.origin, input.fileName ?? null, check.storedSource, hash, check.receivedAt.toISOString(), state, check.title ?? null, reason, now).lastInsertRowid;
        return { entry: toEntry(this.mustGet(Number(id))), change: 'new' as const, warnings };
      }
      if (known.sourceHash === hash) return { entry: toEntry(known), change: 'unchanged' as const, warnings };
      this.store.prepare(
        `UPDATE notes_queue SET origin = ?, file_name = ?, source = ?, source_hash = ?, state = ?, page_title = ?, reason = ?,
           wikitext = NULL, link_title = NULL, link_url = NULL, attempts = 0, retryable = 0, next_attempt_at = NULL, updated_at = ?
         WHERE id = ?`,
      ).run(input.origin, input.fileName ?? null, check.storedSource, hash, state, check.error?.code === 'NOTE_PAGE_TAKEN' ? known.pageTitle : (check.title ?? known.pageTitle), reason, now, known.id);
      return { entry: toEntry(this.mustGet(known.id)), change: 'updated' as const, warnings };
    })();
  }

  /** The first other note going to `pageTitle` that is not the same note, if any (two notes never share a page). */
  otherNoteOnPage(pageTitle: string, note: NoteIdentity & { id?: number }): QueueEntry | undefined {
    const rows = this.store.prepare(
      `SELECT * FROM notes_queue WHERE page_title = ? AND NOT (state = 'failed' AND retryable = 0 AND revid IS NULL) ORDER BY id`,
    ).all(pageTitle) as Row[];
    const owner = rows.map(toRecord).find((r) => r.id !== note.id && !isSameNote(r, note));
    return owner && toEntry(owner);
  }

  get(id: number): QueueRecord | undefined {
    const row = this.store.prepare('SELECT * FROM notes_queue WHERE id = ?').get(id) as Row | undefined;
    return row && toRecord(row);
  }

  byKey(key: string): QueueRecord | undefined {
    const row = this.store.prepare('SELECT * FROM notes_queue WHERE note_key = ?').get(key) as Row | undefined;
    return row && toRecord(row);
  }

  /** Entries with work to do, oldest first: left `publishing` by a crash, queued, failed and due. */
  pending(opts: PendingOptions = {}): QueueRecord[] {
    const now = (opts.now ?? new Date()).toISOString();
    const rows = this.store.prepare(
      `SELECT * FROM notes_queue WHERE state IN ('queued', 'publishing')
         OR (state = 'failed' AND retryable = 1 AND (? OR next_attempt_at IS NULL OR next_attempt_at <= ?))
       ORDER BY id`,
    ).all(opts.ignoreBackoff ? 1 : 0, now) as Row[];
    const ids = opts.ids && new Set(opts.ids);
    return rows.map(toRecord).filter((r) => !ids || ids.has(r.id) || r.state === 'publishing');
  }

  /**
   * Freezes the text of this version and marks it `publishing`, before the edit. Returns false
   * when the note changed meanwhile (the newer version will be published instead).
   */
  markPublishing(id: number, hash: string, fields: { wikitext: string; pageTitle: string; pageUrl?: string }): boolean {
    return this.update(id, hash, `state = 'publishing', wikitext = ?, page_title = ?, page_url = COALESCE(?, page_url)`,
      [fields.wikitext, fields.pageTitle, fields.pageUrl ?? null]);
  }

  markPublished(id: number, hash: string, fields: { revid?: number; pageTitle: string; pageUrl?: string }): boolean {
    return this.update(id, hash,
      `state = 'published', revid = COALESCE(?, revid), page_title = ?, page_url = COALESCE(?, page_url), reason = NULL,
       link_title = NULL, link_url = NULL, retryable = 0, next_attempt_at = NULL, published_at = ?`,
      [fields.revid ?? null, fields.pageTitle, fields.pageUrl ?? null, new Date().toISOString()]);
  }

  markConflict(id: number, hash: string, fields: { reason: string; linkTitle: string; linkUrl?: string }): boolean {
    return this.update(id, hash, `state = 'conflict', reason = ?, link_title = ?, link_url = ?, retryable = 0, next_attempt_at = NULL`,
      [fields.reason, fields.linkTitle, fields.linkUrl ?? null]);
  }

  /** `retryable`: the wiki was the problem; the next run tries again after the backoff. */
  markFailed(id: number, hash: string, fields: { reason: string; retryable: boolean; now?: Date }): boolean {
    const attempts = (this.get(id)?.attempts ?? 0) + 1;
    const next = fields.retryable ? new Date((fields.now ?? new Date()).getTime() + retryDelayMs(attempts)).toISOString() : null;
    return this.update(id, hash, `state = 'failed', reason = ?, retryable = ?, next_attempt_at = ?, attempts = ?`,
      [fields.reason, fields.retryable ? 1 : 0, next, attempts]);
  }

  /** Back to `queued` (the stop page halted the run before this note's edit). */
  requeue(id: number, hash: string, reason?: string): boolean {
    return this.update(id, hash, `state = 'queued', reason = ?`, [reason ?? null]);
  }

  /** Entries, newest first, and how many are in each state. */
  list(opts: { limit?: number; states?: readonly NoteState[] } = {}): { entries: QueueEntry[]; counts: Record<NoteState, number>; total: number } {
    const limit = Math.max(1, Math.min(opts.limit ?? 50, 1000));
    const states = opts.states?.length ? opts.states : NOTE_STATES;
    const rows = this.store.prepare(
      `SELECT * FROM notes_queue WHERE state IN (${states.map(() => '?').join(', ')}) ORDER BY updated_at DESC, id DESC LIMIT ?`,
    ).all(...states, limit) as Row[];
    const counts = Object.fromEntries(NOTE_STATES.map((s) => [s, 0])) as Record<NoteState, number>;
    for (const c of this.store.prepare('SELECT state, COUNT(*) AS n FROM notes_queue GROUP BY state').all() as Array<{ state: NoteState; n: number }>) {
      counts[c.state] = c.n;
    }
    const total = NOTE_STATES.reduce((sum, s) => sum + counts[s], 0);
    return { entries: rows.map((r) => toEntry(toRecord(r))), counts, total };
  }

  private mustGet(id: number): QueueRecord {
    const record = this.get(id);
    if (!record) throw new Error(`notes queue entry ${id} vanished`);
    return record;
  }

  /** Compare-and-set on the source hash: a result never lands on a newer version of the note. */
  private update(id: number, hash: string, set: string, values: unknown[]): boolean {
    const info = this.store.prepare(`UPDATE notes_queue SET ${set}, updated_at = ? WHERE id = ? AND source_hash = ?`)
      .run(...values, new Date().toISOString(), id, hash);
    return info.changes === 1;
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

/**
 * Read API for the dashboard and the gateway: the latest entries (default 50) and the count of
 * notes in each state. Creates the queue's table on a fresh store.
 */
export function listQueue(store: Store, opts: { limit?: number; states?: readonly NoteState[] } = {}): {
  entries: QueueEntry[]; counts: Record<NoteState, number>; total: number;
} {
  return new NoteQueue(store).list(opts);
}
