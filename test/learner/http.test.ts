/**
 * Issue 22 over HTTP, on a real store and a real SMTP server: sign-up confirmed by a mailed link,
 * sign-in, quizzes scored on the server and kept, completion seen by the progress service the
 * dashboard reads, the same quiz sent twice and twenty times at once, hostile names, password
 * links used once, the learner's data downloaded and erased.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CurriculumModule } from '../../src/curriculum/schema.js';
import { fieldValue, wrongAnswer } from '../../src/learner/quiz.js';
import { linkIn, startLearnerGateway, Visitor, type LearnerGateway } from './support.js';

let gw: LearnerGateway;
const FACILITATOR = 'facilitator-token-for-learner-specs-0123456789';
let module1: CurriculumModule;

const right = (m: CurriculumModule) => Object.fromEntries(m.quiz.map((q, i) => [`q${i + 1}`, q.answers.map(String)]));
const wrong = (m: CurriculumModule) => Object.fromEntries(m.quiz.map((q, i) => [`q${i + 1}`, fieldValue(wrongAnswer(q))]));

/** Opens the module's page and sends its quiz form (with the form's own `envoi` key) with `answers`. */
async function answerQuiz(visitor: Visitor, m: CurriculumModule, answers: Record<string, string | string[]>) {
  const page = (await visitor.get(`/parcours/${m.slug}`)).html;
  const token = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
  const envoi = /name="envoi" value="([^"]+)"/.exec(page)![1]!;
  return visitor.post(`/parcours/${m.slug}/quiz`, { ...answers, envoi }, { token });
}

/** Signs up, confirms by the mailed link and signs in; the visitor is then signed in. */
async function newLearner(name: string, email: string, password = 'un mot de passe solide'): Promise<Visitor> {
  const visitor = new Visitor(gw.gateway.url);
  const signUp = await visitor.submit('/inscription', '/inscription', { nom: name, email, mot_de_passe: password, site_web: '' });
  expect(signUp.status).toBe(303);
  await gw.deliver();
  const mail = gw.smtp.inbox.filter((m) => m.to === email).at(-1)!;
  expect(mail.subject).toBe('Confirmez votre adresse pour le parcours Pollen');
  const link = new URL(linkIn(mail.text, '/inscription/confirmer?jeton='));
  const page = await visitor.get(`${link.pathname}${link.search}`);
  expect(page.status).toBe(200);
  const token = /name="csrf" value="([^"]+)"/.exec(page.html)![1]!;
  const confirmed = await visitor.post('/inscription/confirmer', { jeton: link.searchParams.get('jeton')! }, { token });
  expect(confirmed.location).toBe('/connexion');
  const signIn = await visitor.submit('/connexion', '/connexion', { identifiant: email, mot_de_passe: password });
  expect(signIn.location).toBe('/mon-parcours');
  return visitor;
}

