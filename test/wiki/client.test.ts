import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WikiClient } from '../../src/wiki/client.js';
import { WikiEditConflictError, WikiLoginError, WikiPageExistsError, WikiPermissionError } from '../../src/wiki/errors.js';
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

describe('WikiClient login', () => {
  it('logs in with a BotPassword as a bot with high API limits', async () => {
    expect(bot.userName).toBe('Robot');
    expect(bot.isBot).toBe(true);
    expect(bot.hasApiHighLimits).toBe(true);
    expect(bot.batchSize).toBe(500);
  });

  it('reads without logging in', async () => {
    const anonymous = await WikiClient.connect({ apiUrl: wiki.apiUrl });
    expect(anonymous.userName).toBeUndefined();
    expect(anonymous.batchSize).toBe(50);
    const info = await anonymous.siteInfo();
    expect(info.sitename).toBe('Wiki des communs');
    expect(info.generator).toMatch(/^MediaWiki 1\./);
  });

  it('reports an account that is not a bot when assert=bot is asked (after one fresh login)', async () => {
    const human = await WikiClient.connect({ apiUrl: wiki.apiUrl, username: wiki.adminUser, password: wiki.adminPassword, assert: 'bot' });
    const error = await human.getPages(['Accueil']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WikiPermissionError);
    expect(error).toMatchObject({ code: 'assertbotfailed' });
  });

  it('refuses a wrong password with a clear WikiLoginError that never contains the password', async () => {
    const password = 'Mauvais-Secret-0123456789abcdef';
    const error = await WikiClient.connect({ apiUrl: wiki.apiUrl, username: wiki.botUser, password }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WikiLoginError);
    const loginError = error as WikiLoginError;
    expect(loginError.message).toContain('Robot@sync');
    expect(loginError.message).toContain('WIKI_BOT_PASSWORD');
    for (const text of [loginError.message, JSON.stringify(loginError), String(loginError.stack), loginError.info]) {
      expect(text).not.toContain(password);
    }
    expect(Object.keys(loginError)).not.toContain('request');
  });
});

describe('WikiClient reads', () => {
  it('reads 120 pages with their content in at most 3 API calls', async () => {
    const titles = await wiki.createPages(120, 'Lot');
    const before = bot.stats.apiCalls;
    const pages = await bot.getPages(titles, { content: true, contributors: true, categories: true });
    const calls = bot.stats.apiCalls - before;
    expect(calls).toBeLessThanOrEqual(3);
    expect(pages.size).toBe(120);
    const page = pages.get('Lot 7');
    expect(page?.exists).toBe(true);
    expect(page?.content).toBe('Contenu de la page de test 7.');
    expect(page?.contributors).toEqual(['Robot']);
    expect(page?.lastRevision?.user).toBe('Robot');
  });

  it('reads 120 pages in 3 calls of 50 titles without apihighlimits', async () => {
    const titles = Array.from({ length: 120 }, (_, i) => `Lot ${i + 1}`);
    const anonymous = await WikiClient.connect({ apiUrl: wiki.apiUrl });
    const pages = await anonymous.getPages(titles, { content: true });
    expect(anonymous.stats.apiCalls).toBe(3);
    expect([...pages.values()].every((p) => p.exists)).toBe(true);
  });

  it('keys pages by the requested title through normalization and redirects', async () => {
    await bot.edit({ title: 'Page cible', text: 'La cible.', summary: 'Test' });
    await bot.edit({ title: 'Ancien nom', text: '#REDIRECTION [[Page cible]]', summary: 'Test' });
    const pages = await bot.getPages(['page_cible', 'Ancien nom', 'Page qui n’existe pas'], { content: true });
    expect(pages.get('page_cible')?.title).toBe('Page cible');
    expect(pages.get('Ancien nom')?.title).toBe('Page cible');
    expect(pages.get('Ancien nom')?.content).toBe('La cible.');
    expect(pages.get('Page qui n’existe pas')).toMatchObject({ exists: false });
  });

  it('sends raw requests by GET or POST with formatversion=2', async () => {
    for (const method of ['GET', 'POST'] as const) {
      const answer = await bot.request({ action: 'query', meta: 'userinfo' }, { method });
      expect(answer).toMatchObject({ query: { userinfo: { name: 'Robot' } } });
    }
  });

  it('finds pages by content words, category and recent changes', async () => {
    await bot.edit({ title: 'Atelier communication', text: 'Un atelier sur la stratégie éditoriale. [[Catégorie:Atelier]]', summary: 'Test' });
    const hits = await bot.searchPages('éditoriale');
    expect(hits.map((h) => h.title)).toContain('Atelier communication');
    const members = await bot.categoryMembers('Atelier');
    expect(members.map((m) => m.title)).toContain('Atelier communication');
    const changes = await bot.recentChanges(5);
    expect(changes[0]).toMatchObject({ title: 'Atelier communication', user: 'Robot', bot: true });
    const all = await bot.allPageTitles();
    expect(all).toContain('Atelier communication');
  });
});

