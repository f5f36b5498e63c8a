import type { Kysely } from 'kysely';
import { chunks } from '../store/chunks.js';
import { tables, type StoreDb } from '../store/database.js';
import type { Migration } from '../store/migrations.js';

interface SelfCompletionTables {
  progress_self_completions: { learner_id: string; slug: string; completed_at: string };
}

export const selfCompletionMigrations: Migration[] = [
  {
    id: 'progress/003-self-completions',
    async up(db) {
      await db.schema
        .createTable('progress_self_completions')
        .addColumn('learner_id', 'text', (c) => c.notNull())
        .addColumn('slug', 'text', (c) => c.notNull())
        .addColumn('completed_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('progress_self_completions_pk', ['learner_id', 'slug'])
        .execute();
    },
  },
];

/** Embedded mode: modules learners marked done themselves (no Moodle to hold completion). */
export class SelfCompletionStore {
  readonly #db: Kysely<SelfCompletionTables>;

  constructor(store: StoreDb) {
    this.#db = tables<SelfCompletionTables>(store);
  }

  /** Marks done (keeping the first time) or not done. */
  async set(learnerId: string, slug: string, done: boolean, at: Date): Promise<void> {
    if (done) {
      await this.#db
        .insertInto('progress_self_completions')
        .values({ learner_id: learnerId, slug, completed_at: at.toISOString() })
        .onConflict((oc) => oc.doNothing())
        .execute();
    } else {
      await this.#db.deleteFrom('progress_self_completions').where('learner_id', '=', learnerId).where('slug', '=', slug).execute();
    }
  }

  /** learnerId -> slug -> ISO time, for the given learners. */
  async forLearners(ids: readonly string[]): Promise<Map<string, Map<string, string>>> {
    const result = new Map<string, Map<string, string>>();
    for (const chunk of chunks(ids)) {
      const rows = await this.#db
        .selectFrom('progress_self_completions')
        .select(['learner_id', 'slug', 'completed_at'])
        .where('learner_id', 'in', chunk)
        .execute();
      for (const r of rows) {
        const map = result.get(r.learner_id) ?? new Map<string, string>();
        map.set(r.slug, r.completed_at);
        result.set(r.learner_id, map);
      }
    }
    return result;
  }
}