beforeAll(async () => {
  gw = await startLearnerGateway({ env: { POLLEN_FACILITATOR_TOKENS: FACILITATOR } });
  module1 = gw.runtime.deps.curriculum[0]!;
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

describe('sign-up and sign-in', () => {
  it('creates the account only once its mailed link is confirmed by a POST, and signs in by e-mail', async () => {
    const visitor = new Visitor(gw.gateway.url);
    await visitor.submit('/inscription', '/inscription', { nom: 'Inès Moreau', email: 'Ines@Exemple.org', mot_de_passe: 'un mot de passe solide' });
    await gw.deliver();
    const mail = gw.smtp.inbox.find((m) => m.to === 'ines@exemple.org')!;
    expect(mail.text).toContain('Bonjour Inès Moreau,');
    // Not confirmed yet: no sign-in, no learner in the cohort.
    const early = await visitor.submit('/connexion', '/connexion', { identifiant: 'ines@exemple.org', mot_de_passe: 'un mot de passe solide' });
    expect(early.location).toBe('/connexion');
    expect((await visitor.get('/connexion')).html).toContain('adresse e-mail ou mot de passe incorrect');
    // GET only shows the button (mail scanners open links).
    const link = new URL(linkIn(mail.text, '/inscription/confirmer?jeton='));
    const shown = await visitor.get(`${link.pathname}${link.search}`);
    expect(shown.html).toContain('Confirmer mon adresse');
    expect((await gw.runtime.tracker.learners.list()).map((l) => l.displayName)).not.toContain('Inès Moreau');
    const token = /name="csrf" value="([^"]+)"/.exec(shown.html)![1]!;
    await visitor.post('/inscription/confirmer', { jeton: link.searchParams.get('jeton')! }, { token });
    expect((await gw.runtime.tracker.learners.list()).map((l) => l.displayName)).toContain('Inès Moreau');
    // The link works once.
    expect((await visitor.get(`${link.pathname}${link.search}`)).status).toBe(404);
    const signIn = await visitor.submit('/connexion', '/connexion', { identifiant: 'INES@exemple.org', mot_de_passe: 'un mot de passe solide' });
    expect(signIn.location).toBe('/mon-parcours');
    expect(visitor.cookies.has('pollen_session')).toBe(true);
    const mine = await visitor.get('/mon-parcours');
    expect(mine.html).toContain('Connecté·e en tant qu’Inès Moreau (apprenant·e)');
  });

  it('refuses a short password and a bad address next to their fields, keeping what was typed but never the password', async () => {
    const visitor = new Visitor(gw.gateway.url);
    const res = await visitor.submit('/inscription', '/inscription', { nom: 'Zoé', email: 'pas-une-adresse', mot_de_passe: 'court' });
    expect(res.location).toBe('/inscription');
    const page = (await visitor.get('/inscription')).html;
    expect(page).toContain('Erreur : indiquez une adresse e-mail');
    expect(page).toContain('Erreur : choisissez un mot de passe d’au moins 10 caractères.');
    expect(page).toContain('value="pas-une-adresse"');
    expect(page).not.toContain('court');
  });

  it('mails an address that already has an account instead of a second account, and the page says the same', async () => {
    await newLearner('Paul Roux', 'paul@exemple.org');
    const visitor = new Visitor(gw.gateway.url);
    await visitor.submit('/inscription', '/inscription', { nom: 'Autre Paul', email: 'paul@exemple.org', mot_de_passe: 'encore un mot de passe' });
    await gw.deliver();
    expect(gw.smtp.inbox.filter((m) => m.to === 'paul@exemple.org').at(-1)!.subject).toBe('Vous avez déjà un compte sur le parcours Pollen');
    expect((await gw.runtime.tracker.learners.list()).filter((l) => l.displayName === 'Autre Paul')).toEqual([]);
  });

  it('refuses a form posted from another site or without its token', async () => {
    const visitor = new Visitor(gw.gateway.url);
    const token = await visitor.token('/inscription');
    expect((await visitor.post('/inscription', { nom: 'X', email: 'x@exemple.org', mot_de_passe: 'un mot de passe solide' }, { token, origin: 'https://ailleurs.example' })).status).toBe(403);
    expect((await visitor.post('/connexion', { identifiant: 'x@exemple.org', mot_de_passe: 'y' })).status).toBe(403);
  });

  it('sets a new password with a mailed link that works once, and ends the sessions', async () => {
    const learner = await newLearner('Léa Garnier', 'lea@exemple.org', 'ancien mot de passe');
    const visitor = new Visitor(gw.gateway.url);
    await visitor.submit('/connexion/mot-de-passe-oublie', '/connexion/mot-de-passe-oublie', { email: 'lea@exemple.org' });
    // An unknown address gets the same answer and no mail.
    const unknown = await visitor.submit('/connexion/mot-de-passe-oublie', '/connexion/mot-de-passe-oublie', { email: 'personne@exemple.org' });
    expect(unknown.location).toBe('/connexion');
    await gw.deliver();
    expect(gw.smtp.inbox.some((m) => m.to === 'personne@exemple.org')).toBe(false);
    const link = new URL(linkIn(gw.smtp.inbox.filter((m) => m.to === 'lea@exemple.org').at(-1)!.text, '/connexion/nouveau-mot-de-passe?jeton='));
    const jeton = link.searchParams.get('jeton')!;
    const done = await visitor.submit(`${link.pathname}${link.search}`, '/connexion/nouveau-mot-de-passe', { jeton, mot_de_passe: 'nouveau mot de passe' });
    expect(done.location).toBe('/connexion');
    expect((await learner.get('/mon-parcours')).location).toMatch(/^\/connexion/);
    expect((await visitor.get(`${link.pathname}${link.search}`)).status).toBe(404);
    const again = await visitor.submit('/connexion', '/connexion/nouveau-mot-de-passe', { jeton, mot_de_passe: 'un troisième mot de passe' });
    expect(again.location).toBe('/connexion/mot-de-passe-oublie');
    expect((await visitor.submit('/connexion', '/connexion', { identifiant: 'lea@exemple.org', mot_de_passe: 'nouveau mot de passe' })).location).toBe('/mon-parcours');
  });

  it('opens a fresh session at each sign-in and ends the one the browser held (session fixation); sign-out ends it too', async () => {
    const sessions = gw.runtime.deps.auth!.sessions;
    await newLearner('Nina Roux', 'nina.roux@exemple.org');
    const other = await newLearner('Omar Petit', 'omar@exemple.org');
    const held = other.cookies.get('pollen_session')!;
    // A browser carrying Omar's live session (left signed in, or planted by someone) signs in as Nina.
    const browser = new Visitor(gw.gateway.url);
    browser.cookies.set('pollen_session', held);
    const signIn = await browser.submit('/connexion', '/connexion', { identifiant: 'nina.roux@exemple.org', mot_de_passe: 'un mot de passe solide' });
    expect(signIn.location).toBe('/mon-parcours');
    const nina = browser.cookies.get('pollen_session')!;
    expect(nina).not.toBe(held);
    expect(await sessions.find(held)).toBeUndefined();
    expect((await other.get('/mon-parcours')).location).toMatch(/^\/connexion/);
    expect((await browser.get('/mon-parcours')).html).toContain('Connecté·e en tant que Nina Roux');
    // A facilitator signing in on the same browser ends Nina's session as well.
    const staff = await browser.post('/dashboard/connexion', { token: FACILITATOR });
    expect(staff.status).toBe(303);
    const facilitator = browser.cookies.get('pollen_session')!;
    expect(facilitator).not.toBe(nina);
    expect(await sessions.find(nina)).toBeUndefined();
    const stale = new Visitor(gw.gateway.url);
    stale.cookies.set('pollen_session', nina);
    expect((await stale.get('/mon-parcours')).location).toMatch(/^\/connexion/);
    expect((await sessions.find(facilitator))?.viewer.role).toBe('facilitator');
    // Signing out deletes the session in the store, not only the cookie.
    const out = await browser.post('/deconnexion', {}, { token: await browser.token('/parcours') });
    expect(out.location).toBe('/');
    expect(browser.cookies.has('pollen_session')).toBe(false);
    expect(await sessions.find(facilitator)).toBeUndefined();
  });

  it('blocks an account after five wrong passwords, as the dashboard sign-in does', async () => {
    await newLearner('Hugo Blanc', 'hugo@exemple.org');
    const visitor = new Visitor(gw.gateway.url);
    for (let i = 0; i < 5; i++) await visitor.submit('/connexion', '/connexion', { identifiant: 'hugo@exemple.org', mot_de_passe: `faux-${i}` });
    const blocked = await visitor.submit('/connexion', '/connexion', { identifiant: 'hugo@exemple.org', mot_de_passe: 'un mot de passe solide' });
    expect(blocked.location).toBe('/connexion');
    expect((await visitor.get('/connexion')).html).toContain('Trop de tentatives de connexion échouées');
  });
});

