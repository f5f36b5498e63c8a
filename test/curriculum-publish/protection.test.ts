import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draftTitle, publishCurriculum } from '../../src/curriculum/publish/index.js';
import type { CurriculumModule } from '../../src/curriculum/schema.js';
import type { WikiClient } from '../../src/wiki/client.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { pageText, realModules, recordApiCalls, type ApiCallLog } from './support.js';

let wiki: LocalWiki;
let client: WikiClient;
let calls: ApiCallLog;
let modules: CurriculumModule[];

/** The same parcours with one module's summary changed, so the bot has something new to publish. */
function revised(order: number, words: string): CurriculumModule[] {
  return modules.map((m) => (m.order === order ? { ...m, summary: `${m.summary} ${words}` } : m));
}

beforeAll(async () => {
  wiki = await startWiki();
  client = await wiki.botClient();
  modules = await realModules();
  await publishCurriculum(client, modules);
  calls = recordApiCalls(client);
});

afterAll(async () => {
  await wiki?.stop();
});

describe('a page a person edited since the bot’s last edit', () => {
  it('is not overwritten and is reported as a conflict naming the editor', async () => {
    const page = modules[2]!.wikiPage;
    const human = `${await pageText(client, page)}\n\n== Argumentaire ==\nUn exemple ajouté par une apprenante.`;
    await wiki.humanEdit(page, human);
    calls.reset();
    const report = await publishCurriculum(client, revised(3, 'Nouvelle version du robot.'));
    const entry = report.pages.find((p) => p.title === page);
    expect(entry?.status).toBe('conflict');
    expect(entry?.lastEditor).toBe('Admin');
    expect(entry?.reason).toMatch(/modifiée en dernier par Admin/);
    expect(entry?.draft).toBeUndefined();
    expect(await pageText(client, page)).toBe(human);
    // The index (which shows the summary) is still the bot's: it is updated; nothing else is.
    expect(report.counts).toMatchObject({ conflict: 1, updated: 1, unchanged: 17 });
    expect(calls.all.filter((p) => p.action === 'edit').map((p) => p.title)).toEqual(['Parcours de formation']);
  });

  it('with draftOnConflict, gets the bot’s version on its « Brouillon du robot » subpage', async () => {
    const page = modules[2]!.wikiPage;
    const report = await publishCurriculum(client, revised(3, 'Nouvelle version du robot.'), { draftOnConflict: true });
    const entry = report.pages.find((p) => p.title === page);
    expect(entry?.status).toBe('conflict');
    expect(entry?.draft).toMatchObject({ title: draftTitle(page), status: 'created' });
    const draft = await pageText(client, draftTitle(page));
    expect(draft).toContain('Brouillon du robot Pollen');
    expect(draft).toContain('Nouvelle version du robot.');
    // The draft joins no category: its category links are plain links.
    expect(draft).toContain('[[:Catégorie:Parcours de formation]]');
    expect(draft).not.toMatch(/\[\[Catégorie:/);
    expect(await pageText(client, page)).toContain('Un exemple ajouté par une apprenante.');
  });

  it('leaves an up-to-date draft alone on the next run', async () => {
    calls.reset();
    const report = await publishCurriculum(client, revised(3, 'Nouvelle version du robot.'), { draftOnConflict: true });
    expect(report.pages.find((p) => p.title === modules[2]!.wikiPage)?.draft?.status).toBe('unchanged');
    expect(report.edits).toBe(0);
    expect(calls.edits).toBe(0);
  });
});

describe('a page that refuses bots', () => {
  it('is skipped when it carries {{nobots}}', async () => {
    const page = modules[6]!.wikiPage;
    await wiki.humanEdit(page, `{{nobots}}\n${await pageText(client, page)}`);
    const report = await publishCurriculum(client, revised(7, 'Autre version.'));
    expect(report.pages.find((p) => p.title === page)?.status).toBe('skipped-nobots');
    expect(await pageText(client, page)).not.toContain('Autre version.');
  });
});