describe('WikiClient edits', () => {
  it('reports created, updated and nochange', async () => {
    expect(await bot.edit({ title: 'Essai', text: 'Un', summary: 'Test' })).toMatchObject({ result: 'created', title: 'Essai' });
    expect(await bot.edit({ title: 'Essai', text: 'Deux', summary: 'Test' })).toMatchObject({ result: 'updated' });
    expect(await bot.edit({ title: 'Essai', text: 'Deux', summary: 'Test' })).toEqual({ result: 'nochange', title: 'Essai' });
  });

  it('saves a 400 KB page holding the form encoding characters exactly as sent', async () => {
    const row = '| a+b=c & d%20e || « Atelier » 🌱 || [[Lien|étiquette]] || 100 % libre\n|-\n';
    const text = `{| class="wikitable"\n${row.repeat(Math.ceil(400_000 / row.length))}|}`;
    const saved = await bot.edit({ title: 'Grande table', text, summary: 'Essai : + & = % « »' });
    expect(saved.result).toBe('created');
    const page = (await bot.getPages(['Grande table'], { content: true })).get('Grande table');
    expect(page?.content).toBe(text);
    expect(page?.lastRevision?.comment).toBe('Essai : + & = % « »');
  });

  it('detects an edit conflict through baserevid when a human edited since the read', async () => {
    const created = await bot.edit({ title: 'Conflit', text: 'Version du robot', summary: 'Test' });
    await wiki.humanEdit('Conflit', 'Version humaine');
    const attempt = bot.edit({ title: 'Conflit', text: 'Nouvelle version du robot', summary: 'Test', baseRevId: created.revid });
    await expect(attempt).rejects.toBeInstanceOf(WikiEditConflictError);
    const page = (await bot.getPages(['Conflit'], { content: true })).get('Conflit');
    expect(page?.content).toBe('Version humaine');
  });

  it('refuses to overwrite with createOnly', async () => {
    await bot.edit({ title: 'Unique', text: 'Premier', summary: 'Test' });
    await expect(bot.edit({ title: 'Unique', text: 'Second', summary: 'Test', createOnly: true })).rejects.toBeInstanceOf(WikiPageExistsError);
  });

  it('never sends a false flag (minor: false does not mark the edit minor)', async () => {
    await bot.edit({ title: 'Drapeaux', text: 'Un', summary: 'Test' });
    await bot.edit({ title: 'Drapeaux', text: 'Deux', summary: 'Test', minor: false });
    const [latest] = await bot.recentChanges(1);
    expect(latest).toMatchObject({ title: 'Drapeaux', minor: false });
  });

  it('fetches a new CSRF token and retries once when the cached one is refused', async () => {
    bot.setCsrfTokenForTesting('0123456789abcdef+\\');
    const result = await bot.edit({ title: 'Jeton', text: 'Écrit malgré un jeton périmé', summary: 'Test' });
    expect(result.result).toBe('created');
  });

  it('applies a change tag defined on the wiki', async () => {
    expect(await bot.definedTags()).toContain('pollen');
    await bot.edit({ title: 'Balisée', text: 'Avec balise', summary: 'Test', tags: ['pollen'] });
    const [latest] = await bot.recentChanges(1);
    expect(latest).toMatchObject({ title: 'Balisée', tags: ['pollen'] });
  });
});
