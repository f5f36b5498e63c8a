import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WikiClient } from '../../src/wiki/client.js';
import { publishPage } from '../../src/wiki/publish.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';

let wiki: LocalWiki;
let bot: WikiClient;

beforeAll(async () => {
  wiki = await startWiki();
  bot = await wiki.botClient();
});
afterAll(async () => {
  await wiki?.stop();
});

async function read(title: string) {
  const page = (await bot.getPages([title], { content: true })).get(title);
  if (!page) throw new Error(`no answer for ${title}`);
  return page;
}

const summary = 'Publication par Pollen (test)';

describe('publishPage', () => {
  it('creates a missing page, tagged pollen', async () => {
    const outcome = await publishPage(bot, { title: 'Module 01', text: 'Les quatre libertés.\n', summary });
    expect(outcome).toMatchObject({ status: 'created', title: 'Module 01', tags: ['pollen'], dryRun: false });
    expect(outcome.revid).toBeGreaterThan(0);
    const [latest] = await bot.recentChanges(1);
    expect(latest).toMatchObject({ title: 'Module 01', user: 'Robot', comment: summary, tags: ['pollen'], bot: true });
  });

  it('makes no edit when the text is already on the wiki', async () => {
    await publishPage(bot, { title: 'Module 02', text: 'Données ouvertes.', summary });
    const before = await read('Module 02');
    const calls = bot.stats.apiCalls;
    const outcome = await publishPage(bot, { title: 'Module 02', text: 'Données ouvertes.\n\n', summary });
    expect(outcome.status).toBe('unchanged');
    expect(bot.stats.apiCalls - calls).toBe(1); // the read, nothing else
    expect((await read('Module 02')).lastRevision?.revid).toBe(before.lastRevision?.revid);
  });

  it('updates a page whose last revision is the bot’s', async () => {
    await publishPage(bot, { title: 'Module 03', text: 'Version 1', summary });
    const outcome = await publishPage(bot, { title: 'Module 03', text: 'Version 2', summary });
    expect(outcome).toMatchObject({ status: 'updated', previousText: 'Version 1' });
    expect((await read('Module 03')).content).toBe('Version 2');
  });

  it('keeps a human edit made after the bot’s last edit', async () => {
    await publishPage(bot, { title: 'Module 04', text: 'Texte du robot', summary });
    await wiki.humanEdit('Module 04', 'Texte corrigé par une personne');
    const outcome = await publishPage(bot, { title: 'Module 04', text: 'Nouveau texte du robot', summary });
    expect(outcome).toMatchObject({ status: 'conflict', lastEditor: 'Admin' });
    expect(outcome.reason).toContain('Admin');
    expect((await read('Module 04')).content).toBe('Texte corrigé par une personne');
  });

  it('never takes over a page the bot did not write', async () => {
    await wiki.humanEdit('Page humaine', 'Écrite à la main');
    const outcome = await publishPage(bot, { title: 'Page humaine', text: 'Texte du robot', summary });
    expect(outcome.status).toBe('conflict');
    expect((await read('Page humaine')).content).toBe('Écrite à la main');
  });

  it('respects {{nobots}} and {{bots|deny=…}} in the current text', async () => {
    await publishPage(bot, { title: 'Sans robots', text: 'Du robot', summary });
    await publishPage(bot, { title: 'Refus nominatif', text: 'Du robot', summary });
    // The bot's own text may carry the template (e.g. copied from a note): still respected.
    await bot.edit({ title: 'Sans robots', text: '{{nobots}}\nNe pas toucher', summary });
    await bot.edit({ title: 'Refus nominatif', text: '{{bots|deny=Robot}}\nNe pas toucher', summary });
    for (const title of ['Sans robots', 'Refus nominatif']) {
      const outcome = await publishPage(bot, { title, text: 'Écrasement', summary });
      expect(outcome.status).toBe('skipped-nobots');
      expect((await read(title)).content).toContain('Ne pas toucher');
    }
  });

  it('sends only the tags the wiki defines', async () => {
    const outcome = await publishPage(bot, { title: 'Module 05', text: 'Balises', summary, tags: ['pollen', 'inconnue'] });
    expect(outcome).toMatchObject({ status: 'created', tags: ['pollen'] });
  });

  it('shows what it would do in a dry run, without editing', async () => {
    const outcome = await publishPage(bot, { title: 'Module 06', text: 'Essai à blanc', summary, dryRun: true });
    expect(outcome).toMatchObject({ status: 'created', dryRun: true });
    expect((await read('Module 06')).exists).toBe(false);
  });

  it('stops everything while the emergency stop page asks for it, and resumes when it says « actif »', async () => {
    await wiki.humanEdit('Utilisateur:Robot/Arrêt', 'Arrêt : le robot casse les tableaux.');
    const stopped = await publishPage(bot, { title: 'Module 07', text: 'Ne doit pas paraître', summary });
    expect(stopped.status).toBe('stopped');
    expect(stopped.reason).toContain('Utilisateur:Robot/Arrêt');
    expect((await read('Module 07')).exists).toBe(false);

    await wiki.humanEdit('Utilisateur:Robot/Arrêt', 'actif');
    const resumed = await publishPage(bot, { title: 'Module 07', text: 'Peut paraître', summary });
    expect(resumed.status).toBe('created');
  });
});
