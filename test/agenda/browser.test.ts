/**
 * The agenda pages of the dashboard in headless Chromium: a facilitator signs in, creates a
 * session through the form (a refused one first), sees past sessions still waiting for their
 * minutes with attendance, marks someone present; screenshots under test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type StoreDb } from '../../src/store/database.js';
import { launchChromium } from '../support/browser.js';
import { FACILITATOR_TOKEN, startAgendaGateway, type AgendaGateway } from './support.js';
import { registerConfirmed } from './fixtures.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

describe('the agenda dashboard in a browser', () => {
  let store: StoreDb;
  let gw: AgendaGateway;
  let browser: Browser;
  let page: Page;
  let clock = new Date('2026-02-01T08:00:00Z');
  let pastId = 0;

  beforeAll(async () => {
    store = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    gw = await startAgendaGateway(store, () => clock);
    // A session held in February, with two people registered, before the clock moves to March.
    const past = await gw.agenda.createSession({ moduleSlug: 'gouvernance', title: 'Atelier gouvernance partagée', startsAt: '2026-02-10T14:00', endsAt: '2026-02-10T17:00', address: 'Maison des associations, Lyon', capacity: 10 });
    pastId = past.session.id;
    await registerConfirmed(gw.agenda, pastId, { name: 'Nadia Benali', email: 'nadia@exemple.org' });
    await registerConfirmed(gw.agenda, pastId, { name: 'Paul Girard', email: 'paul@exemple.org' });
    clock = new Date('2026-03-01T08:00:00Z');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await store?.close();
  });

  it('signs in and lists the past session with no minutes, with its attendance', async () => {
    await page.goto(`${gw.base}/dashboard/agenda`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/connexion');
    await page.fill('#jeton', FACILITATOR_TOKEN);
    await Promise.all([page.waitForURL(`${gw.base}/dashboard`), page.click('button[type=submit]')]);
    await page.goto(`${gw.base}/dashboard/agenda`);
    const row = page.locator(`#table-comptes-rendus-manquants tr[data-session="${pastId}"]`);
    expect(await row.locator('th').textContent()).toContain('Atelier gouvernance partagée');
    expect(await row.locator('th').textContent()).toContain('compte rendu manquant');
    expect(await row.locator('[data-col=inscrits]').textContent()).toBe('2');
    expect(await row.locator('[data-col=presents]').textContent()).toBe('0');
    expect(await row.locator('code').textContent()).toBe(`session: ${pastId}`);
  });

  it('marks a registered person present from the session page, and the list counts them', async () => {
    await Promise.all([page.waitForURL(`${gw.base}/dashboard/agenda/sessions/${pastId}`), page.click(`#table-comptes-rendus-manquants tr[data-session="${pastId}"] a`)]);
    const nadia = page.locator('#table-inscriptions tr', { hasText: 'Nadia Benali' });
    expect(await nadia.textContent()).toContain('nadia@exemple.org');
    await Promise.all([page.waitForURL(`${gw.base}/dashboard/agenda/sessions/${pastId}`), nadia.locator('button').click()]);
    expect(await page.locator('#table-inscriptions tr', { hasText: 'Nadia Benali' }).locator('[data-present]').getAttribute('data-present')).toBe('oui');
    await page.screenshot({ path: `${ARTIFACTS}agenda-session-presence.png`, fullPage: true });
    expect((await gw.agenda.counts([pastId])).get(pastId)?.present).toBe(1);
    await page.goto(`${gw.base}/dashboard/agenda`);
    expect(await page.locator(`#table-comptes-rendus-manquants tr[data-session="${pastId}"] [data-col=presents]`).textContent()).toBe('1');
  });

  it('refuses a session ending before it starts, keeping what was typed, then creates it', async () => {
    await page.goto(`${gw.base}/dashboard/agenda`);
    await page.selectOption('#session-moduleSlug', 'bienvenue');
    await page.fill('#session-title', 'Atelier « Nextcloud » ; accueil, café');
    await page.fill('#session-startsAt', '2026-03-20T14:00');
    await page.fill('#session-endsAt', '2026-03-20T12:00');
    await page.fill('#session-address', '5 rue du Moulin, Nantes');
    await page.fill('#session-facilitators', 'Camille Martin, Sami Haddad');
    await page.fill('#session-capacity', '15');
    await page.click('#form-session button[type=submit]');
    expect(await page.textContent('#erreur-session')).toBe('La fin de la session doit être après son début.');
    expect(await page.getAttribute('#session-endsAt', 'aria-invalid')).toBe('true');
    expect(await page.inputValue('#session-title')).toBe('Atelier « Nextcloud » ; accueil, café');
    await page.screenshot({ path: `${ARTIFACTS}agenda-form-error.png`, fullPage: true });

    await page.fill('#session-endsAt', '2026-03-20T17:00');
    await page.click('#form-session button[type=submit]');
    expect(await page.textContent('#session-enregistree')).toContain('Atelier « Nextcloud » ; accueil, café');
    const created = (await gw.agenda.list({ includePrivate: true, limit: 10, from: '2026-03-01T00:00:00Z' })).sessions;
    expect(created.map((s) => [s.title, s.startsAt, s.capacity, s.facilitators, s.moduleSlug, s.isPublic])).toEqual([
      ['Atelier « Nextcloud » ; accueil, café', '2026-03-20T13:00:00.000Z', 15, ['Camille Martin', 'Sami Haddad'], 'bienvenue', true],
    ]);
    expect(await page.locator(`#table-sessions tr[data-session="${created[0]!.id}"]`).textContent()).toContain('0 / 15');
    await page.screenshot({ path: `${ARTIFACTS}agenda-dashboard.png`, fullPage: true });
  });

  it('takes the session off the missing-minutes list once its minutes are linked', async () => {
    await gw.agenda.attachMinutes(pastId, 'Comptes-rendus/2026-02-10 Atelier gouvernance partagée');
    await page.goto(`${gw.base}/dashboard/agenda`);
    expect(await page.textContent('#aucun-compte-rendu-manquant')).toContain('Toutes les sessions passées ont leur compte rendu');
  });

  it('refuses a form posted without the session’s form token', async () => {
    const cookie = (await page.context().cookies()).find((c) => c.name === 'pollen_session')!;
    const response = await fetch(`${gw.base}/dashboard/agenda/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `pollen_session=${cookie.value}`, origin: gw.base },
      body: new URLSearchParams({ title: 'Forgée', startsAt: '2026-04-01T10:00', endsAt: '2026-04-01T12:00', address: 'x', capacity: '3' }).toString(),
    });
    expect(response.status).toBe(403);
    expect((await gw.agenda.list({ includePrivate: true, limit: 10 })).sessions.map((s) => s.title)).not.toContain('Forgée');
  });
});