describe('quizzes', () => {
  it('keeps every attempt, shows what was wrong, and completes the module when passed, as the progress service sees it', async () => {
    const learner = await newLearner('Sami Haddad', 'sami@exemple.org');
    const failed = await answerQuiz(learner, module1, wrong(module1));
    expect(failed.location).toMatch(new RegExp(`^/parcours/${module1.slug}/tentatives/\\d+$`));
    const result = (await learner.get(failed.location!)).html;
    expect(result).toContain(`0 bonne réponse sur ${module1.quiz.length}`);
    expect(result).toContain('Ce n’est pas la bonne réponse.');
    expect(result).toContain('Réessayer le quiz');
    const passed = await answerQuiz(learner, module1, right(module1));
    expect((await learner.get(passed.location!)).html).toContain('quiz réussi');
    const id = (await gw.runtime.tracker.learners.list()).find((l) => l.displayName === 'Sami Haddad')!.id;
    const progress = await gw.runtime.deps.progress!.learnerProgress(id);
    expect(progress.modules.find((m) => m.slug === module1.slug)!.state).toBe('done');
    expect(progress.doneCount).toBe(1);
    const attempts = await gw.space.rows.attempts(id);
    expect(attempts.map((a) => a.passed)).toEqual([false, true]);
    const activity = await gw.space.quizActivity([id]);
    expect(activity.get(id)).toMatchObject({ attempts: 2, passed: 1, failingModules: [] });
    // The facilitator's page of this learner lists both attempts, the newest first.
    const page = await fetch(`${gw.gateway.url}/dashboard/apprenant/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${FACILITATOR}`, accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    const table = html.slice(html.indexOf('id="table-quiz"'), html.indexOf('</table>', html.indexOf('id="table-quiz"')));
    expect([...table.matchAll(/data-passed="(oui|non)"/g)].map((m) => m[1])).toEqual(['oui', 'non']);
    expect(table).toContain(`>0 sur ${module1.quiz.length}<`);
    expect(table).toContain('>Échoué<');
  });

  it('shows « Échoué » in the facilitators\' grid for a module whose last attempt failed, until it is passed', async () => {
    const learner = await newLearner('Léa Morel', 'lea.morel@exemple.org');
    const module2 = gw.runtime.deps.curriculum[1]!;
    await answerQuiz(learner, module1, right(module1));
    await answerQuiz(learner, module2, wrong(module2));
    const id = (await gw.runtime.tracker.learners.list()).find((l) => l.displayName === 'Léa Morel')!.id;
    const rowOf = async () => {
      const html = await (await fetch(`${gw.gateway.url}/dashboard?q=${encodeURIComponent('Léa')}`, { headers: { authorization: `Bearer ${FACILITATOR}`, accept: 'text/html' } })).text();
      const start = html.indexOf(`<tr data-learner="${id}"`);
      expect(start).toBeGreaterThan(-1);
      return [...html.slice(start, html.indexOf('</tr>', start)).matchAll(/<td data-state="([a-z_]+)">/g)].map((m) => m[1]);
    };
    expect((await rowOf()).slice(0, 3)).toEqual(['done', 'failed', 'not_started']);
    await answerQuiz(learner, module2, right(module2));
    expect((await rowOf()).slice(0, 3)).toEqual(['done', 'done', 'not_started']);
  });

  it('asks a multiple-choice question with checkboxes, right only with every right box and no other, and says which boxes were wrong', async () => {
    const learner = await newLearner('Yanis Caron', 'yanis.caron@exemple.org');
    const m = gw.runtime.deps.curriculum.find((x) => x.slug === 'systeme-information-communication')!;
    const index = m.quiz.findIndex((q) => q.multiple);
    const q = m.quiz[index]!;
    const field = `q${index + 1}`;
    expect(q.answers).toEqual([0, 1, 3]);
    const page = (await learner.get(`/parcours/${m.slug}`)).html;
    expect(page.match(new RegExp(`type="checkbox" id="champ-${field}-\\d" name="${field}"`, 'g'))).toHaveLength(q.choices.length);
    expect(page).toContain('Plusieurs réponses sont justes : cochez-les toutes, et seulement elles.');
    const others = right(m);
    const attemptOf = async (ticks: string[], rest: Record<string, string | string[]> = others) => {
      const sent = await answerQuiz(learner, m, { ...rest, [field]: ticks });
      return { html: (await learner.get(sent.location!)).html };
    };
    // In a failed attempt, two of the three right boxes: not right, one missing (not named before the quiz is passed).
    const missing = await attemptOf(['0', '3'], wrong(m));
    expect(missing.html).toContain(`0 bonne réponse sur ${m.quiz.length}`);
    expect(missing.html).toContain('Il manque une bonne réponse à cocher.');
    expect(missing.html).not.toContain('Il fallait aussi cocher');
    // Every box ticked: the wrong one is named as such, and the question is not right.
    const all = await attemptOf(['0', '1', '2', '3']);
    expect(all.html).toContain(`${q.choices[2]!.replace(/\.$/, '')} : <span class="result-wrong">à ne pas cocher.</span>`);
    expect(all.html).toContain(`${q.choices[0]!.replace(/\.$/, '')} : <span class="result-right">juste.</span>`);
    expect(all.html).toContain(`${m.quiz.length - 1} bonnes réponses sur ${m.quiz.length}`);
    // Once the quiz is passed, the right box left unticked is named.
    const named = await attemptOf(['0', '3']);
    // A choice quoted in a sentence loses its own full stop (never « … exporter. ». nor « seule.. »).
    expect(named.html).toContain(`Il fallait aussi cocher : « ${q.choices[1]!.replace(/\.$/, '')} ».`);
    expect(named.html).not.toContain('..');
    // Exactly the right ones (sent as one comma-joined value, which the server reads the same).
    const exact = await attemptOf(['3,0,1']);
    expect(exact.html).toContain('Juste : toutes les bonnes réponses, et seulement elles.');
    expect(exact.html).toContain(`${m.quiz.length} bonnes réponses sur ${m.quiz.length}`);
    const id = (await gw.runtime.tracker.learners.list()).find((l) => l.displayName === 'Yanis Caron')!.id;
    const attempts = await gw.space.rows.attempts(id);
    expect(attempts.map((a) => [a.score, a.passed, a.answers[index]])).toEqual([
      [0, false, [0, 3]], [m.quiz.length - 1, true, [0, 1, 2, 3]], [m.quiz.length - 1, true, [0, 3]], [m.quiz.length, true, [0, 1, 3]],
    ]);
    // The learner's download keeps the boxes ticked.
    const data = JSON.parse((await learner.get('/mon-parcours/donnees.json')).html) as { quizAttempts: Array<{ answers: unknown[] }> };
    expect(data.quizAttempts.at(-1)!.answers[index]).toEqual([0, 1, 3]);
    expect((await learner.get('/mon-parcours/donnees.csv')).html).toContain(' 1+2+4');
    // No box ticked, or a box that is no choice: refused next to the question, the other answers kept.
    for (const [ticks, error] of [[[], 'cochez au moins une réponse à cette question.'], [['0', '9'], 'cette réponse ne fait pas partie des choix proposés.']] as const) {
      const refused = await answerQuiz(learner, m, { ...others, [field]: [...ticks] });
      expect(refused.location).toBe(`/parcours/${m.slug}#quiz`);
      const again = (await learner.get(`/parcours/${m.slug}`)).html;
      expect(again).toContain(`Erreur : ${error}`);
      expect(again).toMatch(new RegExp(`id="champ-q1-${m.quiz[0]!.answers[0]}" name="q1" value="${m.quiz[0]!.answers[0]}" checked`));
    }
    expect(await gw.space.rows.attempts(id)).toHaveLength(4);
  });

  it('refuses a quiz with a blank answer next to the question', async () => {
    const learner = await newLearner('Nina Petit', 'nina@exemple.org');
    const { q1: _q1, ...rest } = right(module1);
    const res = await answerQuiz(learner, module1, rest);
    expect(res.location).toBe(`/parcours/${module1.slug}#quiz`);
    expect((await learner.get(`/parcours/${module1.slug}`)).html).toContain('Erreur : choisissez une réponse à cette question.');
  });

  it('makes one attempt and one completion of the same form sent twice, then twenty times at once', async () => {
    const learner = await newLearner('Jules Fabre', 'jules@exemple.org');
    const id = (await gw.runtime.tracker.learners.list()).find((l) => l.displayName === 'Jules Fabre')!.id;
    const page = (await learner.get(`/parcours/${module1.slug}`)).html;
    const token = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const envoi = /name="envoi" value="([^"]+)"/.exec(page)![1]!;
    const fields = { ...right(module1), envoi };
    const twice = [await learner.post(`/parcours/${module1.slug}/quiz`, fields, { token }), await learner.post(`/parcours/${module1.slug}/quiz`, fields, { token })];
    expect(twice[0]!.location).toBe(twice[1]!.location);
    expect((await gw.space.rows.attempts(id)).length).toBe(1);
    const module2 = gw.runtime.deps.curriculum[1]!;
    const page2 = (await learner.get(`/parcours/${module2.slug}`)).html;
    const fields2 = { ...right(module2), envoi: /name="envoi" value="([^"]+)"/.exec(page2)![1]! };
    const token2 = /name="csrf" value="([^"]+)"/.exec(page2)![1]!;
    const all = await Promise.all(Array.from({ length: 20 }, () => learner.post(`/parcours/${module2.slug}/quiz`, fields2, { token: token2 })));
    expect(new Set(all.map((r) => r.location)).size).toBe(1);
    expect((await gw.space.rows.attempts(id)).length).toBe(2);
    const history = await gw.runtime.deps.progress!.learnerHistory(id, 100);
    // One snapshot per completion (plus the first one, before any): never two for the same module.
    expect(history[0]!.doneCount).toBe(2);
    expect(history.filter((h) => h.doneCount === 2).length).toBe(1);
  });
});

