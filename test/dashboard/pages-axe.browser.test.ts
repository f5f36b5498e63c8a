/**
 * Issue 29, item 2, in headless Chromium: the dashboard of a 1,200-learner cohort, on a page of
 * its stalled table with the page numbers, has no axe-core violation and needs no sideways swipe
 * on a phone (as test/dashboard/axe.browser.test.ts checks the small cohort's pages).
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRuntime, type Runtime } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { startGateway, type RunningGateway } from '../gateway/http.js';
import { launchChromium } from '../support/browser.js';
import { seedCohort } from '../support/cohort-seed.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TOKEN = 'facilitator-token-for-pager-axe-0123456789abcdef';
const VIEWPORTS = { bureau: { width: 1366, height: 768 }, telephone: { width: 390, height: 844 } } as const;

let wiki: LocalWiki;
let runtime: Runtime;
let gateway: RunningGateway;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  wiki = await startWiki();
  const config = loadConfig({ WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword, POLLEN_STORE_PATH: ':memory:', POLLEN_FACILITATOR_TOKENS: TOKEN });
  runtime = await buildRuntime(config, pino({ level: 'silent' }));
  await seedCohort(runtime.database, { count: 1200, curriculum: runtime.deps.curriculum, now: new Date() });
  gateway = await startGateway(runtime.deps);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  runtime?.close();
  await wiki?.stop();
});

async function check(page: Page, name: string): Promise<void> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }> } }).axe.run();
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  expect(violations, name).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${name}: horizontal scrolling`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

describe.each(Object.entries(VIEWPORTS))('a 1,200-learner dashboard, %s', (label, viewport) => {
  it('on page 3 of the stalled table, with its page numbers: 0 axe violations, no sideways swipe', { timeout: 180_000 }, async () => {
    const context = await browser.newContext({ viewport, locale: 'fr-FR', timezoneId: 'Europe/Paris', bypassCSP: true, extraHTTPHeaders: { authorization: `Bearer ${TOKEN}` } });
    const page = await context.newPage();
    await page.goto(`${gateway.url}/dashboard?bloques=3#bloques`);
    expect(await page.textContent('#chiffre-apprenants')).toBe('1200');
    const pager = page.locator('nav[aria-label="Pages des apprenant·es bloqué·es"]');
    expect(await pager.locator('[aria-current="page"]').textContent()).toBe('3');
    expect(await page.locator('#table-bloques tbody tr').count()).toBe(50);
    await check(page, `tableau-de-bord-1200-${label}`);
    await context.close();
  });
});
