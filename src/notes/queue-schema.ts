/** The notes queue's table, its migrations, and rows to records. */
import { sql, type Generated } from 'kysely';
import { withIdColumn, type Migration } from '../store/migrations.js';
import type { NoteOrigin, NoteState, QueueRecord } from './queue.js';

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
];

export function toRecord(row: Row): QueueRecord {
  return {
    id: Number(row.id), key: row.note_key, origin: row.origin as NoteOrigin, fileName: row.file_name, sourceHash: row.source_hash,
    receivedAt: row.received_at, state: row.state as NoteState, pageTitle: row.page_title, pageUrl: row.page_url,
    revid: row.revid === null ? null : Number(row.revid), reason: row.reason, linkTitle: row.link_title, linkUrl: row.link_url,
    attempts: Number(row.attempts), retryable: Number(row.retryable) === 1, nextAttemptAt: row.next_attempt_at, updatedAt: row.updated_at,
    publishedAt: row.published_at, source: row.source, wikitext: row.wikitext,
  };
}
