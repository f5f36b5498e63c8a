import { sql } from 'kysely';
import { withIdColumn, type Migration } from '../store/migrations.js';

/**
 * The learner space's tables: local accounts' e-mail addresses, sign-ups waiting for their
 * confirmation, single-use password links, and every quiz attempt with its answers.
 */
export const learnerMigrations: Migration[] = [
  {
    id: 'learner/001-accounts',
    async up(db) {
      await db.schema
        .createTable('learner_accounts')
        .addColumn('learner_id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('learner_signups')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('learner_password_links')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('learner_id', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .execute();
    },
  },
  {
    id: 'learner/002-quiz-attempts',
    async up(db, dialect) {
      await withIdColumn(db.schema.createTable('learner_quiz_attempts'), dialect)
        .addColumn('learner_id', 'text', (c) => c.notNull())
        .addColumn('slug', 'text', (c) => c.notNull())
        /** The form's own random key: the same form sent twice is one attempt. */
        .addColumn('submission_key', 'text', (c) => c.notNull())
        .addColumn('score', 'integer', (c) => c.notNull())
        .addColumn('total', 'integer', (c) => c.notNull())
        .addColumn('passed', 'integer', (c) => c.notNull().check(sql`passed IN (0, 1)`))
        /** JSON: the index chosen for each question, an array of the ticked indexes for a multiple-choice one (null: none). */
        .addColumn('answers', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('learner_quiz_attempts_submission', ['learner_id', 'submission_key'])
        .execute();
      await db.schema.createIndex('learner_quiz_attempts_learner').on('learner_quiz_attempts').columns(['learner_id', 'slug']).execute();
    },
  },
];
