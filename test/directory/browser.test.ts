/**
 * /annuaire and the directory's moderation page in headless Chromium, JavaScript off (both must
 * work without it), over the gateway as `npm start` builds it with the demo data. Screenshots
 * go to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { FACILITATOR_TOKEN, startDirectoryGateway, type DirectoryGateway } from './support.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

// A loaded 2-core machine runs Chromium slowly: a generous harness timeout, no timing asserted.
describe('the directory in a browser, without JavaScript', { timeout: 120_000 }, () => {
  let wiki: LocalWiki;
  let gw: DirectoryGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    wiki = await startWiki();
    gw = await startDirectoryGateway(wiki, { POLLEN_DEMO: '1' });
    browser = await launchChromium();
    context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 }, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    page = await context.newPage();
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await wiki?.stop();
  });

  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth).catch(() => 0);

  it('lists the directory first, then filters it with the form', async () => {
    await page.goto(`${gw.gateway.url}/annuaire`);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    const directory = gw.runtime.deps.directory!;
    const all = await directory.providers({}, 20);
    expect(await page.textContent('#titre-resultats')).toBe(`${all.totalCount} structures recommandées`);
    expect(await page.locator('#resultats > li').count()).toBe(20);
    await page.screenshot({ path: `${ARTIFACTS}annuaire.png`, fullPage: true });

    await page.selectOption('#service', 'hebergement');
    await page.selectOption('#territoire', 'auvergne-rhone-alpes');
    await Promise.all([page.waitForURL(/service=hebergement/), page.click('form.filters button[type=submit]')]);
    const expected = await directory.providers({ service: 'hebergement', territory: 'auvergne-rhone-alpes' }, 20);
    expect(expected.totalCount).toBeGreaterThan(0);
    const slugs = await page.locator('#resultats > li').evaluateAll((items) => items.map((li) => li.getAttribute('data-slug')));
    expect(slugs).toEqual(expected.providers.map((p) => p.slug));
    expect(await page.inputValue('#territoire')).toBe('auvergne-rhone-alpes');
    const first = page.locator('#resultats > li').first();
    expect(await first.locator('[data-col=recommandations]').textContent()).toBe(String(expected.providers[0]!.verifiedCount));
  });

  it('pages through the results with a link', async () => {
    await page.goto(`${gw.gateway.url}/annuaire`);
    await Promise.all([page.waitForURL(/page=2$/), page.click('a[rel=next]')]);
    const rest = await page.locator('#resultats > li').count();
    expect(rest).toBe((await gw.runtime.deps.directory!.providers({}, 20)).totalCount - 20);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}annuaire-narrow.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('lets a facilitator verify and reject from the moderation page, keeping the reason', async () => {
    await page.goto(`${gw.gateway.url}/dashboard/annuaire`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/connexion');
    await page.fill('#jeton', FACILITATOR_TOKEN);
    await Promise.all([page.waitForURL(`${gw.gateway.url}/dashboard`), page.click('button[type=submit]')]);
    await Promise.all([page.waitForURL(`${gw.gateway.url}/dashboard/annuaire`), page.click('a[href="/dashboard/annuaire"]')]);

    const directory = gw.runtime.deps.directory!;
    const queue = await directory.moderationQueue();
    expect(await page.locator('#declarations > li').count()).toBe(queue.providers.length);
    expect(await page.locator('#recommandations > li').count()).toBe(queue.recommendations.length);
    await page.screenshot({ path: `${ARTIFACTS}annuaire-moderation.png`, fullPage: true });

    // Reject a recommendation with a reason.
    const target = queue.recommendations[0]!;
    const item = page.locator(`[data-recommendation="${target.id}"]`);
    expect(await item.textContent()).toContain(target.verificationContact);
    await item.locator('input[name=reason][required]').fill('Association injoignable au numéro donné');
    await Promise.all([page.waitForURL(/fait=recommendation-reject/), item.getByRole('button', { name: /^Refuser/ }).click()]);
    expect(await page.textContent('#resultat-decision')).toContain('Recommandation refusée');
    expect((await directory.history('recommendation', [target.id])).at(-1)).toMatchObject({ action: 'rejected', reason: 'Association injoignable au numéro donné' });
    expect(await page.locator('#table-historique tbody tr').first().textContent()).toContain('Association injoignable au numéro donné');

    // Approve a pending declaration: it leaves the queue.
    const declared = queue.providers[0]!;
    await Promise.all([page.waitForURL(/fait=provider-approve/), page.locator(`[data-provider="${declared.slug}"]`).getByRole('button', { name: /^Valider/ }).click()]);
    expect((await directory.provider(declared.slug))?.status).toBe('approved');
    expect(await page.locator(`[data-provider="${declared.slug}"]`).count()).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}annuaire-moderation-apres.png`, fullPage: true });
    const latest = await page.locator('#table-historique tbody tr').first().textContent();
    expect(latest).toContain(declared.name);
    expect(latest).toContain('validée');
  });

  it('refuses the moderation page to a learner', async () => {
    const learner = await gw.learner('ines');
    const res = await fetch(`${gw.gateway.url}/dashboard/annuaire`, { headers: learner });
    expect(res.status).toBe(403);
  });

  it('refuses a facilitator\'s decision posted without the form token, and takes it with the token', async () => {
    // Signed in as a facilitator (the browser's session cookie): only the form token is missing,
    // so nothing but the CSRF check can refuse these.
    const cookie = (await context.cookies(gw.gateway.url)).map((c) => `${c.name}=${c.value}`).join('; ');
    expect(cookie).toContain('pollen_session=');
    const post = (body: string) => fetch(`${gw.gateway.url}/dashboard/annuaire/decision`, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: gw.gateway.url, cookie },
      body,
    });
    const directory = gw.runtime.deps.directory!;
    expect((await directory.provider('orleans-services-libres'))?.status).toBe('pending');
    for (const body of ['subject=provider&id=orleans-services-libres&decision=approve', 'subject=provider&id=orleans-services-libres&decision=approve&csrf=x']) {
      const forged = await post(body);
      expect(forged.status).toBe(403);
      // The web layer's refusal (src/web/web.tsx checkPost).
      expect(await forged.text()).toContain('Ce formulaire n’a pas pu être vérifié');
    }
    expect((await directory.provider('orleans-services-libres'))?.status).toBe('pending');
    await page.goto(`${gw.gateway.url}/dashboard/annuaire`);
    const token = await page.locator('input[name=csrf]').first().getAttribute('value');
    const genuine = await post(`subject=provider&id=orleans-services-libres&decision=approve&csrf=${encodeURIComponent(token ?? '')}`);
    expect(genuine.status).toBe(303);
    expect((await directory.provider('orleans-services-libres'))?.status).toBe('approved');
  });
});
