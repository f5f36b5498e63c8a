import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { postgresAvailable, startPostgresCluster, type PostgresCluster } from '../../scripts/postgres/cluster.js';

const execFileAsync = promisify(execFile);
const SCRIPTS = fileURLToPath(new URL('../../scripts/wiki/', import.meta.url));

declare module 'vitest' {
  export interface ProvidedContext {
    /** A stopped, relocatable template wiki (scripts/wiki/create.sh); copy it, never serve it. */
    wikiTemplateDir: string;
    /** Superuser URL of the run's throwaway PostgreSQL cluster; '' when PostgreSQL is missing. */
    postgresAdminUrl: string;
  }
}

/**
 * Vitest globalSetup: builds ONE template wiki per test run (~2.5 s), which test/support/wiki.ts
 * copies for every test file that calls startWiki(). Removed when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // `npm start` and the bots run the compiled dist/: build it once per run, so the specs over
  // the real start path run exactly that (a build error fails the run here).
  try {
    await execFileAsync('npm', ['run', 'build', '--silent'], { cwd: join(SCRIPTS, '../..'), timeout: 600_000 });
  } catch (err) {
    const out = typeof err === 'object' && err !== null && 'stdout' in err ? `${String(err.stdout)}${String((err as { stderr?: unknown }).stderr ?? '')}` : String(err);
    throw new Error(`npm run build failed: ${out.trim()}`);
  }
  await execFileAsync('bash', [join(SCRIPTS, 'install.sh')], { timeout: 600_000 });
  const root = await mkdtemp(join(tmpdir(), 'pollen-wiki-template-'));
  const dir = join(root, 'wiki');
  try {
    await execFileAsync('bash', [join(SCRIPTS, 'create.sh'), dir], { timeout: 120_000 });
  } catch (err) {
    const stderr = typeof err === 'object' && err !== null && 'stderr' in err ? String(err.stderr) : '';
    await rm(root, { recursive: true, force: true });
    throw new Error(`Could not build the template wiki for tests: ${stderr.trim() || String(err)}`);
  }
  project.provide('wikiTemplateDir', dir);

  // One throwaway PostgreSQL cluster per run (~2.5 s); each test file creates its own databases.
  let postgres: PostgresCluster | undefined;
  if (postgresAvailable()) {
    postgres = await startPostgresCluster({ fast: true });
  } else if (process.env.CI === 'true') {
    throw new Error('CI: PostgreSQL 15 is missing (postgresql-15): the store specs must run on both backends');
  } else {
    process.stderr.write('\n*** PostgreSQL 15 is not installed: the PostgreSQL store specs are NOT RUN (apt-get install postgresql-15) ***\n\n');
  }
  project.provide('postgresAdminUrl', postgres?.adminUrl ?? '');
  return async () => {
    await postgres?.stop();
    await rm(root, { recursive: true, force: true });
  };
}
