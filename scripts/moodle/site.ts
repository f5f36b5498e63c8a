/**
 * A throwaway Moodle for tests, benchmarks and local development, installed from the Moodle 5.1
 * source archive in `../shared/moodle/` (never shipped in the repository): its own PostgreSQL
 * database, `php -S` on a loopback port with `max_input_vars=5000`, web services over REST, a
 * `pollen` service listing every function Pollen calls, and a permanent admin token.
 * Recipe: ../shared/docs/moodle-live.md. Used by scripts/moodle/up.sh and the vitest global set-up.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../net.js';
import { POSTGRES_BIN, startPostgresCluster } from '../postgres/cluster.js';

const execFileAsync = promisify(execFile);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const PHP = ['-d', 'max_input_vars=5000', '-d', 'memory_limit=512M'];
/** The throwaway site's admin password (loopback only, deleted with the site). */
export const ADMIN_PASSWORD = 'Admin-pass-1';

/** The Moodle source archive: POLLEN_MOODLE_ARCHIVE, else the newest `../shared/moodle/moodle-*.tar.xz`. */
export function moodleArchive(): string | undefined {
  const explicit = process.env.POLLEN_MOODLE_ARCHIVE;
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  const dir = path.resolve(REPO, '../shared/moodle');
  if (!existsSync(dir)) return undefined;
  const found = readdirSync(dir).filter((f) => /^moodle-.*\.tar\.xz$/.test(f)).sort().at(-1);
  return found ? path.join(dir, found) : undefined;
}

/** Everything a client needs to reach the running Moodle; saved as `<root>/site.json`. */
export interface MoodleSite {
  url: string;
  port: number;
  /** The unpacked source tree (config.php, admin/cli/, public/). */
  tree: string;
  dataroot: string;
  /** Token of the admin for the `pollen` service (every function Pollen calls). */
  adminToken: string;
  /** Token of the admin for Moodle's official mobile service (batched calls). */
  mobileToken: string;
  /** php -S process group. */
  phpPid: number;
  /** The site's own PostgreSQL cluster (data folder; its socket sits there too). */
  postgresDir: string;
}

async function php(args: string[], cwd?: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync('php', [...PHP, ...args], { timeout: 3_600_000, maxBuffer: 64 * 1024 * 1024, cwd });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`php ${args[0]} failed: ${(e.stderr || e.stdout || e.message).trim().slice(-2000)}`);
  }
}

/** Runs a PHP script of this folder (or any path) with the site's tree as first argument. */
export function runSitePhp(site: Pick<MoodleSite, 'tree'>, script: string, args: string[] = []): Promise<string> {
  const file = path.isAbsolute(script) ? script : path.join(HERE, script);
  return php([file, site.tree, ...args]);
}

/** Runs a Moodle CLI script (`admin/cli/...`) of the site. */
export function runMoodleCli(site: Pick<MoodleSite, 'tree'>, script: string, args: string[] = [], cwd?: string): Promise<string> {
  return php([path.join(site.tree, script), ...args], cwd);
}

export interface ProvisionOptions {
  /** Folder that receives this site's database cluster, source tree (hard links), data root and site.json. */
  root: string;
  /** Where installed templates are kept between runs (the install's database cluster is built there too). Default: POLLEN_MOODLE_TEMPLATE_DIR or var/moodle-template. */
  templateDir?: string;
  /** Moodle's port on 127.0.0.1. Default: a free one. */
  port?: number;
  /** Its PostgreSQL's port on 127.0.0.1. Default: a free one. */
  dbPort?: number;
  log?: (line: string) => void;
}

/** Where templates live unless told otherwise (var/ is not versioned). */
export function defaultTemplateDir(): string {
  return process.env.POLLEN_MOODLE_TEMPLATE_DIR ?? path.join(REPO, 'var', 'moodle-template');
}

/** A template is a plain install of one archive (site-setup.php runs on every copy). */
function templateKey(archive: string): string {
  const hash = createHash('sha256');
  hash.update(`${TEMPLATE_FORMAT}:${path.basename(archive)}:${statSync(archive).size}`);
  return hash.digest('hex').slice(0, 16);
}
/** Bump when buildTemplate changes what it installs. */
const TEMPLATE_FORMAT = 1;

/**
 * A running Moodle in `root`, copied from an installed template (a few seconds). The template is
 * built the first time (unpack, install.php: ~80 s on an idle 2-core machine, much longer on a
 * busy one) and kept in the template folder for later runs.
 */
