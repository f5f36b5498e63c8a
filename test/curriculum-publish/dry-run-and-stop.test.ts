import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../bots/curriculum-publish.js';
import { exitCodeOf, INDEX_TITLE, NAVIGATION_TEMPLATE_TITLE, publishCurriculum } from '../../src/curriculum/publish/index.js';
import type { CurriculumModule } from '../../src/curriculum/schema.js';
import type { WikiClient } from '../../src/wiki/client.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { COURSE_MODULES, pageText, realModules, recordApiCalls, type ApiCallLog } from './support.js';

const STOP_PAGE = 'Utilisateur:Robot/Arrêt';
let wiki: LocalWiki;
let client: WikiClient;
let calls: ApiCallLog;
let modules: CurriculumModule[];

beforeAll(async () => {
  wiki = await startWiki();
  client = await wiki.botClient();
  calls = recordApiCalls(client);
  modules = await realModules();
});

afterAll(async () => {
  await wiki?.stop();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('--dry-run', () => {
  it('on an empty wiki edits nothing and shows every page as a new page with its full text, after one read', async () => {
    calls.reset();
    const report = await publishCurriculum(client, modules, { dryRun: true });
    expect(report.dryRun).toBe(true);
    expect(report.edits).toBe(0);
    expect(calls.edits).toBe(0);
    expect(calls.all.filter((p) => p.action !== 'query')).toEqual([]);
    expect(calls.reads).toBe(1);
    expect(report.pages.every((p) => p.status === 'created' && p.newPage === true)).toBe(true);
    expect(report.pages[2]?.diff).toContain('{{Navigation parcours|suivant=');
    expect(await pageText(client, INDEX_TITLE)).toBeUndefined();
  });

  it('once published, prints the unified wikitext diff of the changed pages only', async () => {
    await publishCurriculum(client, modules);
    calls.reset();
    const changed = modules.map((m) => (m.order === 9 ? { ...m, objectives: [...m.objectives, 'Un objectif ajouté.'] } : m));
    const report = await publishCurriculum(client, changed, { dryRun: true });
    expect(calls.edits).toBe(0);
    const withDiff = report.pages.filter((p) => p.diff !== undefined);
    expect(withDiff.map((p) => p.title)).toEqual([modules[8]!.wikiPage]);
    expect(withDiff[0]?.status).toBe('updated');
    expect(withDiff[0]?.diff).toContain(`--- ${modules[8]!.wikiPage}\tpage actuelle`);
    expect(withDiff[0]?.diff).toContain('+* Un objectif ajouté.');
    expect(await pageText(client, modules[8]!.wikiPage)).not.toContain('Un objectif ajouté.');
  });

  it('from the command line prints the table and exits 0 without editing', async () => {
    vi.stubEnv('WIKI_API_URL', wiki.apiUrl);
    vi.stubEnv('WIKI_BOT_USER', wiki.botUser);
    vi.stubEnv('WIKI_BOT_PASSWORD', wiki.botPassword);
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const before = (await client.recentChanges(500)).length;
    const code = await main(['node', 'curriculum-publish', '--dry-run', '--dir', COURSE_MODULES]);
    vi.mocked(console.log).mockRestore();
    vi.mocked(console.error).mockRestore();
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/Simulation \(dry run\) : aucune modification faite\. 19 pages : 19 inchangée \(unchanged\)/);
    expect((await client.recentChanges(500)).length).toBe(before);
  });
});

describe('the emergency stop page', () => {
  it('halts publishing before any edit when it says anything but « actif »', async () => {
    await wiki.humanEdit(STOP_PAGE, 'Arrêt : le robot casse les tableaux.');
    calls.reset();
    const changed = modules.map((m) => ({ ...m, summary: `${m.summary} (révisé)` }));
    const report = await publishCurriculum(client, changed);
    expect(report.stopped).toBe(true);
    expect(report.counts.stopped).toBe(19);
    expect(report.pages[0]?.reason).toMatch(/page d’arrêt d’urgence/);
    expect(calls.edits).toBe(0);
    expect(exitCodeOf(report)).toBe(1);
  });

  it('lets publishing run again when it says « actif »', async () => {
    await wiki.humanEdit(STOP_PAGE, 'actif');
    const report = await publishCurriculum(client, modules);
    expect(report.stopped).toBe(false);
    expect(report.counts.unchanged).toBe(19);
  });

  it('halts the rest of the run when it is written while the bot publishes', async () => {
    const changed = modules.map((m) => ({ ...m, summary: `${m.summary} (deuxième révision)` }));
    const request = vi.mocked(client.request);
    const passThrough = request.getMockImplementation();
    let edits = 0;
    request.mockImplementation(async (params, opts) => {
      const answer = await passThrough!(params, opts);
      if (params.action === 'edit' && ++edits === 2) await wiki.humanEdit(STOP_PAGE, 'Arrêt demandé pendant la publication.');
      return answer;
    });
    try {
      const report = await publishCurriculum(client, changed);
      expect(report.stopped).toBe(true);
      expect(report.pages.map((p) => p.status).slice(0, 4)).toEqual(['unchanged', 'updated', 'updated', 'stopped']);
      // Template unchanged, index and module 1 saved, then the 16 other modules stopped.
      expect(report.counts.stopped).toBe(16);
      expect(edits).toBe(2);
      expect(await pageText(client, modules[1]!.wikiPage)).not.toContain('(deuxième révision)');
      expect(await pageText(client, NAVIGATION_TEMPLATE_TITLE)).toBeDefined();
    } finally {
      request.mockImplementation(passThrough!);
    }
  });
});
