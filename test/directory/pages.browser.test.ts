/**
 * Issue 28, items 4 and 7, in headless Chromium with JavaScript disabled, over the gateway with
 * POLLEN_DEMO=1 and a real SMTP server: an association recommends a structure and confirms
 * through the mailed link, a facilitator verifies it on the moderation page, the recommendation
 * shows on the structure's page; a structure declares itself, confirms, is approved, signs in by
 * its mailed link, renames itself and goes back to moderation. Every page on the way: axe-core 0
 * violations and no sideways scrolling at 1366×768 and 390×844. Screenshots in test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPage, VIEWPORTS, launchChromium } from '../support/browser.js';
import { FACILITATOR_TOKEN, linkIn, startPagesGateway, type PagesGateway } from './pages-support.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

describe('the directory’s public pages in a browser, without JavaScript', { timeout: 180_000 }, () => {
  let gw: PagesGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Where axe runs: a page with JavaScript, given the JavaScript-free page's document as it is. */
  let axePage: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    gw = await startPagesGateway({ env: { POLLEN_DEMO: '1' } });
    browser = await launchChromium();
    context = await browser.newContext({ javaScriptEnabled: false, viewport: VIEWPORTS[0], locale: 'fr-FR', timezoneId: 'Europe/Paris', bypassCSP: true });
    page = await context.newPage();
    axePage = await (await browser.newContext({ viewport: VIEWPORTS[0], locale: 'fr-FR', bypassCSP: true })).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  /** French, axe-core clean and no sideways scroll at both sizes; a screenshot of each (test/support/browser.ts). */
  async function check(name: string): Promise<void> {
    await auditPage(page, axePage, `annuaire-${name}`);
  }

  async function submit(selector = 'main form button[type=submit].primary'): Promise<void> {
    await Promise.all([page.waitForEvent('load'), page.click(selector)]);
  }

  async function moderate(subject: 'provider' | 'recommendation', id: string): Promise<void> {
    await page.goto(`${gw.url}/dashboard/annuaire`);
    if (new URL(page.url()).pathname === '/dashboard/connexion') {
      await page.fill('#jeton', FACILITATOR_TOKEN);
      await Promise.all([page.waitForURL(`${gw.url}/dashboard`), page.click('button[type=submit]')]);
      await page.goto(`${gw.url}/dashboard/annuaire`);
    }
    const form = page.locator(`form:has(input[name=subject][value=${subject}]):has(input[name=id][value="${id}"]):has(input[name=decision][value=approve])`);
    await Promise.all([page.waitForURL(/fait=/), form.locator('button[type=submit]').click()]);
  }

  it('an association recommends a structure, confirms by the mailed link; a facilitator verifies; the page shows it', async () => {
    const directory = gw.runtime.deps.directory!;
    const [provider] = await directory.listed();
    await page.goto(`${gw.url}/annuaire/${provider!.slug}`);
    // The demo's recommendations carry their projects and questionnaires.
    expect(await page.textContent('main')).toContain('Outils remplacés :');
    expect(await page.textContent('main')).toContain('Besoins étudiés avant de choisir les outils');
    await check('structure');

    await Promise.all([page.waitForEvent('load'), page.click('text=Recommander cette structure')]);
    expect(new URL(page.url()).pathname).toBe(`/annuaire/${provider!.slug}/recommander`);
    await check('recommander');
    // Sent empty: every refusal next to its field, the first one focused.
    await page.fill('#champ-association', 'Les Amis du Lavoir');
    await submit();
    expect(await page.inputValue('#champ-association')).toBe('Les Amis du Lavoir');
    expect(await page.textContent('#champ-email-erreur')).toContain('adresse électronique invalide');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('champ-email');
    await check('recommander-refus');

    await page.fill('#champ-email', 'bureau@amis-du-lavoir.example.net');
    await page.fill('#champ-travail', 'Étude des besoins, installation d’un espace partagé et formation de six bénévoles.');
    await page.selectOption('#champ-mois', '05');
    await page.selectOption('#champ-annee', '2025');
    await page.fill('#champ-remplaces', 'Google Drive');
    await page.fill('#champ-adoptes', 'Nextcloud');
    for (const id of ['needAssessed', 'delivered', 'usersTrained', 'autonomous', 'documentationLeft', 'supportAfter', 'wouldRecommend']) {
      await page.check(`#champ-q-${id}-0`);
    }
    await page.check('#champ-contact');
    await submit();
    expect(await page.textContent('p.ok')).toContain('Un e-mail vient d’être envoyé à bureau@amis-du-lavoir.example.net');

    const [mail] = await gw.deliver();
    await page.goto(`${gw.url}${linkIn(mail!.text, '/annuaire/confirmer?jeton=')}`);
    await check('confirmer');
    await submit();
    expect(await page.textContent('p.ok')).toContain('votre recommandation est confirmée');

    const rec = (await directory.moderationQueue()).recommendations.find((r) => r.associationName === 'Les Amis du Lavoir')!;
    await moderate('recommendation', String(rec.id));
    await page.goto(`${gw.url}/annuaire/${provider!.slug}`);
    const main = await page.textContent('main');
    expect(main).toContain('Les Amis du Lavoir');
    expect(main).toContain('Outils remplacés : Google Drive, par Nextcloud.');
  });

  it('a structure declares itself, confirms, is approved, renames itself through its sign-in link and goes back to moderation', async () => {
    const directory = gw.runtime.deps.directory!;
    await page.goto(`${gw.url}/annuaire/declarer`);
    await check('declarer');
    await page.fill('#champ-nom', 'Le Nuage des Causses');
    await page.selectOption('#champ-type', 'association');
    await page.check('#champ-services-0');
    await page.fill('#champ-departements', '12, 48');
    await page.fill('#champ-ville', 'Millau');
    await page.fill('#champ-site', 'https://nuage-causses.example.org');
    await page.fill('#champ-description', 'Nous aidons les associations des Causses à choisir et utiliser des outils libres.');
    await page.fill('#champ-email', 'bonjour@nuage-causses.example.org');
    await submit();
    expect(await page.textContent('p.ok')).toContain('Un e-mail vient d’être envoyé');

    const [confirm] = await gw.deliver();
    await page.goto(`${gw.url}${linkIn(confirm!.text, '/annuaire/confirmer?jeton=')}`);
    await submit();
    const declared = (await directory.provider('le-nuage-des-causses'))!;
    expect(declared.status).toBe('pending');
    await moderate('provider', declared.slug);
    expect((await directory.provider(declared.slug))!.status).toBe('approved');

    await page.goto(`${gw.url}/annuaire/gerer`);
    await check('gerer-lien');
    await page.fill('#lien-email', 'bonjour@nuage-causses.example.org');
    await submit();
    const [signIn] = await gw.deliver();
    await page.goto(`${gw.url}${linkIn(signIn!.text, '/annuaire/gerer?jeton=')}`);
    await check('gerer-ouvrir');
    await submit();
    expect(await page.textContent('main')).toContain('Validée par l’équipe d’animation.');
    await check('gerer-fiche');

    await page.fill('#champ-nom', 'Le Nuage Libre des Causses');
    await submit('form[action="/annuaire/gerer/fiche"] button[type=submit]');
    expect(await page.textContent('p.ok')).toContain('la fiche est retirée de l’annuaire jusqu’à une nouvelle validation');
    const renamed = (await directory.provider(declared.slug))!;
    expect([renamed.name, renamed.status]).toEqual(['Le Nuage Libre des Causses', 'pending']);
    expect((await directory.moderationQueue()).providers.map((p) => p.slug)).toContain(declared.slug);
  });
});
