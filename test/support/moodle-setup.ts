import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { postgresAvailable } from '../../scripts/postgres/cluster.js';
import { moodleArchive, provisionMoodle, stopSite, type MoodleSite } from '../../scripts/moodle/site.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * The run's live Moodle (scripts/moodle/site.ts): the file its description is written to
     * once it answers (`{ site }` or `{ error }`), or why there is none.
     */
    liveMoodle: { pending: string } | { notRun: string };
  }
}

export const LIVE_SPECS_DIR = 'test/moodle-live';

/** Whether this run includes a live-Moodle spec (no filter, or a filter that matches one). */
function liveSpecsSelected(project: TestProject): boolean {
  // Vitest keeps the command line's file filters here (set before the global set-up runs).
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  if (!filters || filters.length === 0) return true;
  const root = project.config.root;
  const dir = path.join(root, LIVE_SPECS_DIR);
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => path.join(dir, f)) : [];
  return files.some((file) => filters.some((filter) => file.includes(filter.replace(/^\.\//, '')) || path.relative(root, file).includes(filter.replace(/^\.\//, ''))));
}

/**
 * Vitest globalSetup: ONE live Moodle per test run, only when the run includes a spec of
 * test/moodle-live/, provisioned in the background while the other specs run: copied from the installed template in var/moodle-template (seconds), which
 * is built the first time (install.php: ~80 s on an idle machine). Without the Moodle archive (a clone without ../shared) the live specs
 * are reported as NOT RUN, loudly; under CI=true that stops the run.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (!liveSpecsSelected(project)) {
    project.provide('liveMoodle', { notRun: 'live-Moodle specs not selected in this run' });
    return undefined;
  }
  const missing = !moodleArchive()
    ? 'the Moodle archive ../shared/moodle/moodle-*.tar.xz is missing (or set POLLEN_MOODLE_ARCHIVE)'
    : !postgresAvailable()
      ? 'PostgreSQL 15 is not installed (apt-get install postgresql-15)'
      : !existsSync('/usr/bin/php')
        ? 'PHP is not installed (see .ci/run for the packages)'
        : '';
  if (missing) {
    if (process.env.CI === 'true') throw new Error(`CI: the live-Moodle specs cannot run: ${missing}`);
    process.stderr.write(`\n*** The live-Moodle specs (${LIVE_SPECS_DIR}) are NOT RUN: ${missing} ***\n\n`);
    project.provide('liveMoodle', { notRun: missing });
    return undefined;
  }
  const root = await mkdtemp(path.join(tmpdir(), 'pollen-moodle-'));
  const status = path.join(root, 'live-moodle.json');
  // Built while the rest of the run goes on (the first install takes minutes on a fresh machine):
  // the live specs run last (test/support/sequencer.ts) and wait for this file (moodle-live.ts).
  const written = (value: { site: MoodleSite } | { error: string }) =>
    writeFile(`${status}.part`, JSON.stringify(value)).then(() => rename(`${status}.part`, status));
  const provisioned = provisionMoodle({ root, log: (line) => process.stderr.write(`live Moodle: ${line}\n`) }).then(
    (site) => written({ site }),
    async (err: unknown) => {
      await stopSite(root).catch(() => undefined);
      await written({ error: `Could not start the live Moodle for tests: ${String(err instanceof Error ? err.message : err)}` });
    },
  );
  project.provide('liveMoodle', { pending: status });
  return async () => {
    await provisioned;
    await stopSite(root);
  };
}
