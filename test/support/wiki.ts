/**
 * Real MediaWiki instances for tests.
 *
 * The vitest globalSetup (test/support/global-setup.ts) builds one template wiki per run; each
 * `startWiki()` copies it (`cp -a`) into a temp dir and serves the copy with `php -S` on a free
 * 127.0.0.1 port (~0.4 s). Every test file gets its own wiki:
 *
 * ```ts
 * import { startWiki, type LocalWiki } from '../support/wiki.js';
 * let wiki: LocalWiki;
 * beforeAll(async () => { wiki = await startWiki(); });
 * afterAll(async () => { await wiki?.stop(); });
 * // WikiClient.connect({ apiUrl: wiki.apiUrl, username: wiki.botUser, password: wiki.botPassword })
 * ```
 *
 * The wiki: MediaWiki 1.39 in French, "Wiki des communs", ParserFunctions, change tag `pollen`
 * defined; `Robot@sync` is a bot (BotPassword with highvolume → 500 titles per query, no rate
 * limit); `Admin@human` is a non-bot sysop used for "human" edits.
 */
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, open, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { WikiClient } from '../../src/wiki/client.js';
import { freePort } from './net.js';

const execFileAsync = promisify(execFile);
const ROUTER = fileURLToPath(new URL('../../scripts/wiki/router.php', import.meta.url));
const MEDIAWIKI = process.env.POLLEN_MEDIAWIKI_DIR ?? '/usr/share/mediawiki';

export interface LocalWiki {
  /** e.g. `http://127.0.0.1:41234/api.php` */
  apiUrl: string;
  /** `Robot@sync`: bot account, BotPassword login. */
  botUser: string;
  botPassword: string;
  /** `Admin@human`: non-bot sysop, for edits that must look human. */
  adminUser: string;
  adminPassword: string;
  /** The wiki's own directory (LocalSettings.php, data/, server.log). */
  dir: string;
  port: number;
  /** Simulated replication lag in seconds (0 clears it): requests with maxlag=5 get `maxlag` above 5. */
  setLag(seconds: number): Promise<void>;
  /** Saves a page as the non-bot Admin user (a human contributor). */
  humanEdit(title: string, text: string, summary?: string): Promise<{ revid: number }>;
  /**
   * Creates (or overwrites) pages as the bot Robot: `n` pages titled `<prefix> 1..n` with text
   * `Contenu de la page de test <i>.`, or the given list. Ten pages or more go through
   * importTextFiles.php (no API calls counted by any client). Resolves with the titles.
   */
  createPages(pages: number | Array<{ title: string; text: string }>, prefix?: string): Promise<string[]>;
  /** A fresh WikiClient logged in as the bot, with small retry delays unless overridden. */
  botClient(overrides?: Partial<Parameters<typeof WikiClient.connect>[0]>): Promise<WikiClient>;
  /** Stops php -S (its whole process group) and deletes the copy. */
  stop(): Promise<void>;
}

/** Process groups still running, killed if the test process exits without calling stop(). */
const running = new Set<number>();
process.once('exit', () => {
  for (const pgid of running) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});


async function waitForApi(apiUrl: string, isAlive: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error('php -S exited before the wiki answered');
    try {
      const res = await fetch(`${apiUrl}?action=query&meta=siteinfo&format=json`);
      if (res.ok && (await res.text()).includes('generator')) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the test wiki did not answer at ${apiUrl}`);
}

function readCredentials(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) values[m[1]] = m[2];
  }
  return values;
}

interface Served {
  port: number;
  server: string;
  apiUrl: string;
  stopServer(): Promise<void>;
}

/** Serves a wiki directory with `php -S` in its own process group, on a free port. */
async function serve(dir: string): Promise<Served> {
  const port = await freePort();
  const server = `http://127.0.0.1:${port}`;
  const apiUrl = `${server}/api.php`;
  const log = await open(join(dir, 'server.log'), 'a');
  const child = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', MEDIAWIKI, ROUTER], {
    detached: true, // own process group, like setsid: stopping kills the workers too
    stdio: ['ignore', log.fd, log.fd],
    env: { ...process.env, MW_CONFIG_FILE: join(dir, 'LocalSettings.php'), POLLEN_WIKI_SERVER: server },
  });
  await log.close();
  const pgid = child.pid;
  if (pgid === undefined) throw new Error('could not start php -S');
  running.add(pgid);
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  child.unref();

  const stopServer = async (): Promise<void> => {
    if (!running.delete(pgid)) return;
    try {
      process.kill(-pgid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    await Promise.race([exitedPromise, new Promise((r) => setTimeout(r, 3000))]);
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* gone */
    }
  };

  try {
    await waitForApi(apiUrl, () => !exited);
  } catch (err) {
    await stopServer();
    throw err;
  }
  return { port, server, apiUrl, stopServer };
}

