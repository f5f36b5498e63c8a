/**
 * What a facilitator may do to a note stuck in the queue (failed, conflict), from the dashboard:
 * retry it, or discard it. Kept apart from queue.ts on purpose (the queue's own file belongs to
 * the publishing pipeline); both act on the same notes_queue table, through the store layer.
 */
import { tables } from '../store/database.js';
import { retryWhenBusy } from '../store/transaction.js';
import type { NoteQueue, QueueRecord } from './queue.js';

const STUCK = ['failed', 'conflict'] as const;

interface StuckTables {
  notes_queue: { id: number; state: string; reason: string | null; next_attempt_at: string | null; updated_at: string; source_hash: string };
}

/** The entry when it is stuck (failed or conflict), else undefined. */
export async function stuckNote(queue: NoteQueue, id: number): Promise<QueueRecord | undefined> {
  const entry = await queue.get(id);
  return entry && (STUCK as readonly string[]).includes(entry.state) ? entry : undefined;
}

/** Back to `queued` with no waiting time: the next run (or the one started now) publishes it. */
export async function retryNote(queue: NoteQueue, id: number): Promise<boolean> {
  const entry = await stuckNote(queue, id);
  if (!entry) return false;
  const result = await retryWhenBusy(() => tables<StuckTables>(queue.store)
    .updateTable('notes_queue')
    .set({ state: 'queued', reason: null, next_attempt_at: null, updated_at: new Date().toISOString() })
    .where('id', '=', id)
    .where('source_hash', '=', entry.sourceHash)
    .where('state', 'in', STUCK)
    .executeTakeFirst());
  return Number(result.numUpdatedRows) > 0;
}

/** Removes a stuck note from the queue; the wiki is not touched. */
export async function discardNote(queue: NoteQueue, id: number): Promise<QueueRecord | undefined> {
  const entry = await stuckNote(queue, id);
  if (!entry) return undefined;
  const result = await retryWhenBusy(() => tables<StuckTables>(queue.store).deleteFrom('notes_queue').where('id', '=', id).where('state', 'in', STUCK).executeTakeFirst());
  return Number(result.numDeletedRows) > 0 ? entry : undefined;
}
