import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * Path of scripts/wiki/up.sh, found from this file so it works from any working directory:
 * two levels up from src/wiki, three from the compiled dist/src/wiki.
 */
const UP_SCRIPT = ['../../scripts/wiki/up.sh', '../../../scripts/wiki/up.sh']
  .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
  .find((file) => existsSync(file)) ?? fileURLToPath(new URL('../../scripts/wiki/up.sh', import.meta.url));

export interface LocalWikiSettings {
  apiUrl: string;
  botUser: string;
  botPassword: string;
}

export interface EnsureLocalWikiOptions {
  /** Directory of the wiki. Default: POLLEN_WIKI_DIR, else `var/wiki` at the repository root. */
  dir?: string;
  /** Port of `php -S` on 127.0.0.1. Default: POLLEN_WIKI_PORT, else 8080. */
  port?: number;
}

/**
 * Makes sure the local development wiki exists and is running, and returns how to reach it.
 * Runs scripts/wiki/up.sh: installs MediaWiki when missing (needs root on a fresh machine),
 * creates the wiki once, starts `php -S` in the background. Idempotent. Stop it with
 * `npm run wiki:down`.
 */
export async function ensureLocalWiki(opts: EnsureLocalWikiOptions = {}): Promise<LocalWikiSettings> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (opts.dir !== undefined) env.POLLEN_WIKI_DIR = opts.dir;
  if (opts.port !== undefined) env.POLLEN_WIKI_PORT = String(opts.port);
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync('bash', [UP_SCRIPT], { env, timeout: 600_000, maxBuffer: 1 << 20 }));
  } catch (err) {
    const stderr = typeof err === 'object' && err !== null && 'stderr' in err ? String(err.stderr).trim() : '';
    const lastLines = stderr.split('\n').slice(-5).join('\n');
    throw new Error(`Could not start the local wiki (scripts/wiki/up.sh failed).${lastLines ? `\n${lastLines}` : ''}`);
  }
  const settings = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined) settings.set(match[1], match[2]);
  }
  const apiUrl = settings.get('WIKI_API_URL');
  const botUser = settings.get('WIKI_BOT_USER');
  const botPassword = settings.get('WIKI_BOT_PASSWORD');
  if (!apiUrl || !botUser || !botPassword) {
    throw new Error('scripts/wiki/up.sh did not print WIKI_API_URL, WIKI_BOT_USER and WIKI_BOT_PASSWORD');
  }
  return { apiUrl, botUser, botPassword };
}

/** The wiki to use: the configured one, else the local one (brought up on demand). */
export interface ResolvedWiki extends LocalWikiSettings {
  contact: string;
  /** True when it is the local development wiki started by scripts/wiki/up.sh. */
  local: boolean;
}

/**
 * WIKI_API_URL and its bot credentials when configured; otherwise the local wiki, started if it
 * is not running. Every program (gateway and bots) finds its wiki the same way.
 */
export async function resolveWiki(
  config: { wiki: { apiUrl: string; botUser: string; botPassword: string; contact: string } | undefined; wikiContact: string },
  onLocal?: () => void,
): Promise<ResolvedWiki> {
  if (config.wiki) return { ...config.wiki, local: false };
  onLocal?.();
  const local = await ensureLocalWiki();
  return { ...local, contact: config.wikiContact, local: true };
}
