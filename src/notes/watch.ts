/**
 * Unattended syncing of a folder: every `intervalMs`, new and changed note files are queued
 * and the queue is published (failed notes wait for their backoff). Polling, not fs.watch:
 * it works the same on network shares and synced folders, and a missed event cannot lose a note.
 */
import { stat } from 'node:fs/promises';
import type { WikiClient } from '../wiki/client.js';
import { publishPendingNotes, WORKER_BATCH_SIZE, type NotesRunReport, type PublishNotesOptions } from './publisher.js';
import type { NoteQueue } from './queue.js';
import { listNoteFiles, readNoteFile } from './sources.js';

export interface WatchOptions extends Pick<PublishNotesOptions, 'stopPage' | 'tags' | 'afterSave' | 'modules'> {
  /** Folder of note files. */
  dir: string;
  /** Pause between two scans, in ms. Default: 5000. */
  intervalMs?: number;
  /** Ends the loop cleanly (between two notes at most). */
  signal: AbortSignal;
  /** French progress lines. Default: silent. */
  log?: (line: string) => void;
  /** Called after each pass (tests, status displays). */
  onPass?: (pass: WatchPass) => void;
}

export interface WatchPass {
  /** Files queued for the first time or with new content during this pass. */
  queued: number;
  run: NotesRunReport | undefined;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Runs until `signal` aborts. Errors of one pass are logged and the next pass tries again. */
export async function watchFolder(client: WikiClient, queue: NoteQueue, opts: WatchOptions): Promise<void> {
  const log = opts.log ?? (() => {});
  const seen = new Map<string, string>(); // file -> "mtime:size" already queued
  while (!opts.signal.aborted) {
    let queued = 0;
    let run: NotesRunReport | undefined;
    try {
      for (const file of await listNoteFiles(opts.dir)) {
        const info = await stat(file).catch(() => undefined);
        if (!info) continue; // removed meanwhile
        const version = `${info.mtimeMs}:${info.size}`;
        if (seen.get(file) === version) continue;
        // A document that cannot be read (damaged .docx…) is reported once, not every pass, and
        // does not hold up the folder's other notes; it is read again once it changes.
        const input = await readNoteFile(file, 'watch').catch((err: unknown) => {
          seen.set(file, version);
          log(`avertissement : ${file} : ${err instanceof Error ? err.message : String(err)}`);
          return undefined;
        });
        if (!input) continue;
        const { change, warnings } = await queue.enqueue(input);
        seen.set(file, version);
        if (change !== 'unchanged') {
          queued += 1;
          log(`${change === 'new' ? 'nouvelle note' : 'note modifiée'} : ${file}`);
          for (const warning of warnings) log(`avertissement : ${file} : ${warning}`);
        }
      }
      // In batches: several watchers (machines) and the gateways share one long queue.
      run = await publishPendingNotes(client, queue, { batchSize: WORKER_BATCH_SIZE, stopPage: opts.stopPage, tags: opts.tags, afterSave: opts.afterSave, signal: opts.signal, log, modules: opts.modules });
      if (run.halted) log(run.halted);
    } catch (err) {
      log(`Passage interrompu : ${err instanceof Error ? err.message : String(err)}. Nouvel essai au prochain passage.`);
    }
    opts.onPass?.({ queued, run });
    await sleep(opts.intervalMs ?? 5000, opts.signal);
  }
}