export async function provisionMoodle(options: ProvisionOptions): Promise<MoodleSite> {
  const log = options.log ?? (() => {});
  const archive = moodleArchive();
  if (!archive) throw new Error('The Moodle archive is missing (../shared/moodle/moodle-*.tar.xz or POLLEN_MOODLE_ARCHIVE)');
  const template = path.join(options.templateDir ?? defaultTemplateDir(), templateKey(archive));
  if (!existsSync(path.join(template, 'ready.json'))) await buildTemplate(archive, template, log);
  return startFromTemplate(template, path.resolve(options.root), { port: options.port, dbPort: options.dbPort });
}

interface SiteTokens {
  adminToken: string;
  mobileToken: string;
}

const asRoot = () => process.getuid?.() === 0;

/** Runs a PostgreSQL binary, as the `postgres` user when we are root (initdb and postgres refuse root). */
function pgRun(bin: string, args: string[]): Promise<unknown> {
  const binary = path.join(POSTGRES_BIN, bin);
  return asRoot()
    ? execFileAsync('runuser', ['-u', 'postgres', '--', binary, ...args], { timeout: 300_000 })
    : execFileAsync(binary, args, { timeout: 300_000 });
}

async function buildTemplate(archive: string, template: string, log: (line: string) => void): Promise<void> {
  const work = `${template}.building-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  await mkdir(path.join(work, 'moodledata'), { recursive: true });
  log(`unpacking ${path.basename(archive)}`);
  await execFileAsync('tar', ['xJf', archive, '-C', work], { timeout: 600_000 });
  // In the template's own work folder, not the system temp folder: a shared machine's /tmp may be
  // small or cleaned. When PostgreSQL's own user cannot reach that folder (we run as root and a
  // folder above it is private, as mktemp's are), the install's database goes to the temp folder.
  const cluster = await startPostgresCluster({ fast: true, parentDir: work }).catch(async (err: unknown) => {
    if (!/Permission denied/.test(String((err as Error).message))) throw err;
    log(`the postgres user cannot reach ${work}: the install's database is built in the system temp folder`);
    return startPostgresCluster({ fast: true });
  });
  try {
    const db = new URL(await cluster.createDatabase('moodle'));
    const port = await freePort();
    log('installing Moodle into a template (about 80 s on an idle machine; kept for later runs)');
    const tree = path.join(work, 'moodle');
    await runMoodleCli({ tree }, 'admin/cli/install.php', [
      '--non-interactive', '--agree-license', '--lang=en', `--wwwroot=http://127.0.0.1:${port}`,
      `--dataroot=${path.join(work, 'moodledata')}`, '--dbtype=pgsql', `--dbhost=${db.hostname}`, `--dbport=${db.port}`,
      `--dbname=moodle`, `--dbuser=${decodeURIComponent(db.username)}`, '--dbpass=trust', '--prefix=mdl_',
      '--fullname=Pollen test Moodle', '--shortname=pollen', '--adminuser=admin', `--adminpass=${ADMIN_PASSWORD}`,
      '--adminemail=admin@example.invalid',
    ]);
    await rm(path.join(tree, 'config.php'));
    await pgRun('pg_ctl', ['-D', cluster.dir, '-m', 'fast', '-w', 'stop']);
    await execFileAsync('cp', ['-a', cluster.dir, path.join(work, 'pgdata')]);
    await cluster.stop();
    await writeFile(path.join(work, 'ready.json'), JSON.stringify({ archive: path.basename(archive), builtAt: new Date().toISOString() }));
    await rm(template, { recursive: true, force: true });
    await rename(work, template);
  } finally {
    await cluster.stop();
    await rm(work, { recursive: true, force: true });
  }
}

