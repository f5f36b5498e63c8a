/**
 * Issue 25's whole loop in headless Chromium, JavaScript off, on a real store and a real SMTP
 * server: an association fills the diagnostic, contacts a listed structure, the structure opens
 * the project from its mailed link, both note milestones, the association marks it done and
 * recommends with the prefilled questionnaire (confirmed by its mailed link), a facilitator reads
 * the project's history and verifies, and the structure's page shows the recommendation
 * « après un projet accompagné ». Each new or changed page: 0 axe-core violations and no sideways
 * scrolling at 1366×768 and 390×844. Screenshots go to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/directory/model.js';
import { auditPage, VIEWPORTS, launchChromium } from '../support/browser.js';
import { linkIn, startLearnerGateway, type LearnerGateway } from '../learner/support.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const STAFF_TOKEN = 'loop-facilitator-token-0123456789abcdef';
const ASSOCIATION = 'Les Jardins <b>Partagés</b> ~~~~';
const ASSO_EMAIL = 'bureau@jardins-partages.example.org';
const PROVIDER_EMAIL = 'contact@nuage-rhodanien.example.org';
const staff = { role: 'facilitator' as const, learnerId: null, displayName: 'Spec' };
const yes = { answer: 'yes' as const, comment: null };

describe('from a diagnostic to a recommendation after an accompanied project, in a browser without JavaScript', { timeout: 300_000 }, () => {
  let gw: LearnerGateway;
  let browser: Browser;
  let association: Page;
  let structure: Page;
  let facilitator: Page;
  let auditor: Page;
  let provider: Provider;
  let projectPath = '';
  let providerProjectPath = '';

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    gw = await startLearnerGateway({ env: { POLLEN_FACILITATOR_TOKENS: STAFF_TOKEN } });
    // A listed structure of the Rhône (approved, one verified recommendation without a project).
    const directory = gw.runtime.deps.directory!;
    const declared = await directory.declare(staff, {
      name: 'Nuage Rhodanien', kind: 'chatons', description: 'Hébergeur associatif lyonnais : messagerie, fichiers, agendas.', services: ['hebergement', 'formation'],
      territories: ['69'], address: null, website: 'https://nuage-rhodanien.example.org', publicContact: PROVIDER_EMAIL, publicContactConsent: true,
    }, 'spec');
    await directory.approveProvider(staff, declared.slug);
    const first = await directory.recommend({ role: 'anonymous', learnerId: null, displayName: null }, {
      providerSlug: declared.slug, associationName: 'Amicale des Randonneurs', verificationContact: 'amicale@randonneurs.example.net', periodStart: '2025-05',
      work: 'Messagerie migrée.', tools: ['Thunderbird'], questionnaire: { delivered: yes, usersTrained: yes, documentationLeft: yes, supportAfter: yes, wouldRecommend: yes }, quote: null, quoteConsent: false,
    }, 'spec');
    await directory.verifyRecommendation(staff, first.id);
    provider = (await directory.provider(declared.slug))!;
    // The structure can sign in to « Gérer ma fiche » with the same address.
    await gw.runtime.database.db.updateTable('directory_providers').set({ manager_email: PROVIDER_EMAIL }).where('id', '=', provider.id).execute();
    browser = await launchChromium();
    const page = async () => (await browser.newContext({ javaScriptEnabled: false, viewport: VIEWPORTS[0], locale: 'fr-FR', timezoneId: 'Europe/Paris', bypassCSP: true })).newPage();
    association = await page();
    structure = await page();
    facilitator = await page();
    auditor = await (await browser.newContext({ bypassCSP: true, locale: 'fr-FR' })).newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  /** French, axe-core clean and no sideways scroll at both sizes; a screenshot of each (test/support/browser.ts). */
  async function check(page: Page, name: string): Promise<void> {
    await auditPage(page, auditor, `projet-${name}`);
  }

  const go = (page: Page, path: string) => page.goto(`${gw.gateway.url}${path}`);
  const submit = (page: Page, selector: string) => Promise.all([page.waitForNavigation(), page.click(selector)]);
  const pathOf = (page: Page) => new URL(page.url()).pathname;
  const notice = (page: Page) => page.textContent('[role=status]');

  it('the association fills the diagnostic and writes to a listed structure of its département', async () => {
    await go(association, '/diagnostic');
    await association.fill('#champ-association', ASSOCIATION);
    await association.fill('#champ-courriel', ASSO_EMAIL);
    await association.selectOption('#champ-territoire', '69');
    await association.check('input[name="taille"][value="petite"]');
    const tools = { messagerie: 'proprietaire', fichiers: 'proprietaire', agenda: 'libre', formulaires: 'libre', visio: 'libre', site: 'libre', comptabilite: 'aucun', adherents: 'libre' };
    for (const [need, state] of Object.entries(tools)) await association.check(`input[name="outil-${need}"][value="${state}"]`);
    await submit(association, 'form[action="/diagnostic"] button[type=submit]');
    expect(pathOf(association)).toMatch(/^\/diagnostic\/[\w-]+$/);
    // The structure is proposed, with its « Contacter cette structure » form folded.
    await association.click(`#contacter-${provider.slug} summary`);
    await check(association, 'diagnostic-contact');
    await association.fill(`#contact-${provider.id}-message`, 'Bonjour, nous voulons quitter Gmail et Google Drive avant notre assemblée générale.');
    await association.fill(`#contact-${provider.id}-courriel`, ASSO_EMAIL);
    expect(await association.isChecked(`#contact-${provider.id}-partager`)).toBe(false);
    await submit(association, `#contacter-${provider.slug} button[type=submit]`);
    projectPath = pathOf(association);
    expect(projectPath).toMatch(/^\/projets\/[\w-]+$/);
    expect(await notice(association)).toContain('(sans votre adresse e-mail)');
    await check(association, 'association-contact');

    await gw.deliver();
    const mail = gw.smtp.inbox.find((m) => m.to === PROVIDER_EMAIL)!;
    expect(mail.text).toContain('À remplacer en priorité : Messagerie, Fichiers partagés.');
    expect(mail.text).not.toContain(ASSO_EMAIL);
    providerProjectPath = new URL(linkIn(mail.text, '/projets/')).pathname;
    expect(gw.smtp.inbox.find((m) => m.to === ASSO_EMAIL && m.text.includes(projectPath))).toBeDefined();
  });

  it('the structure opens the project from its mailed link; both sides note milestones', async () => {
    await go(structure, providerProjectPath);
    expect(await structure.textContent('main')).toContain('L’association n’a pas partagé son adresse e-mail');
    await submit(structure, 'form[action$="/ouvrir"] button');
    expect(await notice(structure)).toContain('Le projet est ouvert');
    await structure.selectOption('#champ-etape', 'diagnostic');
    await structure.fill('#champ-date', '2026-01-12');
    await structure.fill('#champ-note', 'Besoins étudiés avec le bureau');
    await submit(structure, 'form[action$="/etape"] button[type=submit]');
    expect(await notice(structure)).toContain('Étape « Diagnostic fait » enregistrée.');
    await check(structure, 'structure-etapes');

    await go(association, projectPath);
    await association.selectOption('#champ-etape', 'outils');
    await association.fill('#champ-date', '2026-02-03');
    await association.fill('#champ-note', 'Nextcloud et la messagerie installés');
    await submit(association, 'form[action$="/etape"] button[type=submit]');
    expect(await association.textContent('main')).toContain('Besoins étudiés avec le bureau');
  });

  it('the association marks it done and recommends the structure with the prefilled questionnaire', async () => {
    await submit(association, 'form[action$="/terminer"] button');
    expect(await association.textContent('#recommander')).toContain('« après un projet accompagné »');
    await check(association, 'association-termine');
    await submit(association, '#recommander a');
    expect(pathOf(association)).toBe(`/annuaire/${provider.slug}/recommander`);
    expect(await association.inputValue('#champ-association')).toBe(ASSOCIATION);
    expect(await association.inputValue('#champ-email')).toBe(ASSO_EMAIL);
    expect(await association.inputValue('#champ-travail')).toContain('Outils installés le 3 février 2026 : Nextcloud et la messagerie installés.');
    await check(association, 'recommandation-preremplie');
    await association.fill('#champ-remplaces', 'Gmail, Google Drive');
    await association.fill('#champ-adoptes', 'Nextcloud, Thunderbird');
    for (const q of ['needAssessed', 'delivered', 'usersTrained', 'autonomous', 'documentationLeft', 'supportAfter', 'wouldRecommend']) await association.check(`input[name="q-${q}"][value="yes"]`);
    await association.check('#champ-contact');
    await submit(association, 'form[action$="/recommander"] button[type=submit]');
    expect(await notice(association)).toContain(`Un e-mail vient d’être envoyé à ${ASSO_EMAIL}`);
    await gw.deliver();
    const invite = gw.smtp.inbox.find((m) => m.to === ASSO_EMAIL && m.subject.includes('recommander'))!;
    expect(invite.text).toContain('/recommander?projet=');
    const confirm = new URL(linkIn(gw.smtp.inbox.find((m) => m.to === ASSO_EMAIL && m.text.includes('/annuaire/confirmer?jeton='))!.text, '/annuaire/confirmer?jeton='));
    await go(association, `${confirm.pathname}${confirm.search}`);
    await submit(association, 'form[action="/annuaire/confirmer"] button[type=submit]');
    expect(await notice(association)).toContain('votre recommandation est confirmée');
  });

  it('a facilitator reads the project\'s history beside the recommendation and verifies it; the structure\'s page shows it « après un projet accompagné »', async () => {
    await go(facilitator, '/dashboard/connexion');
    await facilitator.fill('#jeton', STAFF_TOKEN);
    await submit(facilitator, 'form.signin button[type=submit]');
    await go(facilitator, '/dashboard/annuaire');
    const history = facilitator.locator('details.project-history');
    expect(await history.locator('summary').textContent()).toContain(`Après un projet accompagné : ${ASSOCIATION} avec Nuage Rhodanien (terminé)`);
    expect(await history.textContent()).toContain('Besoins étudiés avec le bureau');
    await check(facilitator, 'moderation-historique');
    await submit(facilitator, `button[aria-label="Valider la recommandation de ${ASSOCIATION}"]`);
    expect(await facilitator.textContent('#resultat-decision')).toBe('Recommandation vérifiée.');

    await go(facilitator, '/dashboard/diagnostics');
    expect(await facilitator.textContent('#table-projets')).toContain('Terminé');
    expect(await facilitator.textContent('#graphique-besoins')).toContain('Messagerie');
    await check(facilitator, 'tableau-diagnostics');

    await go(structure, `/annuaire/${provider.slug}`);
    const after = structure.locator('ol[aria-labelledby="titre-apres-projet"] > li');
    expect(await after.count()).toBe(1);
    expect(await after.locator('h3').textContent()).toBe(ASSOCIATION);
    expect(await after.textContent()).toContain('après un projet accompagné');
    expect(await structure.textContent('ol[aria-labelledby="titre-autres-recommandations"]')).toContain('Amicale des Randonneurs');
    await check(structure, 'fiche-apres-projet');
  });

  it('the structure signed in through « Gérer ma fiche » finds the project there', async () => {
    await go(structure, '/annuaire/gerer');
    await structure.fill('#lien-email', PROVIDER_EMAIL);
    await submit(structure, '#demande-lien button[type=submit]');
    await gw.deliver();
    const signIn = new URL(linkIn(gw.smtp.inbox.filter((m) => m.to === PROVIDER_EMAIL).at(-1)!.text, '/annuaire/gerer?jeton='));
    await go(structure, `${signIn.pathname}${signIn.search}`);
    await submit(structure, 'form[action="/annuaire/gerer"] button[type=submit]');
    expect(await structure.textContent('main')).toContain('Vos projets d’accompagnement');
    await check(structure, 'gerer-projets');
    await submit(structure, 'section[aria-labelledby="titre-projets"] a');
    expect(pathOf(structure)).toMatch(/^\/projets\/[\w-]+$/);
    expect(pathOf(structure)).not.toBe(providerProjectPath);
    expect(await structure.textContent('.state')).toBe('Terminé');
  });
});
