/**
 * Issue 22 in headless Chromium, JavaScript off, on a real store and a real SMTP server: a
 * learner signs up, confirms the mailed link, reads module 1, fails then passes its quiz, marks a
 * question-less module done (a curriculum fixture: every real module has a quiz), and sees 2
 * modules done on « Mon parcours », in GraphQL `me.progress` and in the progress service the
 * dashboard reads; ticks a multiple-choice question's boxes with the keyboard. Every page: 0 axe-core violations and no sideways scrolling at 1366×768 and
 * 390×844. Screenshots go to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CurriculumModule } from '../../src/curriculum/schema.js';
import { auditPage, VIEWPORTS, launchChromium } from '../support/browser.js';
import { linkIn, startLearnerGateway, type LearnerGateway } from './support.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const EMAIL = 'camille@exemple.org';
const PASSWORD = 'mon mot de passe du parcours';

describe('the learner space in a browser, without JavaScript', { timeout: 180_000 }, () => {
  let gw: LearnerGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let auditor: Page;
  let module1: CurriculumModule;
  let questionless: CurriculumModule;
  const checked: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // The fixture: module 2 without questions, so it ends with « J'ai terminé ce module ».
    gw = await startLearnerGateway({ curriculum: (modules) => modules.map((m, i) => (i === 1 ? { ...m, quiz: [] } : m)) });
    module1 = gw.space.curriculum[0]!;
    questionless = gw.space.curriculum[1]!;
    browser = await launchChromium();
    context = await browser.newContext({ javaScriptEnabled: false, viewport: VIEWPORTS[0], locale: 'fr-FR', timezoneId: 'Europe/Paris', bypassCSP: true });
    page = await context.newPage();
    auditor = await (await browser.newContext({ bypassCSP: true, locale: 'fr-FR' })).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  /** French, axe-core clean and no sideways scroll at both sizes; a screenshot of each (test/support/browser.ts). */
  async function check(name: string): Promise<void> {
    await auditPage(page, auditor, `apprenant-${name}`);
    checked.push(name);
  }

  const go = (path: string) => page.goto(`${gw.gateway.url}${path}`);
  const submit = (selector: string) => Promise.all([page.waitForNavigation(), page.click(selector)]);
  const path = () => new URL(page.url()).pathname;

  it('signs up, confirms the mailed link with its button, and signs in', async () => {
    await go('/inscription');
    await check('inscription');
    // A refused form first: the errors next to their fields, what was typed kept.
    await page.fill('#champ-nom', 'Camille <b>Durand</b>');
    await page.fill('#champ-email', 'pas une adresse');
    await submit('button.primary');
    expect(await page.textContent('#champ-email-erreur')).toContain('Erreur : indiquez une adresse e-mail');
    expect(await page.inputValue('#champ-nom')).toBe('Camille <b>Durand</b>');
    await check('inscription-refusee');
    await page.fill('#champ-email', EMAIL);
    await page.fill('#champ-mot_de_passe', PASSWORD);
    await submit('button.primary');
    expect(path()).toBe('/connexion');
    expect(await page.textContent('[role=status]')).toContain('ouvrez le lien que nous venons d’envoyer');
    await check('connexion');

    await gw.deliver();
    const mail = gw.smtp.inbox.find((m) => m.to === EMAIL)!;
    const link = new URL(linkIn(mail.text, '/inscription/confirmer?jeton='));
    await go(`${link.pathname}${link.search}`);
    await check('confirmation');
    await submit('button.primary');
    expect(await page.textContent('[role=status]')).toContain('Votre adresse est confirmée');

    await page.fill('#champ-identifiant', EMAIL);
    await page.fill('#champ-mot_de_passe', PASSWORD);
    await submit('button.primary');
    expect(path()).toBe('/mon-parcours');
    expect(await page.textContent('header.top')).toContain('Connecté·e en tant que Camille <b>Durand</b> (apprenant·e)');
  });

  it('reads module 1 from the parcours, fails its quiz, sees what was wrong, then passes it', async () => {
    await go('/parcours');
    await check('parcours');
    await submit(`a[href="/parcours/${module1.slug}"]`);
    expect(await page.textContent('h1')).toBe(module1.title);
    await check('module');
    for (const [i, q] of module1.quiz.entries()) await page.check(`#champ-q${i + 1}-${(q.answers[0]! + 1) % q.choices.length}`);
    await submit('form[action$="/quiz"] button[type=submit]');
    expect(path()).toMatch(new RegExp(`^/parcours/${module1.slug}/tentatives/\\d+$`));
    expect(await page.locator('.result-wrong').count()).toBe(module1.quiz.length);
    await check('tentative-echouee');
    await submit('a.button[href$="#quiz"]');
    for (const [i, q] of module1.quiz.entries()) await page.check(`#champ-q${i + 1}-${q.answers[0]!}`);
    await submit('form[action$="/quiz"] button[type=submit]');
    expect(await page.textContent('[role=status]')).toBe('Quiz réussi : le module est terminé.');
    expect(await page.locator('.result-right').count()).toBe(module1.quiz.length);
    await check('tentative-reussie');
  });

  it('marks the question-less module done with « J’ai terminé ce module »', async () => {
    await go(`/parcours/${questionless.slug}`);
    await check('module-sans-quiz');
    await submit('button:has-text("J’ai terminé ce module")');
    expect(await page.textContent('[role=status]')).toBe('Module terminé : bravo !');
    expect(await page.textContent('main')).toContain('Vous avez terminé ce module le');
  });

  it('shows 2 modules done on « Mon parcours », as GraphQL and the dashboard’s progress service do', async () => {
    await go('/mon-parcours');
    await check('mon-parcours');
    const learnerId = (await gw.runtime.tracker.learners.list()).find((l) => l.displayName === 'Camille <b>Durand</b>')!.id;
    const progress = await gw.runtime.deps.progress!.learnerProgress(learnerId);
    expect(progress.doneCount).toBe(2);
    expect(progress.modules.filter((m) => m.state === 'done').map((m) => m.slug)).toEqual([module1.slug, questionless.slug]);
    expect(await page.textContent('#avancement')).toBe(`${progress.percent} % du parcours : 2 modules terminés sur ${gw.space.curriculum.length}.`);
    const cookie = (await context.cookies()).find((c) => c.name === 'pollen_session')!;
    const answer = await gw.gateway.query<{ me: { progress: { percent: number; doneCount: number; modules: Array<{ module: { slug: string }; state: string }> } } }>(
      '{ me { progress { percent doneCount modules { module { slug } state } } } }', {}, { cookie: `pollen_session=${cookie.value}` });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.me.progress.doneCount).toBe(2);
    expect(answer.data!.me.progress.percent).toBe(progress.percent);
    expect(answer.data!.me.progress.modules.filter((m) => m.state.toLowerCase() === 'done').map((m) => m.module.slug)).toEqual([module1.slug, questionless.slug]);
    const attempts = (await page.locator('#titre-tentatives + ul > li').allTextContents());
    expect(attempts).toHaveLength(2);
  });

  it('ticks the boxes of a multiple-choice question with the keyboard, and sees which box should not have been ticked', async () => {
    const module = gw.space.curriculum.find((m) => m.quiz.some((q) => q.multiple))!;
    await go(`/parcours/${module.slug}`);
    await check('module-cases-a-cocher');
    for (const [i, q] of module.quiz.entries()) {
      if (!q.multiple) {
        await page.check(`#champ-q${i + 1}-${q.answers[0]!}`);
        continue;
      }
      // Every box, the wrong ones too: Space on the focused box ticks it, as a keyboard user does.
      for (const c of q.choices.keys()) {
        await page.focus(`#champ-q${i + 1}-${c}`);
        await page.keyboard.press('Space');
        expect(await page.isChecked(`#champ-q${i + 1}-${c}`)).toBe(true);
      }
    }
    await submit('form[action$="/quiz"] button[type=submit]');
    const wrongBoxes = module.quiz.filter((q) => q.multiple).reduce((n, q) => n + q.choices.length - q.answers.length, 0);
    expect(await page.locator('.ticked .result-wrong').allTextContents()).toEqual(Array(wrongBoxes).fill('à ne pas cocher.'));
    await check('tentative-cases-a-cocher');
  });

  it('asks for a new password by mail and sets it with the single-use link', async () => {
    await submit('header.top button[type=submit]');
    expect(path()).toBe('/');
    await go('/connexion/mot-de-passe-oublie');
    await check('mot-de-passe-oublie');
    await page.fill('#champ-email', EMAIL);
    await submit('button.primary');
    await gw.deliver();
    const link = new URL(linkIn(gw.smtp.inbox.filter((m) => m.to === EMAIL).at(-1)!.text, '/connexion/nouveau-mot-de-passe?jeton='));
    await go(`${link.pathname}${link.search}`);
    await check('nouveau-mot-de-passe');
    await page.fill('#champ-mot_de_passe', 'un tout nouveau mot de passe');
    await submit('button.primary');
    expect(await page.textContent('[role=status]')).toContain('Votre mot de passe est changé');
    expect(checked).toHaveLength(14);
  });
});
