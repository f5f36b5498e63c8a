import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WikiClient } from '../../src/wiki/client.js';
import { publishPages, publishReadPage, STOP_PAGE_RECHECK_EDITS } from '../../src/wiki/publish.js';
import { defaultStopPage } from '../../src/wiki/bot-policy.js';
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

const summary = 'Publication groupée par Pollen (test)';
const requests = (prefix: string, n: number, version = 1) =>
  Array.from({ length: n }, (_, i) => ({ title: `${prefix} ${i + 1}`, text: `Version ${version} de la page ${i + 1}.`, summary }));

describe('publishPages', () => {
  it('reads every page in one call, then only saves', async () => {
    const calls = bot.stats.apiCalls;
    const outcomes = await publishPages(bot, requests('Lot A', 25));
    expect(outcomes.map((o) => o.status)).toEqual(Array(25).fill('created'));
    // 1 batched read + 25 saves + stop-page re-reads every STOP_PAGE_RECHECK_EDITS saves
    // (+ the tag list and the CSRF token, fetched once per client).
    const rechecks = Math.floor((25 - 1) / STOP_PAGE_RECHECK_EDITS);
    expect(bot.stats.apiCalls - calls).toBeLessThanOrEqual(1 + 25 + rechecks + 2);
  });

  it('makes no edit at all when nothing changed: one read', async () => {
    const calls = bot.stats.apiCalls;
    const outcomes = await publishPages(bot, requests('Lot A', 25));
    expect(outcomes.every((o) => o.status === 'unchanged')).toBe(true);
    expect(bot.stats.apiCalls - calls).toBe(1);
  });

  it("leaves a page a human edited and updates the bot's own pages", async () => {
    await wiki.humanEdit('Lot A 3', 'Corrigé à la main.');
    const outcomes = await publishPages(bot, requests('Lot A', 5, 2));
    expect(outcomes.map((o) => o.status)).toEqual(['updated', 'updated', 'conflict', 'updated', 'updated']);
    expect(outcomes[2]).toMatchObject({ lastEditor: 'Admin' });
    const page = (await bot.getPages(['Lot A 3'], { content: true })).get('Lot A 3');
    expect(page?.content).toBe('Corrigé à la main.');
  });

  it('halts on the emergency stop page, saving nothing', async () => {
    await wiki.humanEdit(defaultStopPage('Robot'), 'Arrêt demandé pendant la maintenance.');
    const outcomes = await publishPages(bot, requests('Lot B', 3));
    expect(outcomes.map((o) => o.status)).toEqual(['stopped', 'stopped', 'stopped']);
    const pages = await bot.getPages(['Lot B 1', 'Lot B 2', 'Lot B 3']);
    expect([...pages.values()].some((p) => p.exists)).toBe(false);
    await wiki.humanEdit(defaultStopPage('Robot'), 'actif');
  });

  it('publishReadPage never overwrites a human edit made after the snapshot was read', async () => {
    await publishPages(bot, requests('Lot C', 1));
    const snapshot = await bot.getPages(['Lot C 1', defaultStopPage('Robot')], { content: true });
    await wiki.humanEdit('Lot C 1', 'Modifié pendant la publication.');
    const calls = bot.stats.apiCalls;
    const outcome = await publishReadPage(bot, requests('Lot C', 1, 2)[0]!, snapshot.get('Lot C 1'), snapshot.get(defaultStopPage('Robot')));
    expect(outcome.status).toBe('conflict');
    expect(bot.stats.apiCalls - calls).toBe(1); // the refused save, no read
    const page = (await bot.getPages(['Lot C 1'], { content: true })).get('Lot C 1');
    expect(page?.content).toBe('Modifié pendant la publication.');
  });
});
