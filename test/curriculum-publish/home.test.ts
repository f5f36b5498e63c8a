import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTALLER_ACCOUNTS, publishWikiHome } from '../../src/curriculum/publish/home.js';
import type { WikiClient } from '../../src/wiki/client.js';
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

describe('the local wiki\'s main page and category pages', () => {
  it('replaces the installer\'s placeholder with a French main page linking the parcours, and creates the category pages', async () => {
    const site = await bot.siteInfo();
    const before = (await bot.getPages([site.mainPage], { content: true })).get(site.mainPage);
    expect(INSTALLER_ACCOUNTS).toContain(before?.lastRevision?.user);
    const outcomes = await publishWikiHome(bot, ['communs', 'accompagnement', 'communication']);
    expect(outcomes[0]).toMatchObject({ title: site.mainPage, status: 'updated' });
    const pages = await bot.getPages([site.mainPage, 'Catégorie:Parcours de formation', 'Catégorie:Parcours de formation – Les communs', 'Catégorie:Compte-rendu'], { content: true });
    const main = pages.get(site.mainPage)?.content ?? '';
    expect(main).toContain('[[Parcours de formation]]');
    expect(main).not.toContain('MediaWiki');
    expect(main).not.toContain('[[Annuaire]]');
    for (const page of pages.values()) expect(page.exists).toBe(true);
    expect((await publishWikiHome(bot, ['communs', 'accompagnement', 'communication'])).every((o) => o.status === 'unchanged')).toBe(true);
  });

  it('links the directory and the agenda once they exist', async () => {
    await wiki.humanEdit('Annuaire', 'Les structures recommandées.');
    await wiki.humanEdit('Agenda', 'Les prochains ateliers.');
    const [main] = await publishWikiHome(bot, ['communs']);
    expect(main?.status).toBe('updated');
    const text = (await bot.getPages([main!.title], { content: true })).get(main!.title)?.content ?? '';
    expect(text).toContain('[[Annuaire]]');
    expect(text).toContain('[[Agenda]]');
  });

  it('keeps a person\'s main page: once someone edits it, Pollen never writes it again', async () => {
    const site = await bot.siteInfo();
    await wiki.humanEdit(site.mainPage, 'Notre accueil, écrit à la main.');
    const [main] = await publishWikiHome(bot, ['communs']);
    expect(main?.status).toBe('conflict');
    expect((await bot.getPages([site.mainPage], { content: true })).get(site.mainPage)?.content).toBe('Notre accueil, écrit à la main.');
  });
});

describe('the local wiki\'s logo', () => {
  it('is Pollen\'s SVG, configured as the skin\'s icon', async () => {
    const server = wiki.apiUrl.replace(/\/api\.php$/, '');
    const logo = await fetch(`${server}/pollen-logo.svg`);
    expect(logo.status).toBe(200);
    expect(logo.headers.get('content-type')).toContain('image/svg+xml');
    expect(await logo.text()).toContain('<title>Pollen</title>');
    const page = await (await fetch(`${server}/index.php?title=Parcours_de_formation`)).text();
    // The skin draws the logo from its stylesheet (ResourceLoader): the configured URL is in it.
    const stylesheet = /<link rel="stylesheet" href="([^"]*only=styles[^"]*)"/.exec(page)?.[1]?.replace(/&amp;/g, '&');
    expect(stylesheet).toBeDefined();
    const css = await (await fetch(new URL(stylesheet!, `${server}/`))).text();
    expect(css).toContain('/pollen-logo.svg');
  });
});
