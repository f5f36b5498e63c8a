import { existsSync } from 'node:fs';
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
