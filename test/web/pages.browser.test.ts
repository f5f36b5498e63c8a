/**
 * The web layer's own pages (home, sign-in choice, 404, the needs diagnostic and its answer) in Chromium with JavaScript disabled, on
 * the runtime `npm start` builds: axe-core finds nothing at 1366×768 and 390×844, no horizontal
 * scrolling on the phone, the skip link comes first with a visible focus ring, and a session
 * ends from the shell's « Se déconnecter » on any page.
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
import { FormBrowser, formTokenIn } from '../support/form-browser.js';
import { freePort } from '../support/net.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TOKEN = 'facilitator-token-for-web-specs-0123456789abcdef';
const VIEWPORTS = { bureau: { width: 1366, height: 768 }, telephone: { width: 390, height: 844 } } as const;
const HOSTILE = '<script>alert(1)</script> ~~~~ [[Lien]] {{Modèle}} Atelier au titre très long pour voir s’il passe à la ligne sur un téléphone';

let runtime: Runtime;
let gateway: RunningGateway;
let browser: Browser;
let diagnostic: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const config = loadConfig({
    WIKI_API_URL: `http://127.0.0.1:${await freePort()}/api.php`, WIKI_BOT_USER: 'Robot@pollen', WIKI_BOT_PASSWORD: 'unused',
    POLLEN_STORE_PATH: ':memory:', POLLEN_FACILITATOR_TOKENS: TOKEN,
  });
  runtime = await buildRuntime(config, pino({ level: 'silent' }));
  const soon = new Date(Date.now() + 7 * 86400_000).toISOString().slice(0, 10);
  await runtime.deps.agenda!.createSession({ moduleSlug: null, title: HOSTILE, startsAt: `${soon}T14:00`, endsAt: `${soon}T17:00`, address: 'Maison des associations, 12 rue de la République, Lyon', capacity: 12 });
  gateway = await startGateway(runtime.deps, { web: { store: runtime.database } });
  browser = await launchChromium();
  // A diagnostic's answer page, from a questionnaire sent as a browser without JavaScript would.
  const visitor = new FormBrowser(gateway.url);
  const token = formTokenIn((await visitor.get('/diagnostic')).html);
  const tools = ['messagerie', 'fichiers', 'agenda', 'formulaires', 'visio', 'site', 'comptabilite', 'adherents'].map((id, i): [string, string] => [`outil-${id}`, i % 2 ? 'proprietaire' : 'aucun']);
  diagnostic = (await visitor.post('/diagnostic', [['csrf', token], ['association', HOSTILE], ['courriel', 'bureau@asso.example.org'], ['territoire', '69'], ['taille', 'moyenne'], ...tools])).headers.get('location')!;
});
afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  runtime?.close();
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
  expect(await page.getAttribute('html', 'lang')).toBe('fr');
  await page.screenshot({ path: `${ARTIFACTS}web-${name}.png`, fullPage: true });
}

describe('the web layer\'s pages, JavaScript off', () => {
  it('home, sign-in choice and 404: 0 axe violations and no horizontal scroll at both sizes; the skip link comes first, visibly focused', { timeout: 400_000 }, async () => {
    for (const [label, viewport] of Object.entries(VIEWPORTS)) {
      // The pages carry no script at all, so axe (which is one) runs in a context with scripts on;
      // what a person without JavaScript does is checked in its own context below.
      const axeContext = await browser.newContext({ viewport, locale: 'fr-FR', timezoneId: 'Europe/Paris', bypassCSP: true });
      const audited = await axeContext.newPage();
      for (const [name, path, status] of [['accueil', '/', 200], ['connexion', '/connexion', 200], ['introuvable', '/nulle-part', 404], ['diagnostic', '/diagnostic', 200], ['diagnostic-reponse', diagnostic, 200]] as const) {
        expect((await audited.goto(`${gateway.url}${path}`))?.status()).toBe(status);
        await check(audited, `${name}-${label}`);
      }
      await axeContext.close();
      const context = await browser.newContext({ viewport, locale: 'fr-FR', timezoneId: 'Europe/Paris', javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(`${gateway.url}/`);
      // The hostile title is text, never markup.
      expect(await page.locator('main a[href^="/agenda/sessions/"]').first().textContent()).toBe(HOSTILE);
      expect(await page.locator('script').count()).toBe(0);
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const style = getComputedStyle(el);
        return { text: el.textContent, outline: style.outlineStyle, width: style.outlineWidth, left: el.getBoundingClientRect().left };
      });
      expect(focused.text).toBe('Aller au contenu');
      expect(focused.outline).toBe('solid');
      expect(focused.width).toBe('3px');
      expect(focused.left).toBeGreaterThanOrEqual(0);
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Se connecter');
      await context.close();
    }
  });

  it('a facilitator signed in sees the dashboard in the navigation, and « Se déconnecter » on the home page ends the session', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS.telephone, locale: 'fr-FR', javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${gateway.url}/dashboard/connexion`);
    await page.fill('#jeton', TOKEN);
    await page.click('button[type=submit]');
    await page.waitForURL(`${gateway.url}/dashboard`);
    await page.goto(`${gateway.url}/`);
    expect(await page.locator('nav.site a[href="/dashboard"]').textContent()).toBe('Tableau de bord');
    await page.click('header button:has-text("Se déconnecter")');
    await page.waitForURL(`${gateway.url}/`);
    expect(await page.locator('p.ok[role=status]').textContent()).toBe('Vous êtes déconnecté·e.');
    expect(await page.locator('nav.site a[href="/dashboard"]').count()).toBe(0);
    // The session is over on the server too: the dashboard asks to sign in again.
    await page.goto(`${gateway.url}/dashboard`);
    expect(page.url()).toContain('/dashboard/connexion');
    await context.close();
  });
});
