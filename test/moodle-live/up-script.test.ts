/**
 * `npm run moodle:up` as an administrator trying Pollen on a shared machine runs it: the ports and
 * the data folder they choose, nothing in the system temp folder for the site, and `moodle:down`
 * removing it all. Uses the template the run's live Moodle was copied from (no second install).
 */
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { freePort } from '../../scripts/net.js';
import { startPostgresCluster } from '../../scripts/postgres/cluster.js';
import type { MoodleSite } from '../../scripts/moodle/site.js';
import { describeLive } from '../support/moodle-live.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

function runScript(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(ROOT, 'scripts/moodle', script)], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describeLive('scripts/moodle/up.sh on a shared machine', (live) => {
  let parent: string;
  afterAll(async () => {
    if (parent) await rm(parent, { recursive: true, force: true });
  });

  it('serves on POLLEN_MOODLE_PORT with its PostgreSQL on POLLEN_MOODLE_DB_PORT, everything in POLLEN_MOODLE_DIR; down.sh removes it', async () => {
    // A data folder PostgreSQL's own user can reach (a clone may sit under a private folder when run as root).
    parent = await mkdtemp(path.join(tmpdir(), 'moodle-up-spec-'));
    // As an administrator's folder would be: PostgreSQL runs as its own user and must reach the data folder.
    await chmod(parent, 0o755);
    const dir = path.join(parent, 'moodle');
    const [port, dbPort] = [await freePort(), await freePort()];
    const env = { POLLEN_MOODLE_PORT: String(port), POLLEN_MOODLE_DB_PORT: String(dbPort), POLLEN_MOODLE_DIR: dir };
    const up = await runScript('up.sh', env);
    try {
      expect(up.code, up.stderr).toBe(0);
      expect(up.stdout).toContain(`MOODLE_URL=http://127.0.0.1:${port}\n`);
      expect(up.stdout).toMatch(/MOODLE_COURSE_ID=\d+/);
      const site = JSON.parse(await readFile(path.join(dir, 'site.json'), 'utf8')) as MoodleSite;
      expect(site.port).toBe(port);
      for (const folder of [site.tree, site.dataroot, site.postgresDir]) expect(folder.startsWith(`${dir}/`), folder).toBe(true);
      // PostgreSQL writes its port on the fourth line of postmaster.pid; Moodle's config.php uses it.
      expect((await readFile(path.join(site.postgresDir, 'postmaster.pid'), 'utf8')).split('\n')[3]).toBe(String(dbPort));
      expect(await readFile(path.join(site.tree, 'config.php'), 'utf8')).toContain(`'dbport' => ${dbPort}`);
      expect((await fetch(`http://127.0.0.1:${port}/login/index.php`)).status).toBe(200);

      // A port already taken is refused at once, naming the setting, in French.
      const taken = await runScript('up.sh', { ...env, POLLEN_MOODLE_DIR: path.join(parent, 'other'), POLLEN_MOODLE_PORT: String(live().port) });
      expect(taken.code).toBe(1);
      expect(taken.stderr).toContain(`POLLEN_MOODLE_PORT=${live().port} : ce port est déjà pris sur 127.0.0.1`);
    } finally {
      const down = await runScript('down.sh', env);
      expect(down.code, down.stderr).toBe(0);
    }
    expect(existsSync(dir)).toBe(false);
  }, 600_000);

  it('builds the template’s database cluster in the folder it is given, not the system temp folder', async () => {
    // A folder the postgres user can reach (a clean clone may sit in a private folder, see site.ts).
    const work = await mkdtemp(path.join(tmpdir(), 'moodle-template-spec-'));
    await chmod(work, 0o755);
    try {
      const cluster = await startPostgresCluster({ fast: true, parentDir: work });
      try {
        expect(cluster.dir.startsWith(`${work}/pollen-pg-`)).toBe(true);
        expect(existsSync(path.join(cluster.dir, 'PG_VERSION'))).toBe(true);
      } finally {
        await cluster.stop();
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
