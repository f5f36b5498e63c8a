import { Worker } from 'node:worker_threads';
import type { CurriculumModule } from '../schema.js';
import type { ExportImsccOptions } from './export.js';

/** What {@link writeCartridgeApart} sends to its worker (structured-cloned: plain data). */
export interface CartridgeJob {
  modules: readonly CurriculumModule[];
  out: string;
  opts: ExportImsccOptions;
}

/**
 * Writes the cartridge as {@link writeCartridge} does, but in a worker thread that exits once the
 * file is written: the gateway writes it at every start, and building it (Markdown to HTML, QTI,
 * the zip in memory) loads modules the serving path never uses and grows the heap and malloc
 * arenas, which a long-lived process would keep. The worker's heap goes with it, and, with the start
 * script's fixed malloc trim threshold, its arena's memory too: 5-9 MB less resident memory on
 * `npm start` (README, "Development"). Resolves with the zip's size.
 */
export async function writeCartridgeApart(modules: readonly CurriculumModule[], out: string, opts: ExportImsccOptions = {}): Promise<{ bytes: number }> {
  // Run from the TypeScript sources (tsx: `npm run dev`, the specs), a worker would not get tsx's
  // loader: the cartridge is written in this process instead.
  if (import.meta.url.endsWith('.ts')) {
    const { writeCartridge } = await import('./write.js');
    return { bytes: (await writeCartridge(modules, out, opts)).bytes };
  }
  const job: CartridgeJob = { modules, out, opts };
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./write-worker.js', import.meta.url), { workerData: job });
    let result: { bytes: number } | undefined;
    worker.once('message', (message: { bytes: number }) => {
      result = message;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`the cartridge worker exited (${code}) without writing ${out}`));
    });
  });
}
