/**
 * The dashboard in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core):
 * sign in as a facilitator through the form, load the dashboard, check every number shown
 * against the store, and save screenshots under test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTE_STATES } from '../../src/notes/queue.js';
import type { WikiClient } from '../../src/wiki/client.js';
import { launchChromium } from '../support/browser.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { FACILITATOR_TOKEN, startDashboardGateway, type DashboardGateway } from './support.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

describe('the dashboard in a browser', () => {
  let wiki: LocalWiki;
  let client: WikiClient;
  let gw: DashboardGateway;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    wiki = await startWiki();
    client = await wiki.botClient();
    await wiki.createPages([
      { title: 'Parcours/Logiciel libre', text: 'Les quatre libertés du logiciel libre.' },
      { title: 'Compte rendu/Atelier Nextcloud', text: 'Notes de l’atelier.' },
    ]);
    await wiki.humanEdit('Parcours/Logiciel libre', 'Les quatre libertés du logiciel libre, avec un exemple.', 'Ajout d’un exemple');
    gw = await startDashboardGateway(client);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await wiki?.stop();
  });

  it('signs a facilitator in through the form and lands on the dashboard', async () => {
    await page.goto(`${gw.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/connexion');
    await page.fill('#jeton', 'mauvais-jeton');
    await page.click('button[type=submit]');
    expect(await page.textContent('#erreur-connexion')).toContain('Ce jeton n’est pas reconnu');
    await page.fill('#jeton', FACILITATOR_TOKEN);
    await Promise.all([page.waitForURL(`${gw.url}/dashboard`), page.click('button[type=submit]')]);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    expect(await page.textContent('h1')).toContain('tableau de bord');
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'pollen_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });

  it('shows each module\'s completed count exactly as the store has it', async () => {
    const cohort = await gw.runtime.progress.cohortSummary();
    expect(cohort.modules).toHaveLength(17);
    for (const m of cohort.modules) {
      const row = page.locator(`#table-achevement tr[data-slug="${m.slug}"]`);
      expect(await row.locator('[data-col=termine]').textContent()).toBe(String(m.completedCount));
      expect(await row.locator('[data-col=apprenants]').textContent()).toBe(String(m.learnerCount));
    }
    expect(await page.textContent('#chiffre-apprenants')).toBe(String(cohort.learners.length));
  });

  it('draws one heatmap row per learner, with as many done cells as the store counts', async () => {
    const cohort = await gw.runtime.progress.cohortSummary();
    const rows = page.locator('#table-progression tbody tr');
    expect(await rows.count()).toBe(cohort.learners.length);
    for (const l of cohort.learners) {
      const row = page.locator(`#table-progression tr[data-learner="${l.learner.id}"]`);
      expect(await row.locator('th').textContent()).toBe(l.learner.displayName);
      expect(await row.locator('td[data-state=done]').count()).toBe(l.progress.doneCount);
    }
    expect(await page.locator('svg#carte-progression').getAttribute('role')).toBe('img');
    // The name with < and & is shown as text, never parsed as markup.
    expect(await page.locator('#table-progression th', { hasText: 'Zoé <Dupont> & Cie' }).count()).toBe(1);
  });

  it('lists the stalled learners the store flags, with their days without progress', async () => {
    const { stalled } = await gw.runtime.progress.cohortSummary();
    expect(stalled.map((s) => s.learner.username).sort()).toEqual(['bruno', 'camille', 'yanis']);
    const rows = page.locator('#table-bloques tbody tr');
    expect(await rows.count()).toBe(stalled.length);
    for (const [i, s] of stalled.entries()) {
      const row = rows.nth(i);
      expect(await row.locator('th').textContent()).toBe(s.learner.displayName);
      expect(await row.locator('[data-days]').getAttribute('data-days')).toBe(String(s.daysSinceActivity));
    }
    expect(await page.textContent('#chiffre-bloques')).toBe(String(stalled.length));
  });

  it('shows the wiki\'s recent changes, linked, bot and human told apart', async () => {
    const link = page.locator('#table-wiki a', { hasText: 'Parcours/Logiciel libre' }).first();
    expect(await link.getAttribute('href')).toBe(`${wiki.apiUrl.replace('api.php', 'index.php')}?title=Parcours%2FLogiciel_libre`);
    expect(await page.locator('#table-wiki .badge.human').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#table-wiki .badge.bot').count()).toBeGreaterThanOrEqual(1);
  });

  it('shows the notes queue counts from the store, and the conflict with its link', async () => {
    const { counts } = await gw.queue.list();
    for (const state of NOTE_STATES) {
      expect(await page.locator(`#table-notes-etats tr[data-state=${state}] td`).textContent()).toBe(String(counts[state]));
    }
    const conflict = page.locator('#liste-conflits a');
    expect(await conflict.getAttribute('href')).toBe('http://wiki.example/index.php?title=R%C3%A9union_du_bureau/Brouillon');
  });

  it('fits 1280×800 and a narrow screen, and saves screenshots', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}dashboard.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}dashboard-narrow.png`, fullPage: true });
    // On a phone the wide tables scroll inside their own box, which stays within the screen.
    expect(await page.locator('#table-progression').count()).toBe(1);
    const boxes = await page.locator('.scroll').evaluateAll((els) => els.map((b) => b.getBoundingClientRect().right - document.documentElement.clientWidth));
    expect(boxes.length).toBeGreaterThan(0);
    expect(Math.max(...boxes)).toBeLessThanOrEqual(1);
  });

  it('signs out with the button', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await Promise.all([page.waitForURL(`${gw.url}/dashboard/connexion`), page.click('header form button')]);
    await page.goto(`${gw.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/connexion');
  });
});
