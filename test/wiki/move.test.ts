import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WikiClient } from '../../src/wiki/client.js';
import { WikiMissingPageError, WikiPageExistsError } from '../../src/wiki/errors.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';

let wiki: LocalWiki;
let bot: WikiClient;
const actions: string[] = [];

beforeAll(async () => {
  wiki = await startWiki();
  bot = await wiki.botClient({ onRequest: (r) => actions.push(r.action) });
});
afterAll(async () => {
  await wiki?.stop();
});

describe('WikiClient.move', () => {
  it('renames a page with the bot’s grants, keeps its history, leaves a redirect, and tells the save listeners both titles', async () => {
    await wiki.createPages([{ title: 'Ancien titre', text: 'Texte de la page.' }]);
    const saved: string[] = [];
    const stop = bot.onPageSaved((title) => saved.push(title));
    actions.length = 0;
    const moved = await bot.move({ from: 'Ancien titre', to: 'Nouveau titre', reason: 'Renommage de test' });
    stop();
    expect(moved).toEqual({ from: 'Ancien titre', to: 'Nouveau titre', redirectCreated: true });
    expect(actions).toContain('move'); // one request counted by action, as pollen_upstream_requests_total does
    expect(saved).toEqual(['Ancien titre', 'Nouveau titre']);
    const page = (await bot.getPages(['Nouveau titre'], { content: true })).get('Nouveau titre');
    expect(page?.content).toBe('Texte de la page.');
    // The move's own revision sits on top of the page's last one.
    expect(page?.lastRevision).toMatchObject({ user: 'Robot', parentId: expect.any(Number) });
    expect(page?.lastRevision?.parentId).toBeGreaterThan(0);
    // Read through the redirect, the old title gives the moved page.
    expect((await bot.getPages(['Ancien titre'])).get('Ancien titre')?.title).toBe('Nouveau titre');
  });

  it('refuses a target that exists (WikiPageExistsError naming it) and a missing source (WikiMissingPageError)', async () => {
    await wiki.createPages([{ title: 'Source occupée', text: 'A.' }, { title: 'Cible occupée', text: 'B.' }]);
    await expect(bot.move({ from: 'Source occupée', to: 'Cible occupée', reason: 'Essai' })).rejects.toSatisfy(
      (err: unknown) => err instanceof WikiPageExistsError && err.title === 'Cible occupée',
    );
    await expect(bot.move({ from: 'Page absente', to: 'Ailleurs', reason: 'Essai' })).rejects.toBeInstanceOf(WikiMissingPageError);
  });
});
