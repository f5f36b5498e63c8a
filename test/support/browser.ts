import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (CI installs it with scripts/setup.sh); POLLEN_CHROMIUM overrides the path. */
export const CHROMIUM = process.env.POLLEN_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Headless Chromium as root on a closed network: no sandbox, no GPU, and none of the background
 * connections it would otherwise try at start. Fails (never skips) when Chromium is missing.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: install Debian's package (apt-get install chromium) or set POLLEN_CHROMIUM to its path. Browser specs never skip.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Copies what `source` shows (a page with JavaScript off) into `target`, where axe can run, as
 * the same origin would serve it: the stylesheets and the map's background are files of the
 * gateway (/styles/<hash>.css…), so the copy gets a `<base>` of the source's origin and waits for
 * them to load. Without it the copy would be audited unstyled.
 */
export async function copyForAudit(target: Page, source: Page): Promise<void> {
  const html = await source.content();
  const origin = new URL(source.url()).origin;
  await target.setContent(html.replace(/<head>/i, `<head><base href="${origin}/">`), { waitUntil: 'load' });
}

/** The two sizes every page is checked at: a laptop and a phone. */
export const VIEWPORTS = [{ name: 'bureau', width: 1366, height: 768 }, { name: 'telephone', width: 390, height: 844 }] as const;

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/**
 * What every page a person sees must pass, checked on `page` as it is (JavaScript off): French,
 * and at both sizes no sideways scrolling and no axe-core violation (axe runs on the page's copy
 * in `auditor`, a page with JavaScript, see copyForAudit). A screenshot of each size goes to
 * test-artifacts/<name>-<size>.png. `page` is left at the laptop size.
 */
export async function auditPage(page: Page, auditor: Page, name: string): Promise<void> {
  expect(await page.getAttribute('html', 'lang'), name).toBe('fr');
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${name} (${viewport.name}): horizontal scrolling`).toBeLessThanOrEqual(viewport.width);
    await page.screenshot({ path: `${ARTIFACTS}${name}-${viewport.name}.png`, fullPage: true });
    await auditor.setViewportSize({ width: viewport.width, height: viewport.height });
    await copyForAudit(auditor, page);
    await auditor.addScriptTag({ content: AXE_SOURCE });
    const violations = await auditor.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
      return (await axe.run()).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    });
    expect(violations, `${name} (${viewport.name})`).toEqual([]);
  }
  await page.setViewportSize({ width: VIEWPORTS[0].width, height: VIEWPORTS[0].height });
}
