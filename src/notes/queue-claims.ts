/**
 * Claims on the notes queue: which worker publishes a note, for how long, and whether that worker
 * still answers. A live worker renews its claims (the heartbeat) every claim length /
 * HEARTBEATS_PER_CLAIM, so a claim can be short: a killed worker's notes go to another within one
 * claim length (30 s by default), while a worker that takes long over a slow wiki keeps its notes
 * (every note goes out once). A worker of this machine whose process is gone loses its claims at
 * once (src/jobs holderProcessGone).
 */
import type { Kysely } from 'kysely';
import { holderProcessGone } from '../jobs/lease.js';
import { retryWhenBusy } from '../store/transaction.js';
import type { NotesTables } from './queue-schema.js';
import type { NoteState } from './queue.js';

/** How long a claim lasts without a renewal; a killed worker's notes go to another after it. */
export const DEFAULT_CLAIM_MS = 30_000;

/** Renewals per claim length: a worker renews every 5 s with the default claim. */
export const HEARTBEATS_PER_CLAIM = 6;

/** A worker "stopped answering" once this many renewals were missed. */
const MISSED_HEARTBEATS = 2;

/** A note some worker holds, as `notes status` and `notes retry` explain it. */
export interface NoteClaim {
  id: number;
  state: NoteState;
  pageTitle: string | null;
  fileName: string | null;
  /** The worker holding it (host:pid:suffix for a process, or a chosen name). */
  worker: string;
  /** When the claim ends unless renewed (ISO): another worker may take the note from then on (maybe past). */
  expiresAt: string;
  /** Last renewal (ISO), when the worker records them. */
  heartbeatAt: string | null;
  /** The worker missed its renewals, or its process (on this machine) is gone. */
  silent: boolean;
  /** Its process, on this machine, is gone: the next run takes the note at once. */
  gone: boolean;
}

/**
 * Renews the claims of the workers that publish through one queue object, while they run (from
 * their first claim to their `release`). Timers do not keep a process alive; a failed renewal
 * (store busy or closed) waits for the next one.
 */
export class ClaimHeartbeats {
  readonly #timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly db: Kysely<NotesTables>) {}

  /** Renews `worker`'s claims every `claimMs / HEARTBEATS_PER_CLAIM` until `stop(worker)`. */
  keep(worker: string, claimMs: number): void {
    if (this.#timers.has(worker)) return;
    const timer = setInterval(() => void this.renew(worker, claimMs).catch(() => {}), Math.max(50, Math.floor(claimMs / HEARTBEATS_PER_CLAIM)));
    timer.unref();
    this.#timers.set(worker, timer);
  }

  stop(worker: string): void {
    clearInterval(this.#timers.get(worker));
    this.#timers.delete(worker);
  }

  /** One renewal: every note `worker` still holds gets a full claim length from now. */
  async renew(worker: string, claimMs: number, now = Date.now()): Promise<number> {
    const result = await retryWhenBusy(() => this.db
      .updateTable('notes_queue')
      .set({ claim_expires_at: now + claimMs, claim_heartbeat_at: now })
      .where('claimed_by', '=', worker)
      .executeTakeFirst());
    return Number(result.numUpdatedRows);
  }
}

/** Workers among `holders` whose process, on this machine, is gone. */
export function goneHolders(holders: Iterable<string>): string[] {
  return [...new Set(holders)].filter(holderProcessGone);
}

/**
 * Notes with work left (queued, publishing, failed) that a worker holds, oldest first; a claim
 * past its end (its note not taken again yet) counts as its worker's, silent.
 */
export async function heldClaims(db: Kysely<NotesTables>, now = Date.now()): Promise<NoteClaim[]> {
  const rows = await db
    .selectFrom('notes_queue')
    .select(['id', 'state', 'page_title', 'file_name', 'claimed_by', 'claim_expires_at', 'claim_heartbeat_at'])
    .where('claimed_by', 'is not', null)
    .where('state', 'in', ['queued', 'publishing', 'failed'])
    .orderBy('id')
    .execute();
  return rows.map((r) => {
    const expires = Number(r.claim_expires_at);
    const beat = r.claim_heartbeat_at === null ? null : Number(r.claim_heartbeat_at);
    const gone = holderProcessGone(String(r.claimed_by));
    const missed = expires <= now || (beat !== null && now - beat > (MISSED_HEARTBEATS * (expires - beat)) / HEARTBEATS_PER_CLAIM);
    return {
      id: Number(r.id), state: r.state as NoteState, pageTitle: r.page_title, fileName: r.file_name, worker: String(r.claimed_by),
      expiresAt: new Date(expires).toISOString(), heartbeatAt: beat === null ? null : new Date(beat).toISOString(), silent: gone || missed, gone,
    };
  });
}
