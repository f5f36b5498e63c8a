/** The notes queue's table, its migrations, rows to records, and the reads the queue shares. */
import { sql, type ExpressionBuilder, type Generated, type Kysely, type Transaction } from 'kysely';
import { withIdColumn, type Migration } from '../store/migrations.js';
import { isSameNote, type NoteIdentity } from './identity.js';
import type { NoteOrigin, NoteState, PendingOptions, QueueEntry, QueueRecord } from './queue.js';

export interface NotesTables {
  notes_queue: {
    id: Generated<number>;
    note_key: string;
    origin: string;
    file_name: string | null;
    source: string;
    source_hash: string;
    received_at: string;
    state: string;
    page_title: string | null;
    page_url: string | null;
    wikitext: string | null;
    revid: number | null;
    reason: string | null;
    link_title: string | null;
    link_url: string | null;
    attempts: Generated<number>;
    retryable: Generated<number>;
    next_attempt_at: string | null;
    updated_at: string;
    published_at: string | null;
    /** The worker publishing the note (notes/002-claims), until `claim_expires_at` (ms). */
    claimed_by: string | null;
    claim_expires_at: number | null;
    /** The page holding `revid`, the bot's last revision for this note (notes/003-page-titles). */
    published_title: string | null;
    /** JSON array of the titles the note's page had before a title or date change; reserved for this note. */
    former_titles: string | null;
    /** When the worker last renewed its claim (ms; notes/004-claim-heartbeat): a live worker renews it every claim length / HEARTBEATS_PER_CLAIM. */
    claim_heartbeat_at: number | null;
  };
}

export type Row = { [K in keyof NotesTables['notes_queue']]: NotesTables['notes_queue'][K] extends Generated<infer T> ? T : NotesTables['notes_queue'][K] };

/** Ids kept from the synchronous store: an existing SQLite file is upgraded in place. */
export const notesMigrations: Migration[] = [
  {
    id: 'notes/001-queue',
    async up(db, dialect) {
      await withIdColumn(db.schema.createTable('notes_queue'), dialect)
        .addColumn('note_key', 'text', (c) => c.notNull().unique())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('source_hash', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull().check(sql`state IN ('queued', 'publishing', 'published', 'failed', 'conflict')`))
        .addColumn('page_title', 'text')
        .addColumn('page_url', 'text')
        .addColumn('wikitext', 'text')
        .addColumn('revid', 'bigint')
        .addColumn('reason', 'text')
        .addColumn('link_title', 'text')
        .addColumn('link_url', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('retryable', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('published_at', 'text')
        .execute();
      await db.schema.createIndex('notes_queue_state').on('notes_queue').columns(['state', 'id']).execute();
      await db.schema.createIndex('notes_queue_page').on('notes_queue').column('page_title').execute();
    },
  },
  {
    id: 'notes/002-claims',
    async up(db) {
      await db.schema.alterTable('notes_queue').addColumn('claimed_by', 'text').execute();
      await db.schema.alterTable('notes_queue').addColumn('claim_expires_at', 'bigint').execute();
    },
  },
  {
    // Where the bot's last revision of each note is, and the titles a renamed note's page had.
    id: 'notes/003-page-titles',
    async up(db) {
      await db.schema.alterTable('notes_queue').addColumn('published_title', 'text').execute();
      await db.schema.alterTable('notes_queue').addColumn('former_titles', 'text').execute();
      // Until now a published note's revision was on its page_title (a pending title change excepted: it makes a new page, as before).
      await db.updateTable('notes_queue').set({ published_title: sql.ref('page_title') }).where('revid', 'is not', null).execute();
    },
  },
  {
    id: 'notes/004-claim-heartbeat',
    async up(db) {
      await db.schema.alterTable('notes_queue').addColumn('claim_heartbeat_at', 'bigint').execute();
    },
  },
];

export function toRecord(row: Row): QueueRecord {
  return {
    id: Number(row.id), key: row.note_key, origin: row.origin as NoteOrigin, fileName: row.file_name, sourceHash: row.source_hash,
    receivedAt: row.received_at, state: row.state as NoteState, pageTitle: row.page_title, pageUrl: row.page_url,
    revid: row.revid === null ? null : Number(row.revid), reason: row.reason, linkTitle: row.link_title, linkUrl: row.link_url,
    attempts: Number(row.attempts), retryable: Number(row.retryable) === 1, nextAttemptAt: row.next_attempt_at, updatedAt: row.updated_at,
    publishedAt: row.published_at, source: row.source, wikitext: row.wikitext,
    publishedTitle: row.published_title, formerTitles: parseTitles(row.former_titles),
  };
}

/** `former_titles` as stored (a JSON array of strings); anything else reads as none. */
export function parseTitles(stored: string | null): string[] {
  if (!stored) return [];
  try {
    const value: unknown = JSON.parse(stored);
    return Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}

/** `former_titles` with `title` added (once), without the page's current title (a note may come back to a former title). */
export function withFormerTitle(stored: string | null, title: string, currentTitle: string): string | null {
  const titles = [...parseTitles(stored), title].filter((t, i, all) => t !== currentTitle && all.indexOf(t) === i);
  return titles.length > 0 ? JSON.stringify(titles) : null;
}

export function toEntry(record: QueueRecord): QueueEntry {
  const { source: _source, wikitext: _wikitext, publishedTitle: _published, formerTitles: _former, ...entry } = record;
  return entry;
}

export type Db = Kysely<NotesTables> | Transaction<NotesTables>;

export function pendingFilter(eb: ExpressionBuilder<NotesTables, 'notes_queue'>, opts: PendingOptions) {
  const now = (opts.now ?? new Date()).toISOString();
  const due = eb.and([
    eb('state', '=', 'failed'),
    eb('retryable', '=', 1),
    opts.ignoreBackoff ? sql<boolean>`1 = 1` : eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)]),
  ]);
  const work = eb.or([eb('state', 'in', ['queued', 'publishing']), due]);
  if (!opts.ids) return work;
  // Entries left `publishing` by a crash are always included.
  return eb.and([work, eb.or([eb('state', '=', 'publishing'), ...(opts.ids.length ? [eb('id', 'in', opts.ids)] : [])])]);
}

