/**
 * Pollen's own pages in headless Chromium, desktop (1366×768) and phone (390×844): axe-core
 * (from the registry, injected into each page) finds no violation, the phone never needs a
 * horizontal swipe, and a screenshot of each page is saved under test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addLearner } from '../../bots/progress-sync.js';
import { buildRuntime, type Runtime } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { ActionLog } from '../../src/dashboard/actions.js';
import { startGateway, type RunningGateway } from '../gateway/http.js';
import { launchChromium } from '../support/browser.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TOKEN = 'facilitator-token-for-axe-specs-0123456789abcdef';
const VIEWPORTS = { bureau: { width: 1366, height: 768 }, telephone: { width: 390, height: 844 } } as const;

let wiki: LocalWiki;
let runtime: Runtime;
let gateway: RunningGateway;
let browser: Browser;
let failedNoteId = 0;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  wiki = await startWiki();
  const config = loadConfig({ WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword, POLLEN_STORE_PATH: ':memory:', POLLEN_FACILITATOR_TOKENS: TOKEN });
  runtime = await buildRuntime(config, pino({ level: 'silent' }));
  gateway = await startGateway(runtime.deps, { dashboard: { actions: await ActionLog.open(runtime.database) } });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  runtime?.close();
  await wiki?.stop();
});

/** A signed-in facilitator's browser at one viewport; scripts are injected despite the CSP. */
async function facilitatorContext(viewport: { width: number; height: number }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, locale: 'fr-FR', timezoneId: 'Europe/Paris', bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${gateway.url}/dashboard/connexion`);
  await page.fill('#jeton', TOKEN);
  await page.click('button[type=submit]');
  await page.waitForURL(`${gateway.url}/dashboard`);
  await page.close();
  return context;
}

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

describe('Pollen\'s pages before any data', () => {
  it('sign-in page, empty dashboard and the query explorer: 0 axe violations at both sizes', { timeout: 240_000 }, async () => {
    for (const [label, viewport] of Object.entries(VIEWPORTS)) {
      const context = await browser.newContext({ viewport, locale: 'fr-FR', timezoneId: 'Europe/Paris', bypassCSP: true });
      const page = await context.newPage();
      await page.goto(`${gateway.url}/dashboard/connexion`);
      await check(page, `connexion-${label}`);
      await page.goto(`${gateway.url}/graphql`, { waitUntil: 'networkidle' });
      await check(page, `explorateur-${label}`);
      await context.close();
      const signedIn = await facilitatorContext(viewport);
      const dashboard = await signedIn.newPage();
      await dashboard.goto(`${gateway.url}/dashboard`);
      expect(await dashboard.textContent('#chiffre-apprenants')).toBe('0');
      expect(await dashboard.textContent('#progression')).toContain('npm run progress:sync');
      await check(dashboard, `tableau-de-bord-vide-${label}`);
      await signedIn.close();
    }
  });
});

describe.each(Object.entries(VIEWPORTS))('Pollen\'s pages, %s', (label, viewport) => {
  it('dashboard with data, a learner page and a note to correct: 0 axe violations, no sideways swipe', { timeout: 180_000 }, async () => {
    if ((await runtime.tracker.learners.list()).length === 0) {
      await addLearner(runtime.database, { username: 'zoe', displayName: 'Zoé Lefèvre', password: 'zoe-password-1' });
      await addLearner(runtime.database, { username: 'malo', displayName: 'Malo Guérin', password: 'malo-password-1' });
      await runtime.deps.progress!.markModuleDone('local-zoe', runtime.deps.curriculum[0]!.slug, true);
      await runtime.tracker.sync();
      await runtime.deps.notes!.submit({ source: '---\ntitle: Atelier publié\ndate: 2026-03-01\n---\nDes notes.\n', origin: 'api' });
      failedNoteId = (await runtime.deps.notes!.submit({ source: '---\ndate: 2026-03-02\n---\n', fileName: 'sans-titre.md', origin: 'api' })).id ?? 0;
    }
    const context = await facilitatorContext(viewport);
    const page = await context.newPage();
    await page.goto(`${gateway.url}/dashboard`);
    expect(await page.textContent('#chiffre-apprenants')).toBe('2');
    await check(page, `tableau-de-bord-${label}`);
    expect(await page.getAttribute('#table-progression a[href="/dashboard/apprenant/local-zoe"]', 'href')).toBe('/dashboard/apprenant/local-zoe');
    await page.goto(`${gateway.url}/dashboard/apprenant/local-zoe`);
    expect(await page.textContent('#titre-apprenant')).toBe('Zoé Lefèvre');
    await check(page, `apprenant-${label}`);
    await page.goto(`${gateway.url}/dashboard/notes/${failedNoteId}/modifier`);
    await check(page, `note-a-corriger-${label}`);
    await page.goto(`${gateway.url}/introuvable`);
    await check(page, `page-introuvable-${label}`);
    await context.close();
  });
});
