/**
 * What a facilitator may do to a note stuck in the queue (failed, conflict), from the dashboard:
 * retry it, or discard it. Kept apart from queue.ts on purpose (the queue's own file belongs to
 * the publishing pipeline); both act on the same notes_queue table.
 */
import type { NoteQueue, QueueRecord } from './queue.js';

const STUCK = new Set(['failed', 'conflict']);

/** The entry when it is stuck (failed or conflict), else undefined. */
export function stuckNote(queue: NoteQueue, id: number): QueueRecord | undefined {
  const entry = queue.get(id);
  return entry && STUCK.has(entry.state) ? entry : undefined;
}

/** Back to `queued` with no waiting time: the next run (or the one started now) publishes it. */
export function retryNote(queue: NoteQueue, id: number): boolean {
  const entry = stuckNote(queue, id);
  if (!entry) return false;
  return queue.store
    .prepare(`UPDATE notes_queue SET state = 'queued', reason = NULL, next_attempt_at = NULL, updated_at = ? WHERE id = ? AND source_hash = ? AND state IN ('failed', 'conflict')`)
    .run(new Date().toISOString(), id, entry.sourceHash).changes > 0;
}

/** Removes a stuck note from the queue; the wiki is not touched. */
export function discardNote(queue: NoteQueue, id: number): QueueRecord | undefined {
  const entry = stuckNote(queue, id);
  if (!entry) return undefined;
  const removed = queue.store.prepare(`DELETE FROM notes_queue WHERE id = ? AND state IN ('failed', 'conflict')`).run(id).changes > 0;
  return removed ? entry : undefined;
}
