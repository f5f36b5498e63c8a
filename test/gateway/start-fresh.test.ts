/**
 * The README's first command over a fresh machine: no WIKI_API_URL, an empty wiki folder, an
 * empty store. `npm start` must bring up the local wiki, publish the parcours to it (19 pages),
 * say so in its log, serve the gateway, and make no edit at all on a second start.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import { renderCurriculumPages } from '../../src/curriculum/publish/pages.js';
import { WikiClient } from '../../src/wiki/client.js';
import { freePort } from '../support/net.js';
import { killAll, startGateway, stop } from '../support/processes.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const execFileAsync = promisify(execFile);
let work: string;
let wikiDir: string;
let wikiPort: number;
beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'pollen-fresh-start-'));
  wikiDir = path.join(work, 'wiki');
  wikiPort = await freePort();
});
afterAll(async () => {
  // Its whole process group: scripts/wiki/up.sh too, if it is still bringing the wiki up.
  killAll();
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
async function npmStart(): Promise<{ output: string; url: string; stop: () => Promise<void> }> {
  const gateway = await startGateway('npm start', work, {
    LOG_LEVEL: 'info',
    POLLEN_WIKI_DIR: wikiDir, POLLEN_WIKI_PORT: String(wikiPort),
    POLLEN_STORE_PATH: path.join(work, 'pollen.sqlite'),
  });
  return { output: gateway.output(), url: gateway.url, stop: () => stop(gateway) };
}

describe('npm start on a fresh machine', () => {
  it('is what package.json runs', () => {
    const words = startCommand();
    const assignments = words.slice(0, words.findIndex((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)));
    const [bin, ...rest] = words.slice(assignments.length);
    expect(assignments).toContain('NODE_ENV=production');
    expect(bin).toBe('node');
    expect(rest.at(-1)).toBe('dist/src/main.js');
    expect(existsSync(path.join(ROOT, 'dist/src/main.js'))).toBe(true);
  });

  it('brings up the local wiki, publishes the 19 parcours pages and says so; a second start makes no edit', async () => {
    const first = await npmStart();
    // The answer cache as `npm start` wires it: the second of two anonymous queries is answered
    // before Express (the front), with the first one's bytes.
    const ask = async () => {
      const res = await fetch(`${first.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ curriculum { moduleCount } }' }) });
      return { text: await res.text(), cacheControl: res.headers.get('cache-control') };
    };
    const [asked, again] = [await ask(), await ask()];
    expect(again).toEqual(asked);
    expect(asked.cacheControl).toBe('public, max-age=3600');
    const metrics = await (await fetch(`${first.url}/metrics`)).text();
    expect(metrics).toMatch(/^pollen_answer_cache_front_hits_total 1$/m);
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
