import { withIdColumn, type Migration } from '../store/migrations.js';

/** The outbox's table. Ids are never edited once shipped: a change is a new migration. */
export const mailMigrations: Migration[] = [
  {
    id: 'mail/001-outbox',
    up: async (db, dialect) => {
      await withIdColumn(db.schema.createTable('mail_outbox'), dialect)
        // What the mail is about, for people and counts: `agenda.registered`, `agenda.promoted`, …
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        // pending → sent, or failed once the attempts are spent.
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text')
        .execute();
      await db.schema.createIndex('mail_outbox_due').on('mail_outbox').columns(['state', 'next_attempt_at', 'id']).execute();
    },
  },
];
