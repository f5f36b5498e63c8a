/**
 * Two gateways started together on one PostgreSQL and the local wiki (README, "Plus d'une
 * machine": the curriculum publish at start takes a job lease): the parcours goes to the wiki
 * once between them. Which way they meet depends on timing: the lease makes the second skip
 * while the first publishes (test/jobs/lease.test.ts proves that part); a second that starts
 * after the first is done finds nothing to change. Either way: no page twice, no failure.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import { renderCurriculumPages } from '../../src/curriculum/publish/pages.js';
import { WikiClient } from '../../src/wiki/client.js';
import { revisionsOf } from '../notes-publish/support.js';
import { freePort } from '../support/net.js';
import { createTestDatabase, postgresAdminUrl } from '../support/postgres.js';
import { killAll, logLines, ROOT, startGateway, stop, type Gateway } from '../support/processes.js';

const execFileAsync = promisify(execFile);
let work: string;
let wikiDir: string;
let wikiPort: number;
let wikiSettings: Record<string, string>;
let databaseUrl: string;

beforeAll(async () => {
  if (!postgresAdminUrl()) return;
  work = mkdtempSync(path.join(tmpdir(), 'pollen-start-together-'));
  // The local wiki as `npm run wiki:up` leaves it (a copy of the run's template, not built from nothing).
  wikiDir = path.join(work, 'wiki');
  await execFileAsync('cp', ['-a', inject('wikiTemplateDir'), wikiDir]);
  wikiPort = await freePort();
  const { stdout } = await execFileAsync('bash', [path.join(ROOT, 'scripts/wiki/up.sh')], {
    env: { ...process.env, POLLEN_WIKI_DIR: wikiDir, POLLEN_WIKI_PORT: String(wikiPort) }, timeout: 120_000,
  });
  wikiSettings = Object.fromEntries(stdout.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  databaseUrl = await createTestDatabase();
}, 180_000);

afterAll(async () => {
  killAll();
  if (wikiDir) await execFileAsync('bash', [path.join(ROOT, 'scripts/wiki/down.sh')], { env: { ...process.env, POLLEN_WIKI_DIR: wikiDir } }).catch(() => undefined);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('two gateways starting together on the local wiki', () => {
  it('publish the parcours once between them: each page one revision, the edits of both logs adding up to the pages', async () => {
    if (!postgresAdminUrl()) throw new Error('PostgreSQL 15 is not installed: this spec did not run');
    // No WIKI_API_URL: each gateway brings up (here: finds running) the local wiki and publishes the parcours to it.
    const settings = { POLLEN_WIKI_DIR: wikiDir, POLLEN_WIKI_PORT: String(wikiPort), POLLEN_DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' };
    const gateways: Gateway[] = await Promise.all(['gateway-A', 'gateway-B'].map((name) => startGateway(name, path.join(work, name), settings)));
    await Promise.all(gateways.map(stop));

    const pages = renderCurriculumPages(await loadCurriculum(path.join(ROOT, 'course-modules')));
    const outcomes = gateways.map((g) => {
      const messages = logLines(g).map((l) => l.msg ?? '');
      expect(messages.filter((m) => m.startsWith('Curriculum not published')), g.name).toEqual([]);
      const said = messages.filter((m) => /^Curriculum publish(ed| skipped)/.test(m));
      expect(said, g.name).toHaveLength(1);
      const edits = /\((\d+) edits\)$/.exec(said[0]!)?.[1];
      return { skipped: said[0]!.startsWith('Curriculum publish skipped'), edits: Number(edits ?? 0) };
    });
    // One published everything; the other skipped (it ran meanwhile) or found it done (0 edits).
    expect(outcomes.reduce((sum, o) => sum + o.edits, 0)).toBe(pages.length);
    expect(outcomes.filter((o) => !o.skipped && o.edits === pages.length)).toHaveLength(1);

    const wiki = await WikiClient.connect({ apiUrl: wikiSettings.WIKI_API_URL!, username: wikiSettings.WIKI_BOT_USER!, password: wikiSettings.WIKI_BOT_PASSWORD! });
    for (const page of pages) expect((await revisionsOf(wiki, page.title)).map((r) => r.user), page.title).toEqual([wiki.userName]);
  }, 300_000);
});