export async function byId(db: Db, id: number): Promise<QueueRecord | undefined> {
  const row = (await db.selectFrom('notes_queue').selectAll().where('id', '=', id).executeTakeFirst()) as Row | undefined;
  return row && toRecord(row);
}

export async function byKey(db: Db, key: string): Promise<QueueRecord | undefined> {
  const row = (await db.selectFrom('notes_queue').selectAll().where('note_key', '=', key).executeTakeFirst()) as Row | undefined;
  return row && toRecord(row);
}

export async function mustGet(db: Db, id: number): Promise<QueueRecord> {
  const record = await byId(db, id);
  if (!record) throw new Error(`notes queue entry ${id} vanished`);
  return record;
}

/**
 * A note holds its page title, the page of its last published revision and every title its
 * page had before a title or date change (moved away, or left with a notice): the first other
 * note holding `pageTitle`, if any.
 */
export async function otherNoteOnPage(db: Db, pageTitle: string, note: NoteIdentity & { id?: number }): Promise<QueueEntry | undefined> {
  // LIKE narrows (SQLite's ignores ASCII case); the exact test is on the parsed list below.
  const formerPattern = `%${likeLiteral(JSON.stringify(pageTitle))}%`;
  const rows = (await db
    .selectFrom('notes_queue')
    .selectAll()
    .where((eb) => eb.or([
      eb('page_title', '=', pageTitle),
      eb('published_title', '=', pageTitle),
      sql<boolean>`${sql.ref('former_titles')} like ${formerPattern} escape '\\'`,
    ]))
    .where((eb) => eb.not(eb.and([eb('state', '=', 'failed'), eb('retryable', '=', 0), eb('revid', 'is', null)])))
    .orderBy('id')
    .execute()) as Row[];
  const holds = (r: QueueRecord): boolean => r.pageTitle === pageTitle || r.publishedTitle === pageTitle || r.formerTitles.includes(pageTitle);
  const owner = rows.map(toRecord).find((r) => holds(r) && r.id !== note.id && !isSameNote(r, note));
  return owner && toEntry(owner);
}


/** `%`, `_` and `\` taken literally in a LIKE pattern (with `ESCAPE '\'`). */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Published notes whose stored (redacted) text names `name`, most recently published first.
 * Case-insensitive by `lower(...)` on both sides, on SQLite and PostgreSQL alike (SQLite's
 * `lower` folds ASCII letters only: "ÉLODIE" does not match "Élodie" there).
 */
export async function publishedMentioning(db: Db, name: string, limit: number): Promise<QueueEntry[]> {
  const needle = name.normalize('NFC').trim();
  if (!needle) return [];
  const pattern = `%${likeLiteral(needle.toLowerCase())}%`;
  const rows = (await db
    .selectFrom('notes_queue')
    .selectAll()
    .where('state', '=', 'published')
    .where(sql<boolean>`lower(${sql.ref('source')}) like lower(${pattern}) escape '\\'`)
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()) as Row[];
  return rows.map((r) => toEntry(toRecord(r)));
}
