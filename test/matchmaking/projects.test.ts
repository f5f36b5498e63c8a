/**
 * Contacts, accompaniment projects and the recommendations that rest on them (issue 25, items 2,
 * 3, 5 and 6), on the runtime `npm start` builds: the association writes to a listed structure
 * from its diagnostic (the structure gets the summary by mail, the association's address only
 * when shared; the same contact twice, or twenty at once, makes one); the pair opens a project,
 * records milestones, the association marks it done and recommends with the prefilled form; the
 * recommendation names the project on the moderation page and on the provider page. The
 * facilitators' view and its CSV; GraphQL with every denial. The service on both store backends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addLearner } from '../../bots/progress-sync.js';
import type { Provider } from '../../src/directory/model.js';
import { MailOutbox } from '../../src/mail/outbox.js';
import { loadAlternatives } from '../../src/matchmaking/alternatives.js';
import { ProjectError } from '../../src/matchmaking/projects/model.js';
import { associationProjectToken, ProjectService } from '../../src/matchmaking/projects/service.js';
import { MatchmakingService, type Diagnostic } from '../../src/matchmaking/service.js';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import { DirectoryService } from '../../src/directory/service.js';
import { seedDirectory } from '../../src/demo/directory.js';
import { loadProjectsDemo } from '../../src/matchmaking/projects/demo.js';
import { FormBrowser, formTokenIn } from '../support/form-browser.js';
import { describeEachStore } from '../support/postgres.js';
import { openTestStore } from '../support/store.js';
import { startLearnerGateway, type LearnerGateway } from '../learner/support.js';

const STAFF_TOKEN = 'projects-facilitator-token-0123456789';
const staffHeaders = { authorization: `Bearer ${STAFF_TOKEN}` };
const staff = { role: 'facilitator' as const, learnerId: null, displayName: 'Spec' };
const HOSTILE = '<script>alert(1)</script> ~~~~ [[Asso]]';
const yes = { answer: 'yes' as const, comment: null };

let gw: LearnerGateway;
let rhone: Provider;
let remote: Provider;

async function listed(directory: DirectoryService, name: string, territories: string[], contact: string): Promise<Provider> {
  const p = await directory.declare(staff, {
    name, kind: 'chatons', description: `${name}, hébergeur associatif.`, services: ['hebergement', 'formation'], territories, address: null,
    website: `https://${name.toLowerCase().replace(/\W+/g, '-')}.example.org`, publicContact: contact, publicContactConsent: true,
  }, `spec:${name}`);
  await directory.approveProvider(staff, p.slug);
  const r = await directory.recommend({ role: 'anonymous', learnerId: null, displayName: null }, {
    providerSlug: p.slug, associationName: `Première association de ${name}`, verificationContact: `bureau@premiere.example.net`, periodStart: '2025-03',
    work: 'Migration des outils.', tools: ['Nextcloud'], questionnaire: { delivered: yes, usersTrained: yes, documentationLeft: yes, supportAfter: yes, wouldRecommend: yes },
    quote: null, quoteConsent: false,
  }, `spec:${name}`);
  await directory.verifyRecommendation(staff, r.id);
  return (await directory.provider(p.slug))!;
}

function answers(overrides: Record<string, string> = {}): Array<[string, string]> {
  const tools = { messagerie: 'proprietaire', fichiers: 'proprietaire', agenda: 'libre', formulaires: 'libre', visio: 'libre', site: 'libre', comptabilite: 'aucun', adherents: 'libre' };
  const all: Array<[string, string]> = [
    ['association', HOSTILE], ['courriel', 'bureau@asso.example.org'], ['territoire', '69'], ['taille', 'petite'], ['benevoles', '12'], ['salaries', ''],
    ...Object.entries(tools).map(([k, v]): [string, string] => [`outil-${k}`, v]), ['genes', 'couts'], ['genes_texte', 'Nos fichiers sont partout.'],
  ];
  return all.map(([k, v]) => [k, overrides[k] ?? v]);
}

/** A new diagnostic through the form: its answer page's path. */
async function diagnose(b: FormBrowser, overrides: Record<string, string> = {}): Promise<string> {
  const token = formTokenIn((await b.get('/diagnostic')).html);
  const res = await b.post('/diagnostic', [['csrf', token], ...answers(overrides)]);
  return res.headers.get('location')!;
}

