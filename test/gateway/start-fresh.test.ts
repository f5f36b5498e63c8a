/**
 * The README's first command over a fresh machine: no WIKI_API_URL, an empty wiki folder, an
 * empty store. `npm start` must bring up the local wiki, publish the parcours to it (19 pages),
 * say so in its log, serve the gateway, and make no edit at all on a second start.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import { renderCurriculumPages } from '../../src/curriculum/publish/pages.js';
import { WikiClient } from '../../src/wiki/client.js';
import { freePort } from '../support/net.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const execFileAsync = promisify(execFile);
let work: string;
let wikiDir: string;
let wikiPort: number;
/** Gateways still running (a failed or timed-out spec must not leave one behind). */
const running = new Set<ChildProcess>();

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'pollen-fresh-start-'));
  wikiDir = path.join(work, 'wiki');
  wikiPort = await freePort();
});
afterAll(async () => {
  // Its whole process group: scripts/wiki/up.sh too, if it is still bringing the wiki up.
  for (const child of running) {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  // The local wiki outlives the gateway by design (npm run wiki:down stops it).
  if (wikiDir) await execFileAsync('bash', [path.join(ROOT, 'scripts/wiki/down.sh')], { env: { ...process.env, POLLEN_WIKI_DIR: wikiDir } }).catch(() => undefined);
  if (work) rmSync(work, { recursive: true, force: true });
});

/** package.json's start script, split into words. */
function startCommand(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  return pkg.scripts.start!.split(/\s+/);
}

/** Runs what `npm start` runs, in a scratch folder, until the gateway says it is ready. */
async function npmStart(): Promise<{ output: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
  for (const name of Object.keys(env)) if (name.startsWith('WIKI_') || name.startsWith('MOODLE_') || name.startsWith('POLLEN_')) delete env[name];
  Object.assign(env, {
    PORT: String(port), LOG_LEVEL: 'info',
    POLLEN_WIKI_DIR: wikiDir, POLLEN_WIKI_PORT: String(wikiPort),
    POLLEN_STORE_PATH: path.join(work, 'pollen.sqlite'), POLLEN_CURRICULUM_DIR: path.join(ROOT, 'course-modules'),
  });
  // Exactly package.json's start command (NODE_ENV=production node <flags> dist/src/main.js), on
  // the dist/ the test run built (test/support/global-setup.ts runs `npm run build`).
  const [, nodeBin, ...nodeArgs] = startCommand();
  expect(nodeBin).toBe('node');
  const args = nodeArgs.map((a) => (a.startsWith('dist/') ? path.join(ROOT, a) : a));
  const child: ChildProcess = spawn(process.execPath, args, { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child);
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  void exited.then(() => running.delete(child));
  await new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer): void => {
      output += c.toString();
      if (output.includes('Pollen gateway ready')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => reject(new Error(`npm start exited (${code}):\n${output}`)));
  });
  return {
    output,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('npm start on a fresh machine', () => {
  it('is what package.json runs', () => {
    const [envSetting, bin, ...rest] = startCommand();
    expect(envSetting).toBe('NODE_ENV=production');
    expect(bin).toBe('node');
    expect(rest.at(-1)).toBe('dist/src/main.js');
    expect(existsSync(path.join(ROOT, 'dist/src/main.js'))).toBe(true);
  });

  it('brings up the local wiki, publishes the 19 parcours pages and says so; a second start makes no edit', async () => {
    const first = await npmStart();
    await first.stop();
    const pages = renderCurriculumPages(await loadCurriculum(path.join(ROOT, 'course-modules')));
    expect(pages).toHaveLength(19);
    expect(first.output).toContain('Curriculum published to the local wiki (19 edits)');
    expect(first.output).not.toContain('Curriculum not published');

    const credentials = readFileSync(path.join(wikiDir, 'credentials.env'), 'utf8');
    const setting = (name: string): string => new RegExp(`^${name}=(.*)$`, 'm').exec(credentials)?.[1]?.replace(/^['"]|['"]$/g, '') ?? '';
    const wiki = await WikiClient.connect({ apiUrl: `http://127.0.0.1:${wikiPort}/api.php`, username: setting('WIKI_BOT_USER'), password: setting('WIKI_BOT_PASSWORD') });
    const onWiki = await wiki.getPages(pages.map((p) => p.title));
    expect(pages.filter((p) => !onWiki.get(p.title)?.exists).map((p) => p.title)).toEqual([]);
    expect(onWiki.get('Parcours de formation')?.lastRevision?.user).toBe(wiki.userName);

    const second = await npmStart();
    await second.stop();
    expect(second.output).toContain('Curriculum published to the local wiki (0 edits)');
  }, 300_000); // two starts and a wiki created from nothing: slow on a loaded 2-core machine
});