describe('hostile names', () => {
  it('shows <script>, ~~~~ and [[x]] as text', async () => {
    const learner = await newLearner('<script>alert(1)</script> ~~~~ [[x]]', 'hostile@exemple.org');
    const html = (await learner.get('/mon-parcours')).html;
    expect(html).toContain('&lt;script>alert(1)&lt;/script> ~~~~ [[x]]');
    expect(html).not.toContain('<script>');
    await gw.deliver();
    expect(gw.smtp.inbox.find((m) => m.to === 'hostile@exemple.org')!.text).toContain('Bonjour <script>alert(1)</script> ~~~~ [[x]],');
  });
});

describe('the learner’s own data', () => {
  it('downloads JSON and CSV, then erases the account and its progress', async () => {
    const learner = await newLearner('Emma Roche', 'emma@exemple.org');
    await answerQuiz(learner, module1, right(module1));
    const json = await learner.get('/mon-parcours/donnees.json');
    expect(json.headers.get('content-disposition')).toContain('attachment');
    const data = JSON.parse(json.html) as { account: { email: string }; quizAttempts: unknown[]; progress: { doneCount: number } };
    expect(data.account.email).toBe('emma@exemple.org');
    expect(data.quizAttempts).toHaveLength(1);
    expect(data.progress.doneCount).toBe(1);
    const csv = await learner.get('/mon-parcours/donnees.csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.html).toContain('"compte","","Emma Roche"');
    const id = (await gw.runtime.tracker.learners.list()).find((l) => l.displayName === 'Emma Roche')!.id;
    const refused = await learner.submit('/mon-parcours', '/mon-parcours/supprimer', {});
    expect(refused.location).toBe('/mon-parcours#titre-donnees');
    const deleted = await learner.submit('/mon-parcours', '/mon-parcours/supprimer', { confirmation: 'oui' });
    expect(deleted.location).toBe('/');
    expect(await gw.runtime.tracker.learners.byId(id)).toBeUndefined();
    expect(await gw.space.rows.attempts(id)).toEqual([]);
    expect(await gw.runtime.deps.progress!.learnerHistory(id)).toEqual([]);
    expect((await learner.get('/mon-parcours')).location).toMatch(/^\/connexion/);
    const visitor = new Visitor(gw.gateway.url);
    expect((await visitor.submit('/connexion', '/connexion', { identifiant: 'emma@exemple.org', mot_de_passe: 'un mot de passe solide' })).location).toBe('/connexion');
  });
});
