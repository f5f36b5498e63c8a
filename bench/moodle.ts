/**
 * `npm run bench -- moodle`: against a live Moodle 5.1 (scripts/moodle/site.ts, copied from the
 * installed template), one run each:
 * - the progress sync of 100 enrolled learners on the course Pollen builds (.mbz restored):
 *   batched (tool_mobile_call_external_functions) vs one call per learner per function, in sequence;
 * - `.mbz` generation time (median of 5) and restore time (admin/cli/restore_backup.php);
 * - for comparison, the IMS Common Cartridge's import: Moodle's own converter and restore
 *   (scripts/moodle/restore-cartridge.php, what the web restore runs).
 * Figures only; nothing passes or fails on time.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { moodleArchive, provisionMoodle, runMoodleCli, runSitePhp, stopSite, type MoodleSite } from '../scripts/moodle/site.js';
import { exportImscc } from '../src/curriculum/imscc/index.js';
import { loadCurriculum } from '../src/curriculum/loader.js';
import { exportMbz } from '../src/curriculum/mbz/export.js';
import type { CurriculumModule } from '../src/curriculum/schema.js';
import { MoodleClient } from '../src/moodle/index.js';
import { ProgressTracker } from '../src/progress/tracker.js';
import { openPollenStore } from '../src/store-schema.js';
import { median } from './support.js';

const LEARNERS = 100;

async function sync(site: MoodleSite, curriculum: CurriculumModule[], courseId: number, batch: 'auto' | 'never', concurrency: number) {
  const store = await openPollenStore({ kind: 'sqlite', path: ':memory:' });
  const client = new MoodleClient({ url: site.url, token: site.adminToken, batch, concurrency, timeoutMs: 120_000 });
  const tracker = new ProgressTracker({ store, curriculum, moodle: { client, courseId } });
  const started = performance.now();
  const report = await tracker.sync();
  const ms = Math.round(performance.now() - started);
  await store.close();
  if (report.learners !== LEARNERS) throw new Error(`synced ${report.learners} learners, expected ${LEARNERS}`);
  return { requests: client.stats.httpRequests, ms };
}

export default async function run(): Promise<void> {
  if (!moodleArchive()) {
    console.log('\nMoodle bench NOT RUN: the Moodle archive ../shared/moodle/moodle-*.tar.xz is missing');
    return;
  }
  const root = await mkdtemp(path.join(tmpdir(), 'pollen-bench-moodle-'));
  await chmod(root, 0o755); // the database runs as the postgres user and must reach its folder
  try {
    const site = await provisionMoodle({ root: path.join(root, 'site'), log: (line) => console.log(`  (${line})`) });
    const curriculum = await loadCurriculum('course-modules');
    const options = { wikiBaseUrl: 'https://wiki.example.org/index.php/' };
    const generation = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      exportMbz(curriculum, options);
      generation.push(performance.now() - started);
    }
    const file = path.join(root, 'pollen.mbz');
    await writeFile(file, exportMbz(curriculum, options));
    const restoreStarted = performance.now();
    const out = await runMoodleCli(site, 'admin/cli/restore_backup.php', [`--file=${file}`, '--categoryid=1']);
    const restoreMs = Math.round(performance.now() - restoreStarted);
    const courseId = Number(/Restored course ID: (\d+)/.exec(out)?.[1]);
    const spec = path.join(root, 'learners.json');
    const users = Array.from({ length: LEARNERS }, (_, i) => ({ username: `bench${i}`, password: 'Bench-pass-1', firstname: 'Bench', lastname: String(i) }));
    await writeFile(spec, JSON.stringify({ courseId, users }));
    await runSitePhp(site, 'generate.php', [spec]);

    console.log(`\nMoodle (live ${site.url}): progress sync of ${LEARNERS} learners on the restored course (${curriculum.length * 3} activities), cold cache`);
    const batched = await sync(site, curriculum, courseId, 'auto', 4);
    const single = await sync(site, curriculum, courseId, 'never', 1);
    console.log(`  batched (tool_mobile_call_external_functions, 50 per request)       ${String(batched.requests).padStart(4)} HTTP requests  ${String(batched.ms).padStart(6)} ms`);
    console.log(`  one call per learner per function, sequential (baseline)          ${String(single.requests).padStart(4)} HTTP requests  ${String(single.ms).padStart(6)} ms`);
    console.log(`  batched vs baseline: ${(single.requests / batched.requests).toFixed(1)}x fewer requests, ${(single.ms / batched.ms).toFixed(1)}x faster`);
    console.log(`  .mbz generation (${curriculum.length} modules): median ${median(generation).toFixed(0)} ms of 5; restore_backup.php: ${restoreMs} ms`);
    const cartridge = path.join(root, 'pollen.imscc');
    await writeFile(cartridge, exportImscc(curriculum, options));
    const importStarted = performance.now();
    await runSitePhp(site, 'restore-cartridge.php', [cartridge]);
    console.log(`  .imscc import (Moodle's CC converter + restore, restore-cartridge.php): ${Math.round(performance.now() - importStarted)} ms`);
  } finally {
    await stopSite(path.join(root, 'site'));
    await rm(root, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