async function startFromTemplate(template: string, root: string, ports: { port?: number | undefined; dbPort?: number | undefined }): Promise<MoodleSite> {
  await mkdir(root, { recursive: true });
  await chmod(root, 0o755);
  const tree = path.join(root, 'moodle');
  const dataroot = path.join(root, 'moodledata');
  const postgresDir = path.join(root, 'pgdata');
  // The source tree is only read: hard links cost nothing. config.php is this site's own file.
  await execFileAsync('cp', ['-al', path.join(template, 'moodle'), tree]);
  await execFileAsync('cp', ['-a', path.join(template, 'moodledata'), dataroot]);
  await execFileAsync('cp', ['-a', path.join(template, 'pgdata'), postgresDir]);
  let dbPort = 0;
  for (let attempt = 0; ; attempt++) {
    dbPort = ports.dbPort ?? (await freePort());
    try {
      await pgRun('pg_ctl', ['-D', postgresDir, '-l', path.join(postgresDir, 'server.log'), '-w', '-t', '120', '-o',
        `-p ${dbPort} -c listen_addresses=127.0.0.1 -k ${postgresDir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`, 'start']);
      break;
    } catch (err) {
      // A port chosen by the operator is not retried: it is taken, and they must choose another.
      if (ports.dbPort !== undefined) throw new Error(`PostgreSQL ne démarre pas sur le port ${dbPort} (POLLEN_MOODLE_DB_PORT) : port déjà pris ? Voir ${postgresDir}/server.log. ${String((err as Error).message).slice(0, 300)}`);
      if (attempt >= 2) throw err;
    }
  }
  const port = ports.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  await writeFile(path.join(tree, 'config.php'), configPhp({ dbPort, url, dataroot }));
  await runMoodleCli({ tree }, 'admin/cli/purge_caches.php');
  const tokens = JSON.parse((await runSitePhp({ tree }, 'site-setup.php')).trim().split('\n').at(-1) ?? '{}') as SiteTokens;
  const phpPid = await serve(tree, port, root);
  const site: MoodleSite = { url, port, tree, dataroot, adminToken: tokens.adminToken, mobileToken: tokens.mobileToken, phpPid, postgresDir };
  await writeFile(path.join(root, 'site.json'), JSON.stringify(site, null, 2));
  return site;
}

function configPhp(o: { dbPort: number; url: string; dataroot: string }): string {
  return `<?php  // Written by scripts/moodle/site.ts for a throwaway Moodle
unset($CFG);
global $CFG;
$CFG = new stdClass();
$CFG->dbtype    = 'pgsql';
$CFG->dblibrary = 'native';
$CFG->dbhost    = '127.0.0.1';
$CFG->dbname    = 'moodle';
$CFG->dbuser    = 'pollen';
$CFG->dbpass    = 'trust';
$CFG->prefix    = 'mdl_';
$CFG->dboptions = ['dbpersist' => 0, 'dbport' => ${o.dbPort}, 'dbsocket' => ''];
$CFG->wwwroot   = ${JSON.stringify(o.url)};
$CFG->dataroot  = ${JSON.stringify(o.dataroot)};
$CFG->admin     = 'admin';
$CFG->directorypermissions = 02777;
require_once(__DIR__ . '/lib/setup.php');
`;
}

/** Stops a site's web server and database and deletes its folder. */
export async function stopSite(root: string): Promise<void> {
  const site = await readSite(root);
  if (site) {
    stopProcessGroup(site.phpPid);
    if (site.postgresDir) await pgRun('pg_ctl', ['-D', site.postgresDir, '-m', 'immediate', '-w', 'stop']).catch(() => {});
  }
  await rm(root, { recursive: true, force: true });
}

/** Serves the tree's public/ folder with php -S in its own process group; resolves once Moodle answers. */
export async function serve(tree: string, port: number, logDir: string): Promise<number> {
  const { openSync } = await import('node:fs');
  const out = openSync(path.join(logDir, 'php-server.log'), 'a');
  const child = spawn('php', [...PHP, '-S', `127.0.0.1:${port}`, '-t', path.join(tree, 'public')], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, PHP_CLI_SERVER_WORKERS: '4' },
  });
  child.unref();
  const pid = child.pid ?? 0;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/login/index.php`, { signal: AbortSignal.timeout(10_000) });
      if (response.status < 500) return pid;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  stopProcessGroup(pid);
  throw new Error(`Moodle did not answer on port ${port}; see ${logDir}/php-server.log`);
}

export function stopProcessGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

export async function readSite(root: string): Promise<MoodleSite | undefined> {
  const file = path.join(root, 'site.json');
  return existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as MoodleSite) : undefined;
}

/** The settings Pollen reads, as KEY=value lines. */
export function siteSettings(site: MoodleSite, courseId?: number): string {
  return [`MOODLE_URL=${site.url}`, `MOODLE_TOKEN=${site.adminToken}`, ...(courseId ? [`MOODLE_COURSE_ID=${courseId}`] : [])].join('\n');
}