/** Every mail queued, oldest first. */
const outbox = async () => (await new MailOutbox(gw.runtime.database).list(10_000)).reverse();
const projectRows = () => gw.runtime.database.db.selectFrom('matchmaking_projects').selectAll().execute();

/** Posts the contact form of `provider` on a diagnostic's page. */
async function contact(b: FormBrowser, diagnostic: string, provider: Provider, fields: Record<string, string>): Promise<Response> {
  const { html } = await b.get(diagnostic);
  return b.post(`${diagnostic}/contacter/${provider.slug}`, { csrf: formTokenIn(html), ...fields });
}

/** Posts a project form: the page's token, then the action. */
async function act(b: FormBrowser, project: string, action: string, fields: Record<string, string> = {}): Promise<Response> {
  // A page without forms (a closed project) has no token: any page's token of this browser does.
  const token = formTokenIn((await b.get(project)).html) || formTokenIn((await b.get('/diagnostic')).html);
  return b.post(`${project}/${action}`, { csrf: token, ...fields });
}

beforeAll(async () => {
  gw = await startLearnerGateway({ env: { POLLEN_FACILITATOR_TOKENS: STAFF_TOKEN } });
  const directory = gw.runtime.deps.directory!;
  rhone = await listed(directory, 'Hébergeur du Rhône', ['69'], 'contact@hebergeur-rhone.example.org');
  remote = await listed(directory, 'Hébergeur à distance', ['a-distance'], 'bonjour@distance.example.org');
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

describe('contacting a structure from the diagnostic', () => {
  it('refuses an empty message or a wrong address next to the field, what was typed kept, nothing sent', async () => {
    const b = new FormBrowser(gw.gateway.url);
    const diagnostic = await diagnose(b);
    const before = (await outbox()).length;
    const res = await contact(b, diagnostic, rhone, { message: '', courriel: 'pas-une-adresse', partager: 'oui' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${diagnostic}#contacter-${rhone.slug}`);
    const { html } = await b.get(diagnostic);
    const form = html.slice(html.indexOf(`id="contacter-${rhone.slug}"`), html.indexOf('</details>', html.indexOf(`id="contacter-${rhone.slug}"`)));
    expect(html).toMatch(new RegExp(`<details open[^>]*id="contacter-${rhone.slug}"`));
    expect(form).toContain('Erreur : Écrivez quelques lignes pour la structure.');
    expect(form).toContain('Erreur : Indiquez une adresse e-mail valide');
    expect(form).toMatch(/value="pas-une-adresse"/);
    expect(form).toMatch(/name="partager" value="oui" checked/);
    // The other provider's form is untouched.
    expect(html).not.toMatch(new RegExp(`<details open[^>]*id="contacter-${remote.slug}"`));
    expect((await outbox()).length).toBe(before);
    expect(await projectRows()).toHaveLength(0);
  });

  it('mails the structure the summary and its private link, without the association\'s address unless shared; the same contact twice (or twenty at once) makes one', async () => {
    const b = new FormBrowser(gw.gateway.url);
    const diagnostic = await diagnose(b);
    const before = (await outbox()).length;
    const res = await contact(b, diagnostic, rhone, { message: 'Bonjour, pouvez-vous nous aider à quitter Gmail ?', courriel: 'Bureau@Asso.example.org' });
    expect(res.status).toBe(303);
    const project = res.headers.get('location')!;
    expect(project).toMatch(/^\/projets\/[\w-]{43}$/);
    const mails = (await outbox()).slice(before);
    expect(mails.map((m) => m.to).sort()).toEqual(['bureau@asso.example.org', 'contact@hebergeur-rhone.example.org']);
    const toProvider = mails.find((m) => m.to === 'contact@hebergeur-rhone.example.org')!;
    expect(toProvider.text).toContain('Bonjour, pouvez-vous nous aider à quitter Gmail ?');
    expect(toProvider.text).toContain('À remplacer en priorité : Messagerie, Fichiers partagés.');
    expect(toProvider.text).toContain('Rhône (69)');
    expect(toProvider.text).not.toContain('bureau@asso.example.org');
    expect(toProvider.text).toContain('L’association n’a pas partagé son adresse e-mail');
    const providerLink = /(\/projets\/[\w-]+)/.exec(toProvider.text)![1]!;
    expect(providerLink).not.toBe(project);
    const copy = mails.find((m) => m.to === 'bureau@asso.example.org')!;
    expect(copy.text).toContain(`${gw.gateway.url}${project}`);

    // The answer page now links to the project instead of the form.
    const { html } = await b.get(diagnostic);
    expect(html).toContain(`href="${project}"`);
    expect(html).not.toContain(`id="contacter-${rhone.slug}"`);

    // Sent again, then twenty times at once: still one project, no other mail.
    const again = await b.post(`${diagnostic}/contacter/${rhone.slug}`, { csrf: formTokenIn(html), message: 'Encore', courriel: 'bureau@asso.example.org' });
    expect(again.headers.get('location')).toBe(project);
    const page = (await b.get(diagnostic)).html;
    await Promise.all(Array.from({ length: 20 }, () => b.post(`${diagnostic}/contacter/${rhone.slug}`, { csrf: formTokenIn(page), message: 'Vingt fois', courriel: 'bureau@asso.example.org' })));
    expect((await projectRows()).filter((r) => Number(r.provider_id) === rhone.id)).toHaveLength(1);
    expect((await outbox()).length).toBe(before + 2);
    // The burst counted at least 5 sends for this address (how many more depends on timing): over
    // the per-address limit, the next contact is refused next to its field, nothing sent.
    const limited = await contact(b, diagnostic, remote, { message: 'Un autre message', courriel: 'bureau@asso.example.org' });
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await b.get(diagnostic)).html).toContain('Erreur : Trop d’envois de ce formulaire');
    expect((await outbox()).length).toBe(before + 2);
    // The next specs start afresh.
    await gw.runtime.database.db.deleteFrom('auth_login_failures').where('key', 'like', 'form:projet-contact:%').execute();

    // The structure's page: the message, the summary, no address; the association's page: its own side.
    const asProvider = await b.get(providerLink);
    expect(asProvider.res.status).toBe(200);
    expect(asProvider.res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(asProvider.html).toContain('L’association n’a pas partagé son adresse e-mail');
    expect(asProvider.html).not.toContain('bureau@asso.example.org');
    expect(asProvider.html).toContain('&lt;script>alert(1)&lt;/script> ~~~~ [[Asso]]');
    expect(asProvider.html).not.toContain('<script>alert(1)');
  });

  it('shares the address when the association ticks the box; a robot filling the honeypot sends nothing', async () => {
    const b = new FormBrowser(gw.gateway.url);
    const diagnostic = await diagnose(b);
    const before = (await outbox()).length;
    const robot = await contact(b, diagnostic, remote, { message: 'spam', courriel: 'robot@spam.example.org', site_web: 'http://spam.example' });
    expect(robot.status).toBe(303);
    expect((await outbox()).length).toBe(before);
    await contact(b, diagnostic, remote, { message: 'Écrivez-nous directement.', courriel: 'tresorerie@asso.example.org', partager: 'oui' });
    const mail = (await outbox()).slice(before).find((m) => m.to === 'bonjour@distance.example.org')!;
    expect(mail.text).toContain('Pour lui répondre directement : tresorerie@asso.example.org');
  });
});

describe('an accompaniment project, to a recommendation after it', () => {
  it('is opened, followed milestone by milestone by both sides, done by the association only, then recommended, verified and shown apart', async () => {
    const asso = new FormBrowser(gw.gateway.url);
    const structure = new FormBrowser(gw.gateway.url);
    const diagnostic = await diagnose(asso, { association: 'Les Jardins du Projet', courriel: 'jardins@projet.example.org' });
    const before = (await outbox()).length;
    const project = (await contact(asso, diagnostic, rhone, { message: 'Bonjour', courriel: 'jardins@projet.example.org' })).headers.get('location')!;
    const providerProject = /(\/projets\/[\w-]+)/.exec((await outbox()).slice(before).find((m) => m.to.startsWith('contact@'))!.text)![1]!;
    // The token of the project link is derived from the diagnostic's: its page links to it again.
    expect(project).toBe(`/projets/${associationProjectToken(diagnostic.split('/')[2]!, rhone.id)}`);

    // Milestones before the project is opened: refused.
    expect((await structure.get(providerProject)).html).not.toContain('Noter une étape');
    expect((await act(structure, providerProject, 'ouvrir')).status).toBe(303);
    expect((await structure.get(providerProject)).html).toContain('Le projet est ouvert');
    const twice = await act(asso, project, 'ouvrir');
    expect(twice.status).toBe(303);
    expect((await asso.get(project)).html).toContain('Erreur : Ce projet est déjà ouvert.');

    // A date in the future or malformed is refused next to its field.
    await act(structure, providerProject, 'etape', { etape: 'diagnostic', date: '2999-01-01', note: 'trop tôt' });
    let page = (await structure.get(providerProject)).html;
    expect(page).toContain('Erreur : Cette date n’est pas encore passée');
    expect(page).toContain('>trop tôt</textarea>');
    await act(structure, providerProject, 'etape', { etape: 'diagnostic', date: '2026-02-30' });
    expect((await structure.get(providerProject)).html).toContain('Erreur : Indiquez une date au format AAAA-MM-JJ');
    await act(structure, providerProject, 'etape', { etape: 'diagnostic', date: '2026-01-10', note: 'Besoins étudiés avec le bureau' });
    await act(asso, project, 'etape', { etape: 'outils', date: '2026-02-02', note: 'Nextcloud installé <b>' });
    await act(structure, providerProject, 'etape', { etape: 'formation', date: '2026-02-20', note: 'Huit bénévoles formés' });
    page = (await asso.get(project)).html;
    expect(page).toContain('En cours');
    expect(page).toContain('atteinte le 2 février 2026');
    expect(page).toContain('Nextcloud installé &lt;b>');
    expect(page).toContain('Huit bénévoles formés');

    // Only the association marks it done: the structure has no such form, and its POST is refused.
    expect((await structure.get(providerProject)).html).not.toContain('/terminer');
    await act(structure, providerProject, 'terminer');
    expect((await structure.get(providerProject)).html).toContain('Erreur : Seule l’association peut marquer le projet terminé.');
    const sentBefore = (await outbox()).length;
    expect((await act(asso, project, 'terminer')).status).toBe(303);
    page = (await asso.get(project)).html;
    expect(page).toContain('Terminé');
    const recommendHref = /href="(\/annuaire\/[^"]+\/recommander\?projet=[^"]+)"/.exec(page)![1]!;
    const invite = (await outbox()).slice(sentBefore);
    expect(invite).toHaveLength(1);
    expect(invite[0]!.to).toBe('jardins@projet.example.org');
    expect(invite[0]!.text).toContain(`${gw.gateway.url}${recommendHref}`);
    // Done is final: no milestone nor abandon afterwards.
    await act(structure, providerProject, 'etape', { etape: 'autonomie', date: '2026-03-01' });
    expect((await structure.get(providerProject)).html).toContain('Erreur : Le projet n’est pas en cours');

    // The recommendation form, prefilled from the project; the structure's own link does not open it.
    expect((await asso.get(`/annuaire/${rhone.slug}/recommander?projet=${providerProject.split('/')[2]}`)).res.status).toBe(404);
    expect((await asso.get(`/annuaire/${remote.slug}/recommander?projet=${project.split('/')[2]}`)).res.status).toBe(404);
    const form = await asso.get(recommendHref);
    expect(form.res.status).toBe(200);
    expect(form.html).toContain('value="Les Jardins du Projet"');
    expect(form.html).toContain('value="jardins@projet.example.org"');
    expect(form.html).toContain('Outils installés le 2 février 2026 : Nextcloud installé &lt;b>.');
    expect(form.html).toContain(`name="projet" value="${project.split('/')[2]}"`);
    const fields: Record<string, string> = {
      csrf: formTokenIn(form.html), projet: project.split('/')[2]!, association: 'Les Jardins du Projet', email: 'jardins@projet.example.org',
      travail: 'Accompagnement complet.', mois: '02', annee: '2026', remplaces: 'Gmail', adoptes: 'Nextcloud', contact: 'oui',
      'q-needAssessed': 'yes', 'q-delivered': 'yes', 'q-usersTrained': 'yes', 'q-autonomous': 'yes', 'q-documentationLeft': 'yes', 'q-supportAfter': 'yes', 'q-wouldRecommend': 'yes',
    };
    const sent = await asso.post(`/annuaire/${rhone.slug}/recommander`, fields);
    expect(sent.status).toBe(303);
    const rec = await gw.runtime.database.db.selectFrom('directory_recommendations').selectAll().where('association_name', '=', 'Les Jardins du Projet').executeTakeFirstOrThrow();
    const projectRow = (await projectRows()).find((r) => r.association_name === 'Les Jardins du Projet')!;
    expect(Number(rec.project_id)).toBe(Number(projectRow.id));
    // The directory's rule holds: confirmed by the mailed link, then verified by a facilitator.
    expect(rec.status).toBe('unconfirmed');
    const confirm = (await outbox()).find((m) => m.to === 'jardins@projet.example.org' && m.text.includes('/annuaire/confirmer?jeton='))!;
    const jeton = /jeton=([\w-]+)/.exec(confirm.text)![1]!;
    const confirmPage = await asso.get(`/annuaire/confirmer?jeton=${jeton}`);
    await asso.post('/annuaire/confirmer', { csrf: formTokenIn(confirmPage.html), jeton });

    // The moderation page shows the project's history beside the recommendation.
    const moderation = await fetch(`${gw.gateway.url}/dashboard/annuaire`, { headers: { ...staffHeaders, accept: 'text/html' } });
    const moderationHtml = await moderation.text();
    const item = moderationHtml.slice(moderationHtml.indexOf(`data-recommendation="${rec.id}"`));
    expect(item).toContain('Après un projet accompagné : Les Jardins du Projet avec Hébergeur du Rhône (terminé)');
    expect(item).toContain('Besoins étudiés avec le bureau');
    expect(item).toContain('Projet marqué terminé par l’association');
    await gw.runtime.deps.directory!.verifyRecommendation(staff, Number(rec.id));

    // The provider page: « après un projet accompagné » apart from the other recommendation.
    const provider = (await asso.get(`/annuaire/${rhone.slug}`)).html;
    const linked = provider.slice(provider.indexOf('id="titre-apres-projet"'), provider.indexOf('id="titre-autres-recommandations"'));
    expect(linked).toContain('Après un projet accompagné (1)');
    expect(linked).toContain('Les Jardins du Projet');
    expect(linked).not.toContain('Première association');
    expect(provider.slice(provider.indexOf('id="titre-autres-recommandations"'))).toContain('Première association de Hébergeur du Rhône');
    const answer = await gw.gateway.query(`{ provider(slug: "${rhone.slug}") { recommendations { associationName afterProject } } }`, {}, staffHeaders);
    expect(answer.data!.provider.recommendations).toEqual(expect.arrayContaining([
      { associationName: 'Les Jardins du Projet', afterProject: true }, { associationName: 'Première association de Hébergeur du Rhône', afterProject: false },
    ]));
  });

  it('is reached by the structure through « Gérer ma fiche » too, and by no other structure', async () => {
    const db = gw.runtime.database.db;
    await db.updateTable('directory_providers').set({ manager_email: 'contact@hebergeur-rhone.example.org' }).where('id', '=', rhone.id).execute();
    await db.updateTable('directory_providers').set({ manager_email: 'bonjour@distance.example.org' }).where('id', '=', remote.id).execute();
    const signIn = async (email: string) => {
      const b = new FormBrowser(gw.gateway.url);
      const before = (await outbox()).length;
      const { html } = await b.get('/annuaire/gerer');
      await b.post('/annuaire/gerer/lien', { csrf: formTokenIn(html), email });
      const jeton = /jeton=([\w-]+)/.exec((await outbox()).slice(before).find((m) => m.to === email)!.text)![1]!;
      const page = await b.get(`/annuaire/gerer?jeton=${jeton}`);
      await b.post('/annuaire/gerer', { csrf: formTokenIn(page.html), jeton });
      return b;
    };
    const rhoneSession = await signIn('contact@hebergeur-rhone.example.org');
    const manage = (await rhoneSession.get('/annuaire/gerer')).html;
    expect(manage).toContain('Vos projets d’accompagnement');
    const href = /href="(\/annuaire\/gerer\/projets\/\d+)">Projet avec Les Jardins du Projet</.exec(manage)![1]!;
    const opened = await rhoneSession.get(href);
    expect(opened.res.status).toBe(303);
    const page = await rhoneSession.get(opened.res.headers.get('location')!);
    expect(page.html).toContain('<title>Projet avec Les Jardins du Projet — Pollen</title>');
    expect(page.html).toContain('Terminé');
    // Another structure's session, or none: the same address answers 404.
    expect((await (await signIn('bonjour@distance.example.org')).get(href)).res.status).toBe(404);
    expect((await new FormBrowser(gw.gateway.url).get(href)).res.status).toBe(404);
  });

  it('can be abandoned by either side with a confirmation, and is then closed', async () => {
    const asso = new FormBrowser(gw.gateway.url);
    const diagnostic = await diagnose(asso, { association: 'Club abandonné' });
    const project = (await contact(asso, diagnostic, remote, { message: 'Bonjour', courriel: 'club@abandon.example.org' })).headers.get('location')!;
    await act(asso, project, 'abandonner', { raison: 'Plus de bénévoles' });
    expect((await asso.get(project)).html).toContain('Erreur : Cochez la case pour confirmer l’abandon.');
    await act(asso, project, 'abandonner', { raison: 'Plus de bénévoles', confirme: 'oui' });
    const page = (await asso.get(project)).html;
    expect(page).toContain('Abandonné');
    expect(page).toContain('Projet abandonné par l’association');
    expect(page).not.toContain('/abandonner');
    expect((await asso.get('/projets/inconnu-inconnu-inconnu-inconnu')).res.status).toBe(404);
  });
});

describe('the facilitators\' view and GraphQL', () => {
  let learner: Record<string, string>;
  beforeAll(async () => {
    await addLearner(gw.runtime.database, { username: 'lea', displayName: 'Léa', password: 'lea-mot-de-passe' });
    const login = await gw.gateway.query<{ login: { token: string } }>('mutation { login(username: "lea", password: "lea-mot-de-passe") { token } }');
    learner = { authorization: `Bearer ${login.data!.login.token}` };
  });

  it('counts diagnostics per territory, the needs named and projects by state, for staff only, with a CSV of ISO days', async () => {
    const anonymous = await fetch(`${gw.gateway.url}/dashboard/diagnostics`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/dashboard/connexion');
    expect((await fetch(`${gw.gateway.url}/dashboard/diagnostics`, { headers: { ...learner, accept: 'text/html' } })).status).toBe(403);
    expect((await fetch(`${gw.gateway.url}/dashboard/diagnostics/export.csv`, { headers: learner })).status).toBe(403);
    const res = await fetch(`${gw.gateway.url}/dashboard/diagnostics`, { headers: { ...staffHeaders, accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    const diagnostics = Number((await gw.runtime.database.db.selectFrom('matchmaking_diagnostics').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect(html).toContain(`Les besoins les plus souvent nommés (${diagnostics} diagnostics)`);
    const needs = html.slice(html.indexOf('id="table-besoins"'));
    expect(needs).toMatch(new RegExp(`<th scope="row">Messagerie</th><td class="num">${diagnostics}</td>`));
    expect(html.slice(html.indexOf('id="table-territoires"'))).toMatch(new RegExp(`<th scope="row">Rhône \\(69\\)</th><td class="num" data-label="Diagnostics">${diagnostics}</td>`));
    expect(html).toMatch(/<tr data-state="termine"><th scope="row">Terminé<\/th><td class="num">1<\/td>/);
    expect(html).toMatch(/<tr data-state="abandonne"><th scope="row">Abandonné<\/th><td class="num">1<\/td>/);
    const bytes = Buffer.from(await (await fetch(`${gw.gateway.url}/dashboard/diagnostics/export.csv`, { headers: staffHeaders })).arrayBuffer());
    const csv = bytes.toString('utf8');
    expect(csv.startsWith('\uFEFFRubrique;Clé;Libellé;Nombre;Premier;Dernier\r\n')).toBe(true);
    expect(csv).toMatch(new RegExp(`\\r\\nterritoire;69;Rhône \\(69\\);${diagnostics};\\d{4}-\\d{2}-\\d{2};\\d{4}-\\d{2}-\\d{2}\\r\\n`));
    expect(csv).toContain(`besoin;messagerie;Messagerie;${diagnostics};;`);
    expect(csv).toContain('projet;termine;Terminé;1;;');
  });

  it('shows a diagnostic to its link and to staff, a project to each side of the pair and to staff, and refuses everyone else with a code', async () => {
    const b = new FormBrowser(gw.gateway.url);
    const diagnostic = await diagnose(b, { association: 'Asso GraphQL' });
    const token = diagnostic.split('/')[2]!;
    const before = (await outbox()).length;
    const project = (await contact(b, diagnostic, rhone, { message: 'Bonjour', courriel: 'graphql@asso.example.org' })).headers.get('location')!.split('/')[2]!;
    const providerToken = /\/projets\/([\w-]+)/.exec((await outbox()).slice(before).find((m) => m.to.startsWith('contact@'))!.text)![1]!;
    const other = (await projectRows()).find((r) => r.association_name === 'Club abandonné')!;
    const mine = (await projectRows()).find((r) => r.association_name === 'Asso GraphQL')!;
    const D = 'query($t: String, $id: ID) { diagnostic(token: $t, id: $id) { id associationName territoryLabel needs tools { need state } } }';
    const P = 'query($t: String, $id: ID) { project(token: $t, id: $id) { id state viewerSide providerName associationName associationEmail milestones { id reachedOn } history { kind side } } }';
    const code = (a: { errors?: Array<{ extensions?: Record<string, unknown> }> | undefined }) => a.errors?.[0]?.extensions?.code;

    const own = await gw.gateway.query(D, { t: token });
    expect(own.data!.diagnostic).toMatchObject({ associationName: 'Asso GraphQL', territoryLabel: 'Rhône (69)', needs: ['fichiers', 'messagerie'] });
    const id = own.data!.diagnostic.id as string;
    expect((await gw.gateway.query(D, { id }, staffHeaders)).data!.diagnostic.associationName).toBe('Asso GraphQL');
    expect(code(await gw.gateway.query(D, { t: 'x'.repeat(32) }))).toBe('NOT_FOUND');
    expect(code(await gw.gateway.query(D, { id }))).toBe('UNAUTHENTICATED');
    expect(code(await gw.gateway.query(D, { id }, learner))).toBe('FORBIDDEN');
    expect(code(await gw.gateway.query('{ diagnostics { id } }', {}, learner))).toBe('FORBIDDEN');
    expect(code(await gw.gateway.query('{ diagnostics { id } }'))).toBe('UNAUTHENTICATED');
    expect((await gw.gateway.query('{ diagnostics(first: 2) { id } }', {}, staffHeaders)).data!.diagnostics).toHaveLength(2);

    const asAssociation = await gw.gateway.query(P, { t: project });
    expect(asAssociation.data!.project).toMatchObject({ state: 'CONTACT', viewerSide: 'ASSOCIATION', associationEmail: 'graphql@asso.example.org', providerName: 'Hébergeur du Rhône' });
    const asStructure = await gw.gateway.query(P, { t: providerToken, id: String(mine.id) });
    // Not shared: the structure does not get the association's address.
    expect(asStructure.data!.project).toMatchObject({ viewerSide: 'STRUCTURE', associationEmail: null, history: [{ kind: 'contact', side: 'ASSOCIATION' }] });
    expect((await gw.gateway.query(P, { id: String(mine.id) }, staffHeaders)).data!.project.associationEmail).toBe('graphql@asso.example.org');
    // Another project's provider, a wrong token, anonymous, a learner: refused, with a code and no data.
    const another = await gw.gateway.query(P, { t: providerToken, id: String(other.id) });
    expect(code(another)).toBe('FORBIDDEN');
    expect(another.data?.project ?? null).toBeNull();
    expect(code(await gw.gateway.query(P, { t: 'y'.repeat(40) }))).toBe('FORBIDDEN');
    expect(code(await gw.gateway.query(P, { id: String(mine.id) }))).toBe('UNAUTHENTICATED');
    expect(code(await gw.gateway.query(P, { id: String(mine.id) }, learner))).toBe('FORBIDDEN');
    expect(code(await gw.gateway.query('{ projects { id } }', {}, learner))).toBe('FORBIDDEN');
    expect(code(await gw.gateway.query('{ matchmakingOverview { diagnostics } }'))).toBe('UNAUTHENTICATED');
    const overview = await gw.gateway.query('{ matchmakingOverview { diagnostics needs { need count } projectsByState { state count } } projects(state: TERMINE) { associationName } }', {}, staffHeaders);
    expect(overview.data!.projects).toEqual([{ associationName: 'Les Jardins du Projet' }]);
    expect(overview.data!.matchmakingOverview.projectsByState).toContainEqual({ state: 'TERMINE', count: 1 });
    for (const answer of [another, await gw.gateway.query(P, { id: 'abc' }, staffHeaders)]) expect(JSON.stringify(answer)).not.toMatch(/stack|at \//);
  });
});

describeEachStore('the projects service', (backend) => {
  it('keeps one project per diagnostic and structure under concurrent sends, changes a state once, and counts in SQL', async () => {
    const store = await openTestStore(backend);
    try {
      const curriculum = await loadCurriculum('course-modules');
      const needs = await loadAlternatives(curriculum);
      const directory = new DirectoryService(store);
      const provider = await listed(directory, 'Structure Concurrente', ['35'], 'contact@concurrente.example.org');
      const diagnostics = new MatchmakingService(store, { needs, curriculum, directory });
      const projects = new ProjectService(store, { needs, providers: { byId: (id) => directory.providerById(id), contactAddress: (id) => directory.contactAddress(id) } });
      const answers: Diagnostic = { associationName: 'Asso ~~~~', size: 'petite', volunteers: 3, staff: null, territory: '35', tools: { messagerie: 'proprietaire', visio: 'proprietaire', site: 'libre' }, bothers: [], bothersText: '' };
      const token = await diagnostics.create(answers, 'a@asso.example.org', (t) => t);
      const found = (await diagnostics.findWithId(token))!;
      const send = () => projects.contact({ diagnosticToken: token, diagnosticId: found.id, diagnostic: answers, provider, message: 'Bonjour', email: 'a@asso.example.org', shareEmail: false, link: (t) => t });
      const results = await Promise.allSettled(Array.from({ length: 10 }, send));
      const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      expect(ok.filter((r) => r.created)).toHaveLength(1);
      const projectToken = ok[0]!.token;
      const opens = await Promise.allSettled(Array.from({ length: 5 }, () => projects.open(projectToken)));
      expect(opens.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(opens.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof ProjectError)).toBe(true);
      await projects.milestone(projectToken, 'outils', '2026-01-05', null);
      const overview = await projects.overview();
      expect(overview.diagnostics).toBe(1);
      expect(overview.needs.map((n) => [n.need, n.count])).toEqual([['messagerie', 1], ['visio', 1]]);
      expect(overview.byTerritory).toMatchObject([{ territory: '35', count: 1 }]);
      expect(overview.byState.find((s) => s.state === 'en_cours')!.count).toBe(1);
      // Deleting the diagnostic keeps the project (its own summary) and drops the needs' rows.
      expect(await diagnostics.delete(token)).toBe(true);
      const after = await projects.byToken(projectToken);
      expect(after!.project.summary).toContain('Asso ~~~~');
      expect((await projects.overview()).needs).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('POLLEN_DEMO=1 fills a first contact, a project under way, one done and recommended after it, one abandoned; once', async () => {
    const store = await openTestStore(backend);
    try {
      const curriculum = await loadCurriculum('course-modules');
      const needs = await loadAlternatives(curriculum);
      const directory = new DirectoryService(store);
      await seedDirectory(directory);
      const matchmaking = new MatchmakingService(store, { needs, curriculum, directory });
      const projects = new ProjectService(store, { needs, providers: { byId: (id) => directory.providerById(id), contactAddress: (id) => directory.contactAddress(id) } });
      const line = await loadProjectsDemo({ database: store, directory, matchmaking, projects });
      expect(line).toContain('4 diagnostics');
      const overview = await projects.overview();
      expect(Object.fromEntries(overview.byState.map((s) => [s.state, s.count]))).toEqual({ contact: 1, ouvert: 0, en_cours: 1, termine: 1, abandonne: 1 });
      const [done] = await projects.list(10, 'termine');
      const linked = await store.db.selectFrom('directory_recommendations').selectAll().where('project_id', '=', done!.id).execute();
      expect(linked.map((r) => r.status)).toEqual(['verified']);
      expect(await new MailOutbox(store).list()).toEqual([]);
      expect(await loadProjectsDemo({ database: store, directory, matchmaking, projects })).toContain('rien n’est ajouté');
    } finally {
      await store.close();
    }
  });
});
