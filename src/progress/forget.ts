import type { Kysely } from 'kysely';
import { tables, type StoreDb } from '../store/database.js';

interface ForgetTables {
  progress_learners: { id: string };
  progress_self_completions: { learner_id: string };
  progress_snapshots: { id: number; learner_id: string };
  progress_snapshot_modules: { snapshot_id: number };
}

/**
 * Erases a learner and all their progress (the account's owner deleted it: RGPD article 17):
 * snapshots, their modules, self completions and the learner row, in one transaction. True when
 * the learner existed.
 */
export async function forgetLearnerProgress(store: StoreDb, learnerId: string): Promise<boolean> {
  const db: Kysely<ForgetTables> = tables<ForgetTables>(store);
  return db.transaction().execute(async (trx) => {
    const snapshots = trx.selectFrom('progress_snapshots').select('id').where('learner_id', '=', learnerId);
    await trx.deleteFrom('progress_snapshot_modules').where('snapshot_id', 'in', snapshots).execute();
    await trx.deleteFrom('progress_snapshots').where('learner_id', '=', learnerId).execute();
    await trx.deleteFrom('progress_self_completions').where('learner_id', '=', learnerId).execute();
    const result = await trx.deleteFrom('progress_learners').where('id', '=', learnerId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  });
}
