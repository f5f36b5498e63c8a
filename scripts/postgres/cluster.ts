/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: initdb in a temporary folder, trust
 * authentication, listening on 127.0.0.1 only, on a free port; removed by `stop()`. Uses Debian's
 * PostgreSQL 15 binaries (/usr/lib/postgresql/15/bin, package postgresql-15). initdb refuses to
 * run as root, so as root the cluster runs as the `postgres` system user.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../net.js';

const execFileAsync = promisify(execFile);

export const POSTGRES_BIN = process.env.POLLEN_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PostgresCluster {
  /** Superuser URL to the `postgres` database (no password: trust on loopback). */
  adminUrl: string;
  port: number;
  dir: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export function postgresAvailable(): boolean {
  return existsSync(path.join(POSTGRES_BIN, 'initdb')) && existsSync(path.join(POSTGRES_BIN, 'pg_ctl'));
}

export interface ClusterOptions {
  /**
   * Durability off (fsync, synchronous_commit, full_page_writes): for tests, where a crash only
   * loses a throwaway cluster. Benchmarks keep the defaults, as a real server would run.
   */
  fast?: boolean;
  /** Folder that receives the cluster's own folder. Default: the system temp folder. */
  parentDir?: string;
}

export async function startPostgresCluster(options: ClusterOptions = {}): Promise<PostgresCluster> {
  if (!postgresAvailable()) {
    throw new Error(`PostgreSQL 15 is not installed (${POSTGRES_BIN}/initdb missing): apt-get install postgresql-15`);
  }
  const root = await mkdtemp(path.join(options.parentDir ?? tmpdir(), 'pollen-pg-'));
  const dir = path.join(root, 'data');
  const asRoot = process.getuid?.() === 0;
  let uid: number | undefined;
  let gid: number | undefined;
  if (asRoot) {
    uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    await chown(root, uid, gid);
    await chmod(root, 0o700);
  }
  const run = (bin: string, args: string[]) =>
    execFileAsync(asRoot ? 'runuser' : path.join(POSTGRES_BIN, bin), asRoot ? ['-u', 'postgres', '--', path.join(POSTGRES_BIN, bin), ...args] : args, {
      timeout: 120_000,
      cwd: root,
    });

  await run('initdb', ['-D', dir, '-U', 'pollen', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync']);
  const settings = ['-c listen_addresses=127.0.0.1', `-k ${root}`, '-c max_connections=200'];
  if (options.fast) settings.push('-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off');
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      await run('pg_ctl', ['-D', dir, '-l', path.join(root, 'server.log'), '-w', '-t', '60', '-o', `-p ${port} ${settings.join(' ')}`, 'start']);
      break;
    } catch (err) {
      if (attempt >= 2) {
        await rm(root, { recursive: true, force: true });
        throw err;
      }
    }
  }
  const base = `postgres://pollen@127.0.0.1:${port}`;
  let stopped = false;
  return {
    adminUrl: `${base}/postgres`,
    port,
    dir,
    async createDatabase(name: string) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Invalid database name ${name}`);
      await run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'pollen', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-q', '-c', `CREATE DATABASE ${name}`]);
      return `${base}/${name}`;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await run('pg_ctl', ['-D', dir, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      await rm(root, { recursive: true, force: true });
    },
  };
}
