/**
 * /annuaire with its map in headless Chromium, JavaScript off, over the gateway `npm start`
 * builds: axe-core finds no violation and nothing scrolls sideways on a desktop (1366×768) and
 * a phone (390×844), hostile names included; the keyboard reaches the map's points and the
 * pager, with a visible focus. Screenshots go to test-artifacts/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntimeGateway } from '../gateway/http.js';
import { launchChromium } from '../support/browser.js';
import { freePort } from '../support/net.js';
import { seedProviders, spreadProviders } from './map-seed.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const VIEWPORTS = { bureau: { width: 1366, height: 768 }, telephone: { width: 390, height: 844 } } as const;
const HOSTILE = '<script>alert(1)</script> [[x]] ~~~~';

let running: Awaited<ReturnType<typeof startRuntimeGateway>>;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  running = await startRuntimeGateway(`http://127.0.0.1:${await freePort()}/api.php`, { botUser: 'Robot@pollen', botPassword: 'x' });
  // 45 providers over France and overseas, and two hostile names (Paris, Martinique): 3 pages.
  await seedProviders(running.runtime.deps.directory!, [
    ...spreadProviders(45),
    { name: HOSTILE, territories: ['75'], city: 'Paris', postalCode: '75011', lat: 48.86, lon: 2.38 },
    { name: `${HOSTILE} Martinique`, territories: ['972'], city: 'Le Lamentin', postalCode: '97232', lat: 14.61, lon: -60.99 },
    { name: 'Sans adresse située', territories: ['a-distance'] },
  ]);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await running?.close();
});

/**
 * axe-core needs JavaScript, and the page's Content-Security-Policy allows none: it runs in a
 * second context with JavaScript on and the policy bypassed, on the same page (which has no
 * script of its own: the JavaScript-off context checks that).
 */
async function violations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }> } }).axe.run();
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

describe.each(Object.entries(VIEWPORTS))('/annuaire with its map, %s, JavaScript off', (label, viewport) => {
  it('has no axe violation and no sideways scrolling, hostile names shown as text', { timeout: 180_000 }, async () => {
    const context = await browser.newContext({ viewport, javaScriptEnabled: false, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    const page = await context.newPage();
    const axeContext = await browser.newContext({ viewport, bypassCSP: true, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    const axePage = await axeContext.newPage();
    for (const path of ['/annuaire', '/annuaire?page=3', '/annuaire?territoire=martinique']) {
      await page.goto(`${running.gateway.url}${path}`);
      expect(await page.getAttribute('html', 'lang')).toBe('fr');
      expect(await page.locator('figure.carte svg').count(), path).toBe(1);
      expect(await page.locator('script').count(), path).toBe(0);
      await axePage.goto(`${running.gateway.url}${path}`);
      expect(await violations(axePage), `${label} ${path}`).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${label} ${path}: sideways scrolling`).toBeLessThanOrEqual(viewport.width);
      // The map fits the page's width.
      const svg = (await page.locator('figure.carte svg').boundingBox())!;
      expect(svg.x + svg.width).toBeLessThanOrEqual(viewport.width);
    }
    await page.goto(`${running.gateway.url}/annuaire`);
    expect(await page.locator(`figure.carte a title:text-is("${HOSTILE}")`).count()).toBe(1);
    expect(await page.locator(`#resultats h3 a:text-is("${HOSTILE}")`).count()).toBe(1);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.textContent('#carte-legende')).toContain('1 structure sans adresse située n’y figure pas');
    await page.screenshot({ path: `${ARTIFACTS}annuaire-carte-${label}.png`, fullPage: true });
    await context.close();
    await axeContext.close();
  });
});

describe('/annuaire with the keyboard, JavaScript off', () => {
  it('reaches the map’s points, with a visible focus, then the pager, and opens the last page', { timeout: 180_000 }, async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS.telephone, javaScriptEnabled: false, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    const page = await context.newPage();
    await page.goto(`${running.gateway.url}/annuaire`);
    const focused = () => page.evaluate(() => {
      const el = document.activeElement;
      return el ? { tag: el.tagName.toLowerCase(), href: el.getAttribute('href'), inMap: !!el.closest('figure.carte'), inPager: !!el.closest('nav.pages'), text: el.textContent?.trim() ?? '' } : null;
    });
    const seen: Array<NonNullable<Awaited<ReturnType<typeof focused>>>> = [];
    for (let i = 0; i < 200; i++) {
      await page.keyboard.press('Tab');
      const f = await focused();
      if (!f || f.tag === 'body') break;
      seen.push(f);
      if (f.inMap && seen.filter((s) => s.inMap).length === 1) {
        // The first point: its circle takes a dark ring when focused.
        const stroke = await page.evaluate(() => getComputedStyle(document.activeElement!.querySelector('circle')!).stroke);
        expect(stroke).toBe('rgb(26, 26, 26)');
        await page.screenshot({ path: `${ARTIFACTS}annuaire-carte-focus.png` });
      }
      if (f.inPager && f.text === '3') break;
    }
    const points = seen.filter((s) => s.inMap);
    expect(points.length).toBe(47);
    expect(points.every((p) => p.href?.startsWith('/annuaire/'))).toBe(true);
    // The map comes before the list, the list before the pager.
    const firstPoint = seen.findIndex((s) => s.inMap);
    const firstItem = seen.findIndex((s) => s.href === '/annuaire/structure-0001');
    const lastPage = seen.findIndex((s) => s.inPager && s.text === '3');
    expect(firstPoint).toBeGreaterThan(-1);
    expect(firstItem).toBeGreaterThan(firstPoint);
    expect(lastPage).toBeGreaterThan(firstItem);
    await Promise.all([page.waitForURL(/page=3$/), page.keyboard.press('Enter')]);
    expect(await page.textContent('nav.pages [aria-current="page"]')).toBe('3');
    await context.close();
  });
});
