import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
