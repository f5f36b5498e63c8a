/**
 * The agenda's public pages in headless Chromium with JavaScript disabled, on a real store and a
 * real SMTP server (smtp-server on a loopback port): a visitor registers and confirms through the
 * mailed link; a second one waits; the first cancels through their mailed link and the waiting
 * person gets the seat and a mail. Refusals show next to their field with what was typed, focused.
 * /agenda and a session page with a hostile title have no axe-core violation and need no sideways
 * swipe at 1366×768 and 390×844.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverDueMails, MailOutbox, smtpSender } from '../../src/mail/index.js';
import { openDatabase, type StoreDb } from '../../src/store/database.js';
import { launchChromium } from '../support/browser.js';
import { startSmtp, type Received } from '../support/smtp.js';
import { startAgendaGateway, type AgendaGateway } from './support.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const VIEWPORTS = { bureau: { width: 1366, height: 768 }, telephone: { width: 390, height: 844 } } as const;
const HOSTILE = '<script>alert(1)</script> ~~~~ [[Lien]]';
const FROM = 'Pollen <agenda@pollen.example.org>';

describe('agenda pages in a browser without JavaScript', () => {
  let store: StoreDb;
  let gw: AgendaGateway;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let browser: Browser;
  const clock = new Date('2026-03-01T08:00:00Z');
  let sessionId = 0;

  /** Sends what the outbox holds to the SMTP server, as the mail job does every minute. */
  const deliver = async () => {
    const sender = smtpSender(smtp.url, FROM);
    try {
      await deliverDueMails(new MailOutbox(store), sender, smtp.url, { now: () => new Date() });
    } finally {
      sender.close();
    }
  };
  const mailTo = (to: string, subject: RegExp) => {
    const found = smtp.inbox.filter((m) => m.to === to && subject.test(m.subject));
    expect(found, `${to}: ${subject}`).toHaveLength(1);
    return found[0]!;
  };
  const linkIn = (mail: Received, path: string) => {
    const match = new RegExp(`(http://127\\.0\\.0\\.1:\\d+${path.replace(/\//g, '\\/')}\\?jeton=[\\w%-]+)`).exec(mail.text);
    expect(match, mail.text).not.toBeNull();
    return match![1]!;
  };
  const person = async (): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: VIEWPORTS.bureau, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    return { context, page: await context.newPage() };
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    store = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    // No POLLEN_PUBLIC_URL: the mails' links start with the address the visitor used.
    gw = await startAgendaGateway(store, () => clock, { mail: { publicUrl: undefined, smtpConfigured: true } });
    smtp = await startSmtp();
    browser = await launchChromium();
    sessionId = (await gw.agenda.createSession({ moduleSlug: 'gouvernance', title: HOSTILE, description: `${HOSTILE}\n\nUn atelier pour partager la gouvernance de son association, avec des exemples concrets et très très longs-mots-sans-espace-qui-pourraient-deborder-de-l-ecran-du-telephone.`, startsAt: '2026-03-12T14:00', endsAt: '2026-03-12T17:00', address: 'Maison des associations, 28 rue Denfert-Rochereau, 69004 Lyon', latitude: 45.7748, longitude: 4.8271, facilitators: ['Camille Roche', 'Inès Garnier'], capacity: 1 })).session.id;
    for (let i = 0; i < 12; i++) await gw.agenda.createSession({ title: `Atelier logiciel libre ${i + 1}`, startsAt: `2026-04-${String(i + 1).padStart(2, '0')}T14:00`, endsAt: `2026-04-${String(i + 1).padStart(2, '0')}T16:00`, onlineUrl: 'https://visio.exemple.org/atelier', capacity: 10 });
    const past = await gw.agenda.createSession({ title: 'Atelier de février', startsAt: '2026-02-10T14:00', endsAt: '2026-02-10T17:00', address: 'Salle des Lices, 35000 Rennes', capacity: 10 });
    await gw.agenda.attachMinutes(past.session.id, 'Comptes rendus/Atelier de février');
  });
  afterAll(async () => {
    await browser?.close();
    await smtp?.close();
    await gw?.close();
    await store?.close();
  });

  it('registers and confirms through the mailed link; the waiting list moves when the first person cancels through hers', { timeout: 120_000 }, async () => {
    const nadia = await person();
    await nadia.page.goto(`${gw.base}/agenda`);
    await nadia.page.getByRole('link', { name: HOSTILE }).click();
    expect(await nadia.page.locator('h1').textContent()).toBe(HOSTILE);
    // Refused: shown next to the field, what was typed kept, the first refused field focused.
    await nadia.page.getByLabel('Votre nom').fill('Nadia Benali');
    await nadia.page.getByLabel('Votre adresse e-mail').fill('nadia@exemple');
    await nadia.page.getByRole('button', { name: 'Demander mon inscription' }).click();
    expect(await nadia.page.locator('#champ-email-erreur').textContent()).toContain('Adresse e-mail invalide');
    expect(await nadia.page.locator('#champ-consent-erreur').textContent()).toContain('Cochez la case');
    expect(await nadia.page.getByLabel('Votre nom').inputValue()).toBe('Nadia Benali');
    expect(await nadia.page.getByLabel('Votre adresse e-mail').inputValue()).toBe('nadia@exemple');
    expect(await nadia.page.locator('#champ-email:focus').count()).toBe(1);
    await nadia.page.screenshot({ path: `${ARTIFACTS}agenda-refus.png`, fullPage: true });

    await nadia.page.getByLabel('Votre adresse e-mail').fill('nadia@exemple.org');
    await nadia.page.getByLabel(/J’accepte de recevoir les e-mails/).check();
    await nadia.page.getByRole('button', { name: 'Demander mon inscription' }).click();
    expect(await nadia.page.getByRole('status').first().textContent()).toContain('Presque fini');
    expect((await gw.agenda.counts([sessionId])).get(sessionId)?.confirmed).toBe(0);
    await deliver();
    const ask = mailTo('nadia@exemple.org', /^Confirmez votre inscription/);
    await nadia.page.goto(linkIn(ask, '/agenda/inscription/confirmer'));
    await nadia.page.getByRole('button', { name: 'Confirmer mon inscription' }).click();
    expect(await nadia.page.getByRole('status').first().textContent()).toContain('Votre inscription est confirmée : une place vous est réservée.');
    expect(nadia.page.url()).toBe(`${gw.base}/agenda/sessions/${sessionId}`);

    const paul = await person();
    await paul.page.goto(`${gw.base}/agenda/sessions/${sessionId}`);
    await paul.page.getByLabel('Votre nom').fill('Paul Girard');
    await paul.page.getByLabel('Votre adresse e-mail').fill('paul@exemple.org');
    await paul.page.getByLabel(/J’accepte de recevoir les e-mails/).check();
    await paul.page.getByRole('button', { name: 'Demander une place sur la liste d’attente' }).click();
    await deliver();
    await paul.page.goto(linkIn(mailTo('paul@exemple.org', /^Confirmez votre inscription/), '/agenda/inscription/confirmer'));
    await paul.page.getByRole('button', { name: 'Confirmer mon inscription' }).click();
    expect(await paul.page.getByRole('status').first().textContent()).toContain('liste d’attente, en position 1');

    await deliver();
    const seat = mailTo('nadia@exemple.org', /^Inscription confirmée/);
    await nadia.page.goto(linkIn(seat, '/agenda/desinscription'));
    expect((await gw.agenda.counts([sessionId])).get(sessionId)).toEqual({ confirmed: 1, waiting: 1, present: 0 });
    await nadia.page.getByRole('button', { name: 'Confirmer l’annulation' }).click();
    expect(await nadia.page.getByRole('status').first().textContent()).toContain('votre inscription est annulée');
    expect((await gw.agenda.counts([sessionId])).get(sessionId)).toEqual({ confirmed: 1, waiting: 0, present: 0 });
    await deliver();
    expect(mailTo('paul@exemple.org', /^Une place s’est libérée/).text).toContain('vous quittez la liste d’attente, votre inscription est confirmée');
    await nadia.context.close();
    await paul.context.close();
  });

  describe.each(Object.entries(VIEWPORTS))('at %s size', (label, viewport) => {
    it('has no axe violation and no sideways swipe on /agenda and on a session page with a hostile title', { timeout: 120_000 }, async () => {
      // axe runs as a script: this context allows it (the pages themselves have none).
      const context = await browser.newContext({ viewport, locale: 'fr-FR', timezoneId: 'Europe/Paris', bypassCSP: true });
      const page = await context.newPage();
      for (const [name, path] of [['agenda', '/agenda'], ['agenda-page-2', '/agenda?page=2'], ['session', `/agenda/sessions/${sessionId}`]] as const) {
        await page.goto(`${gw.base}${path}`);
        await page.addScriptTag({ path: AXE });
        const violations = await page.evaluate(async () => {
          const result = await (window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }> } }).axe.run();
          return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        });
        expect(violations, `${name} ${label}`).toEqual([]);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width, `${name} ${label}: horizontal scrolling`).toBeLessThanOrEqual(viewport.width);
        expect(await page.evaluate(() => (window as unknown as { alerted?: boolean }).alerted)).toBeUndefined();
        await page.screenshot({ path: `${ARTIFACTS}agenda-${name}-${label}.png`, fullPage: true });
      }
      await context.close();
    });
  });
});
