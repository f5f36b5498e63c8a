/**
 * The query explorer in headless Chromium: served by the gateway itself (no CDN), it runs a query
 * and shows the answer, with the browser's network limited to the gateway.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import { launchChromium } from '../support/browser.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { startGateway, type RunningGateway } from './http.js';

let wiki: LocalWiki;
let gateway: RunningGateway;
let browser: Browser;

beforeAll(async () => {
  wiki = await startWiki();
  gateway = await startGateway({
    wiki: await wiki.botClient(), wikiMode: 'test wiki', moodle: undefined, curriculum: await loadCurriculum('course-modules'),
    moodleActivityMap: new Map(), probes: [],
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await wiki?.stop();
});

describe('the query explorer', () => {
  it('runs the example query from the page and shows the answer, loading nothing from elsewhere', async () => {
    const page = await browser.newPage();
    const foreign: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(gateway.url)) foreign.push(request.url());
    });
    await page.goto(`${gateway.url}/graphql`);
    await page.getByRole('button', { name: /Exécuter/ }).click();
    await page.getByRole('status').filter({ hasText: 'HTTP 200' }).waitFor();
    const answer = JSON.parse((await page.locator('#result').textContent()) ?? '') as { data: { curriculum: { moduleCount: number } } };
    expect(answer.data.curriculum.moduleCount).toBeGreaterThanOrEqual(17);
    expect(await page.locator('#schema').textContent()).toContain('type CurriculumModule');
    expect(foreign).toEqual([]);
    await page.close();
  });
});
