import { changeMarkerMigration } from '../store/changes.js';
import { withIdColumn, type Migration } from '../store/migrations.js';

/** The agenda's tables. Ids are never edited once shipped: a change is a new migration. */
export const agendaMigrations: Migration[] = [
  {
    id: 'agenda/001-sessions-registrations',
    up: async (db, dialect) => {
      await withIdColumn(db.schema.createTable('agenda_sessions'), dialect)
        .addColumn('uid', 'text', (c) => c.notNull().unique())
        .addColumn('module_slug', 'text')
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('starts_at', 'text', (c) => c.notNull())
        .addColumn('ends_at', 'text', (c) => c.notNull())
        .addColumn('time_zone', 'text', (c) => c.notNull())
        .addColumn('address', 'text')
        .addColumn('latitude', 'double precision')
        .addColumn('longitude', 'double precision')
        .addColumn('online_url', 'text')
        .addColumn('facilitators', 'text', (c) => c.notNull())
        .addColumn('capacity', 'integer', (c) => c.notNull())
        .addColumn('is_public', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('minutes_title', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('agenda_sessions_starts').on('agenda_sessions').columns(['starts_at', 'id']).execute();
      await db.schema.createIndex('agenda_sessions_module').on('agenda_sessions').columns(['module_slug', 'starts_at']).execute();

      await withIdColumn(db.schema.createTable('agenda_registrations'), dialect)
        .addColumn('session_id', 'integer', (c) => c.notNull().references('agenda_sessions.id').onDelete('cascade'))
        // `learner:<id>` or `email:<address>`: one registration per person and session.
        .addColumn('registrant_key', 'text', (c) => c.notNull())
        .addColumn('learner_id', 'text')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        // SHA-256 of the registration's token (the person keeps the token to cancel).
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('present', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('agenda_registrations_once', ['session_id', 'registrant_key'])
        .execute();
      await db.schema.createIndex('agenda_registrations_queue').on('agenda_registrations').columns(['session_id', 'status', 'id']).execute();
    },
  },
  {
    // Later mails (a seat freed, the session moved) carry their own cancellation link: a new
    // token each (the first one is only in the registration mail, and only its hash is kept).
    id: 'agenda/002-registration-tokens',
    up: async (db, dialect) => {
      await withIdColumn(db.schema.createTable('agenda_registration_tokens'), dialect)
        .addColumn('registration_id', 'integer', (c) => c.notNull().references('agenda_registrations.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  {
    // Double opt-in: a visitor's registration waits here until they open the link mailed to
    // them; only then does it become a registration (a seat or a waiting-list place, in order of
    // confirmation: its id is given then). An unconfirmed one expires and held nothing.
    id: 'agenda/003-pending-registrations',
    up: async (db, dialect) => {
      await withIdColumn(db.schema.createTable('agenda_pending_registrations'), dialect)
        .addColumn('session_id', 'integer', (c) => c.notNull().references('agenda_sessions.id').onDelete('cascade'))
        .addColumn('registrant_key', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        // SHA-256 of the token mailed to the person: it confirms, then stays their cancellation token.
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('agenda_pending_once', ['session_id', 'registrant_key'])
        .execute();
      await db.schema.createIndex('agenda_pending_expiry').on('agenda_pending_registrations').columns(['expires_at']).execute();
    },
  },
  // Sessions and their seat counts: a write raises the store's `agenda` change marker
  // (src/store/changes.ts), so every replica drops its cached answers (src/graphql/answer-cache).
  changeMarkerMigration('agenda/004-change-marker', 'agenda', ['agenda_sessions', 'agenda_registrations']),
];
