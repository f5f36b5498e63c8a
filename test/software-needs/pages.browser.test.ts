/**
 * Issue 25, items 4 and 7, in headless Chromium with JavaScript disabled, over the gateway with
 * POLLEN_DEMO=1 and a real SMTP server: an association proposes a need and confirms it through
 * the mailed link, a facilitator publishes it, another association adds its need with a pledge
 * and confirms; the page shows both associations and the pledge. Every new page: axe-core 0
 * violations and no sideways scrolling at 1366×768 and 390×844. Screenshots in test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLearnerGateway, type LearnerGateway } from '../learner/support.js';
import { auditPage, VIEWPORTS, launchChromium } from '../support/browser.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const FACILITATOR_TOKEN = 'software-needs-browser-facilitator-token-0123';

describe('needed software in a browser, without JavaScript', { timeout: 240_000 }, () => {
  let gw: LearnerGateway;
  let browser: Browser;
  let page: Page;
  let axePage: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    gw = await startLearnerGateway({ env: { POLLEN_DEMO: '1', POLLEN_FACILITATOR_TOKENS: FACILITATOR_TOKEN } });
    browser = await launchChromium();
    page = await (await browser.newContext({ javaScriptEnabled: false, viewport: VIEWPORTS[0], locale: 'fr-FR', timezoneId: 'Europe/Paris', bypassCSP: true })).newPage();
    axePage = await (await browser.newContext({ viewport: VIEWPORTS[0], locale: 'fr-FR', bypassCSP: true })).newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  const url = (path: string) => `${gw.gateway.url}${path}`;

  /** French, axe-core clean and no sideways scroll at both sizes; a screenshot of each (test/support/browser.ts). */
  async function check(name: string): Promise<void> {
    await auditPage(page, axePage, `besoins-logiciels-${name}`);
  }

  async function submit(selector = 'main form button[type=submit].primary'): Promise<void> {
    await Promise.all([page.waitForEvent('load'), page.click(selector)]);
  }

  /** Delivers the outbox and opens the confirmation link mailed to `to`, then confirms. */
  async function confirmMailTo(to: string, name?: string): Promise<void> {
    const before = gw.smtp.inbox.length;
    await gw.deliver();
    const mail = gw.smtp.inbox.slice(before).find((m) => m.to === to);
    expect(mail, `a mail to ${to}`).toBeDefined();
    const link = /(https?:\/\/\S+\/besoins-logiciels\/confirmer\?jeton=\S+)/.exec(mail!.text)![1]!;
    await page.goto(link.replace(/^https?:\/\/[^/]+/, gw.gateway.url));
    if (name) await check(name);
    await submit();
  }

  it('propose, confirm by mail, a facilitator publishes, another association adds its need with a pledge: two associations and the pledge show', async () => {
    await page.goto(url('/'));
    await Promise.all([page.waitForEvent('load'), page.click('nav.site >> text=Besoins logiciels')]);
    expect(new URL(page.url()).pathname).toBe('/besoins-logiciels');
    // The demo's proposals, most needed first.
    expect(await page.textContent('main')).toContain('Relances d’adhésion automatiques dans Paheko');
    await check('liste');

    await Promise.all([page.waitForEvent('load'), page.click('text=Proposer un besoin')]);
    await check('proposer');
    // Sent with a description too short: the refusal under its field, what was typed kept, the field focused.
    await page.fill('#champ-titre', 'Carte des jardins partagés');
    await page.check('#champ-type-0');
    await page.fill('#champ-description', 'Trop court');
    await page.fill('#champ-association', 'Les Jardins du Lavoir');
    await page.fill('#champ-courriel', 'bureau@jardins-lavoir.example.net');
    await submit();
    expect(await page.textContent('#champ-description-erreur')).toContain('Ce texte est trop court');
    expect(await page.inputValue('#champ-titre')).toBe('Carte des jardins partagés');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('champ-description');
    await check('proposer-refus');
    await page.fill('#champ-description', 'Une carte libre des jardins partagés de la ville, que chaque association met à jour elle-même.');
    await submit();
    expect(await page.textContent('p.ok')).toContain('Un e-mail vient d’être envoyé à bureau@jardins-lavoir.example.net');

    await confirmMailTo('bureau@jardins-lavoir.example.net', 'confirmer');
    expect(await page.textContent('p.ok')).toContain('votre proposition est confirmée');

    // A facilitator signs in and publishes it.
    await page.goto(url('/dashboard/besoins-logiciels'));
    expect(new URL(page.url()).pathname).toBe('/dashboard/connexion');
    await page.fill('#jeton', FACILITATOR_TOKEN);
    await Promise.all([page.waitForURL(url('/dashboard')), page.click('button[type=submit]')]);
    await page.goto(url('/dashboard/besoins-logiciels'));
    expect(await page.textContent('main')).toContain('Carte des jardins partagés');
    await check('moderation');
    const id = await gw.runtime.deps.softwareNeeds!.db.selectFrom('software_needs').select('id').where('title', '=', 'Carte des jardins partagés').executeTakeFirstOrThrow();
    await Promise.all([page.waitForURL(/fait=approve/), page.click(`form:has(input[name=id][value="${id.id}"]):has(input[name=decision][value=approve]) button`)]);
    await Promise.all([page.waitForEvent('load'), page.click('header.top button[type=submit]')]);

    // Another association finds it and adds its need with a pledge.
    await page.goto(url('/besoins-logiciels'));
    await Promise.all([page.waitForEvent('load'), page.click('text=Carte des jardins partagés')]);
    expect(await page.textContent('main')).toContain('Les associations qui en ont besoin (1)');
    await check('besoin');
    await Promise.all([page.waitForEvent('load'), page.click('text=Nous en avons besoin aussi')]);
    await check('besoin-formulaire');
    await page.fill('#champ-association', 'Potager Collectif du Centre');
    await page.fill('#champ-courriel', 'contact@potager-centre.example.net');
    await page.fill('#champ-heures', '10');
    await page.fill('#champ-euros', '250');
    await submit();
    expect(await page.textContent('p.ok')).toContain('Un e-mail vient d’être envoyé à contact@potager-centre.example.net');
    await confirmMailTo('contact@potager-centre.example.net');
    const main = (await page.textContent('main'))!;
    expect(main).toContain('votre participation est prise en compte');
    expect(main).toContain('Les associations qui en ont besoin (2)');
    expect(main).toContain('Les Jardins du Lavoir');
    expect(main).toContain('Potager Collectif du Centre');
    expect(main).toContain('Contributions annoncées : 10 heures et 250 € promis par 1 association.');
    expect(main).not.toContain('@');

    await Promise.all([page.waitForEvent('load'), page.click('text=Nous pourrions le réaliser')]);
    await check('realiser');
  });
});