/** Starts a private copy of the template wiki. Call `stop()` in afterAll. */
export async function startWiki(): Promise<LocalWiki> {
  const template = inject('wikiTemplateDir');
  if (!template) throw new Error('No template wiki: is test/support/global-setup.ts the vitest globalSetup?');
  const root = await mkdtemp(join(tmpdir(), 'pollen-wiki-'));
  const dir = join(root, 'wiki');
  await execFileAsync('cp', ['-a', template, dir]);
  const credentials = readCredentials(await readFile(join(dir, 'credentials.env'), 'utf8'));
  let served: Served | undefined;
  for (let attempt = 1; !served; attempt++) {
    try {
      served = await serve(dir);
    } catch (err) {
      // Another process may have taken the free port between the probe and php's bind.
      if (attempt >= 3) {
        await rm(root, { recursive: true, force: true });
        throw err;
      }
    }
  }
  const { port, server, apiUrl, stopServer } = served;
  const stop = async (): Promise<void> => {
    await stopServer();
    await rm(root, { recursive: true, force: true });
  };

  const botUser = credentials.WIKI_BOT_USER ?? 'Robot@sync';
  const botPassword = credentials.WIKI_BOT_PASSWORD ?? '';
  const adminUser = credentials.WIKI_ADMIN_USER ?? 'Admin@human';
  const adminPassword = credentials.WIKI_ADMIN_PASSWORD ?? '';
  let adminClient: Promise<WikiClient> | undefined;
  let bulkClient: Promise<WikiClient> | undefined;
  const botClient: LocalWiki['botClient'] = (overrides = {}) =>
    WikiClient.connect({ apiUrl, username: botUser, password: botPassword, retryBaseMs: 10, maxRetryDelayMs: 200, ...overrides });

  return {
    apiUrl, botUser, botPassword, adminUser, adminPassword, dir, port, botClient, stop,
    async setLag(seconds) {
      const file = join(dir, 'lag');
      if (seconds > 0) await writeFile(file, String(seconds));
      else await rm(file, { force: true });
    },
    async humanEdit(title, text, summary = 'Modification manuelle') {
      adminClient ??= WikiClient.connect({ apiUrl, username: adminUser, password: adminPassword, retryBaseMs: 10 });
      const result = await (await adminClient).edit({ title, text, summary, bot: false });
      if (result.revid === undefined) throw new Error(`humanEdit of "${title}" changed nothing`);
      return { revid: result.revid };
    },
    async createPages(pages, prefix = 'Page de test') {
      const list = typeof pages === 'number'
        ? Array.from({ length: pages }, (_, i) => ({ title: `${prefix} ${i + 1}`, text: `Contenu de la page de test ${i + 1}.` }))
        : pages;
      if (list.length >= 10 && list.every((p) => !p.title.includes('/') && !p.title.startsWith('.'))) {
        // Many pages: one PHP process (importTextFiles.php) beats one API edit per page (~2x faster).
        const files = await mkdtemp(join(root, 'import-'));
        const paths: string[] = [];
        for (const page of list) {
          const path = join(files, page.title);
          await writeFile(path, page.text);
          paths.push(path);
        }
        await execFileAsync('php', [
          join(MEDIAWIKI, 'maintenance/importTextFiles.php'), '--user', 'Robot', '--bot', '--rc', '--overwrite',
          '-s', 'Création de pages de test', ...paths,
        ], { env: { ...process.env, MW_CONFIG_FILE: join(dir, 'LocalSettings.php'), POLLEN_WIKI_SERVER: server }, maxBuffer: 1 << 24 });
        await rm(files, { recursive: true, force: true });
      } else {
        bulkClient ??= botClient();
        const client = await bulkClient;
        for (const page of list) await client.edit({ title: page.title, text: page.text, summary: 'Création de pages de test' });
      }
      return list.map((p) => p.title);
    },
  };
}
