/**
 * The tables of needed software (`/besoins-logiciels`): proposals, the entries people add to them
 * (an association's need with its pledge, or someone who could do the work), the links mailed to
 * confirm each, and what the wiki publisher last saved. Every table's writes raise the store's
 * `software_needs` change marker, so cached GraphQL answers follow them on every replica.
 */
import { changeMarkerMigration } from '../store/changes.js';
import type { Migration } from '../store/migrations.js';
import { withIdColumn } from '../store/migrations.js';

export const softwareNeedsMigrations: Migration[] = [
  {
    id: 'software-needs/001-proposals',
    up: async (db, dialect) => {
      await withIdColumn(db.schema.createTable('software_needs'), dialect)
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('software', 'text')
        // unconfirmed (link not opened yet), pending (facilitators decide), approved, rejected.
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reject_reason', 'text')
        // Kept up to date with each confirmed or hidden need: the public list sorts on it.
        .addColumn('association_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('wiki_title', 'text')
        // One row for twenty identical sends (ON CONFLICT DO NOTHING).
        .addColumn('submission_key', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('confirmed_at', 'text')
        .addColumn('decided_at', 'text')
        .execute();
      await db.schema.createIndex('software_needs_public').on('software_needs').columns(['status', 'association_count', 'id']).execute();
      await db.schema.createIndex('software_needs_kind').on('software_needs').columns(['status', 'kind', 'association_count', 'id']).execute();

      await withIdColumn(db.schema.createTable('software_need_entries'), dialect)
        .addColumn('need_id', 'integer', (c) => c.notNull().references('software_needs.id').onDelete('cascade'))
        // need: an association needs it (maybe with a pledge); offer: someone could do it.
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', (c) => c.notNull())
        // Never shown, never in GraphQL: where the confirmation link (and a refusal) goes.
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('link', 'text')
        .addColumn('hours', 'integer')
        .addColumn('euros', 'integer')
        .addColumn('note', 'text')
        // unconfirmed, confirmed, hidden.
        .addColumn('status', 'text', (c) => c.notNull())
        // The earliest confirmed entry of the same association (same address or same name, step
        // by step): the entries of one association count once. Set at each confirmation or hiding.
        .addColumn('association_id', 'integer')
        .addColumn('submission_key', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('confirmed_at', 'text')
        .execute();
      await db.schema.createIndex('software_need_entries_need').on('software_need_entries').columns(['need_id', 'role', 'status']).execute();

      await db.schema.createTable('software_need_links')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'integer', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema.createTable('software_need_wiki_pages')
        .addColumn('title', 'text', (c) => c.primaryKey())
        .addColumn('text_hash', 'text', (c) => c.notNull())
        .addColumn('revid', 'integer')
        .addColumn('published_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  changeMarkerMigration('software-needs/002-change-marker', 'software_needs', ['software_needs', 'software_need_entries']),
];
