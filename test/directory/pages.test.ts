/**
 * Issue 28, items 4 and 7: the directory's public pages over HTTP on a real store, with mails
 * through a real SMTP server: a structure's page, the recommendation form and its mailed
 * confirmation, « Déclarer ma structure », the structure's sign-in links and its fiche.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACILITATOR } from './fixtures.js';
import { listedProvider, declaration } from './fixtures.js';
import { declarationFields, linkIn, recommendationFields, startPagesGateway, Visitor, type PagesGateway } from './pages-support.js';

let gw: PagesGateway;
const directory = () => gw.runtime.deps.directory!;
let ip = 10;
const visitor = () => new Visitor(gw.url, `198.51.100.${ip++}`);
/** A listed structure, declared from its own address (the service counts declarations per address). */
const listed = (name: string, overrides: Record<string, unknown>) => listedProvider(directory(), name, overrides, `203.0.113.${ip++}`);

beforeAll(async () => {
  gw = await startPagesGateway();
});
afterAll(async () => {
  await gw?.close();
});

const recommendationsOf = async (providerId: number) =>
  directory().db.selectFrom('directory_recommendations').selectAll().where('provider_id', '=', providerId).execute();

describe('/annuaire/<slug>', () => {
  it('shows a listed structure: kind, services, territories, badge, contact, verified projects, wiki and recommend links', async () => {
    const p = await listed('Chatons du Plateau', { territories: ['69', 'bretagne', 'a-distance'], publicContact: 'contact@chatonsduplateau.example.org', publicContactConsent: true });
    const { status, html } = await visitor().get(`/annuaire/${p.slug}`);
    expect(status).toBe(200);
    expect(html).toMatch(/^<!doctype html>\n<html lang="fr">/);
    expect(html).toContain('<h1>Chatons du Plateau</h1>');
    for (const text of ['Hébergeur CHATONS', 'Hébergement de services', 'Formation des bénévoles et salariés', 'Rhône (69)', 'Bretagne', 'À distance', 'Installée à Lyon',
      'Une recommandation vérifiée', 'Les Jardins Partagés du Plateau', 'Projet mené de janvier 2025 à avril 2025', 'Migration de la messagerie', 'Outils libres mis en place : Nextcloud et Thunderbird.',
      'Documentation laissée', 'en partie (Guide à compléter)', 'Une équipe patiente qui nous a rendus autonomes.', 'Pas de parcours de formation Pollen suivi à ce jour.']) {
      expect(html, text).toContain(text);
    }
    expect(html).toContain('href="mailto:contact@chatonsduplateau.example.org"');
    expect(html).toContain(`href="/annuaire/${p.slug}/recommander">Recommander cette structure</a>`);
    expect(html).toMatch(/href="http:\/\/127\.0\.0\.1:\d+\/index\.php\?title=Annuaire%2FChatons[^"]*">La fiche de Chatons du Plateau sur le wiki/);
    // Never the verification contact, never the RNA.
    expect(html).not.toContain('bureau@jardins-plateau.example.net');
    expect(html).not.toContain('W691234567');
  });

  it('is a French 404 for a structure that is not listed, and for reserved paths', async () => {
    const waiting = await directory().declare(FACILITATOR, declaration('Pas Encore Validée', { territories: ['35'] }), '203.0.113.9');
    for (const path of [`/annuaire/${waiting.slug}`, '/annuaire/inconnue', '/annuaire/confirmer-pas']) {
      const { status, html } = await visitor().get(path);
      expect(status, path).toBe(404);
      expect(html).toContain('Page introuvable');
    }
  });
});

describe('recommending a structure', () => {
  it('stores an unconfirmed recommendation and mails a link; GET shows a button, POST confirms; then facilitators see it', async () => {
    const p = await listed('Nuage du Vercors', { territories: ['38'] });
    const v = visitor();
    const form = await v.get(`/annuaire/${p.slug}/recommander`);
    expect(form.html).toContain('name="site_web"'); // honeypot
    expect(form.html).toContain('Vos besoins ont-ils été étudiés avant de choisir les outils ?');
    const sent = await v.post(`/annuaire/${p.slug}/recommander`, `/annuaire/${p.slug}/recommander`, recommendationFields({ email: 'Bureau@Amap-Vercors.example.net', association: 'AMAP du Vercors' }));
    expect(sent.location).toBe(`/annuaire/${p.slug}`);
    expect(sent.html).toContain('Un e-mail vient d’être envoyé à bureau@amap-vercors.example.net');
    const [row] = (await recommendationsOf(p.id)).filter((r) => r.association_name === 'AMAP du Vercors');
    expect(row!.status).toBe('unconfirmed');
    expect((await directory().moderationQueue()).recommendations.map((r) => r.associationName)).not.toContain('AMAP du Vercors');

    const [mail] = await gw.deliver();
    expect(mail!.to).toBe('bureau@amap-vercors.example.net');
    expect(mail!.subject).toBe('Confirmez votre recommandation de Nuage du Vercors');
    const link = linkIn(mail!.text, '/annuaire/confirmer?jeton=');
    // A mail scanner opening the link confirms nothing.
    const opened = await v.get(link);
    expect(opened.html).toContain('<button type="submit" class="primary">Confirmer</button>');
    expect((await recommendationsOf(p.id)).find((r) => r.id === row!.id)!.status).toBe('unconfirmed');
    const confirmed = await v.post(link, '/annuaire/confirmer', { jeton: new URLSearchParams(link.split('?')[1]).get('jeton')! });
    expect(confirmed.html).toContain('votre recommandation est confirmée');
    const queued = (await directory().moderationQueue()).recommendations.find((r) => r.id === row!.id)!;
    expect(queued.status).toBe('pending');
    expect(queued.replacedTools).toEqual(['Google Drive', 'WhatsApp']);
    expect(queued.tools).toEqual(['Nextcloud', 'Element']);
    expect(queued.followUp).toEqual({ needAssessed: { answer: 'yes', comment: null }, autonomous: { answer: 'yes', comment: null } });
    expect(queued.questionnaire.usersTrained.answer).toBe('partial');
    expect(queued.contactConsent).toBe(true);
    expect(queued.confirmedAt).not.toBeNull();
    // The link works once.
    expect((await v.get(link)).status).toBe(410);

    await directory().verifyRecommendation(FACILITATOR, row!.id);
    const page = await v.get(`/annuaire/${p.slug}`);
    expect(page.html).toContain('2 recommandations vérifiées');
    expect(page.html).toContain('AMAP du Vercors');
    expect(page.html).toContain('Outils remplacés : Google Drive et WhatsApp, par Nextcloud et Element.');
    expect(page.html).toContain('Projet mené en mars 2025');
    expect(page.html).toContain('Association autonome aujourd’hui');
  });

  it('refuses in French next to each field and keeps what was typed', async () => {
    const p = await listed('Libre Savoie', { territories: ['73'] });
    const v = visitor();
    const answer = await v.post(`/annuaire/${p.slug}/recommander`, `/annuaire/${p.slug}/recommander`, recommendationFields({ email: 'pas-une-adresse', travail: '', 'q-autonomous': '', contact: '', mois: '' }));
    expect(answer.location).toBe(`/annuaire/${p.slug}/recommander`);
    expect(answer.html).toContain('id="champ-email-erreur">Erreur : adresse électronique invalide</p>');
    expect(answer.html).toContain('id="champ-travail-erreur">Erreur : ce champ est obligatoire</p>');
    expect(answer.html).toContain('id="champ-q-autonomous-erreur">Erreur : répondez par oui, en partie ou non</p>');
    expect(answer.html).toContain('id="champ-mois-erreur">Erreur : choisissez le mois</p>');
    expect(answer.html).toContain('id="champ-contact-erreur">Erreur : cochez cette case');
    expect(answer.html).toContain('value="pas-une-adresse"');
    expect(answer.html).toContain('value="Les Jardins Partagés du Plateau"');
    expect(answer.html).toMatch(/id="champ-email"[^>]*autofocus/);
    expect((await recommendationsOf(p.id)).length).toBe(1);
    expect(await gw.deliver()).toEqual([]);
  });

  it('does nothing for a robot that fills the hidden field, and says the same as for people', async () => {
    const p = await listed('Octets Normands', { territories: ['14'] });
    const answer = await visitor().post(`/annuaire/${p.slug}/recommander`, `/annuaire/${p.slug}/recommander`, { ...recommendationFields(), site_web: 'https://spam.example' });
    expect(answer.html).toContain('Un e-mail vient d’être envoyé');
    expect((await recommendationsOf(p.id)).length).toBe(1);
    expect(await gw.deliver()).toEqual([]);
  });

  it('keeps one recommendation and sends one mail when the same one is sent twice', async () => {
    const p = await listed('Cloud Breton', { territories: ['29'] });
    const v = visitor();
    const fields = recommendationFields({ association: 'Chorale de Brest', email: 'chorale@brest.example.net' });
    await v.post(`/annuaire/${p.slug}/recommander`, `/annuaire/${p.slug}/recommander`, fields);
    const again = await v.post(`/annuaire/${p.slug}/recommander`, `/annuaire/${p.slug}/recommander`, { ...fields, association: 'CHORALE  de brest' });
    expect(again.html).toContain('Cette recommandation nous est déjà parvenue');
    expect((await recommendationsOf(p.id)).filter((r) => r.status === 'unconfirmed').length).toBe(1);
    expect((await gw.deliver()).length).toBe(1);
  });

  it('refuses a fourth send for one e-mail address within the hour, in French, keeping the values', async () => {
    const p = await listed('Serveurs Auvergnats', { territories: ['63'] });
    for (let i = 0; i < 3; i++) {
      const ok = await visitor().post(`/annuaire/${p.slug}/recommander`, `/annuaire/${p.slug}/recommander`, recommendationFields({ association: `Club ${i}`, email: 'club@auvergne.example.net' }));
      expect(ok.html).toContain('Un e-mail vient d’être envoyé');
    }
    const refused = await visitor().post(`/annuaire/${p.slug}/recommander`, `/annuaire/${p.slug}/recommander`, recommendationFields({ association: 'Club 4', email: 'club@auvergne.example.net' }));
    expect(refused.location).toBe(`/annuaire/${p.slug}/recommander`);
    expect(refused.html).toContain('Trop d’envois de ce formulaire');
    expect(refused.html).toContain('value="Club 4"');
    expect((await recommendationsOf(p.id)).length).toBe(4);
    // And from one address: five sends, then a refusal.
    const one = visitor();
    for (let i = 0; i < 5; i++) await one.post(`/annuaire/${p.slug}/recommander`, `/annuaire/${p.slug}/recommander`, recommendationFields({ association: `Cercle ${i}`, email: `cercle${i}@auvergne.example.net` }));
    const sixth = await one.post(`/annuaire/${p.slug}/recommander`, `/annuaire/${p.slug}/recommander`, recommendationFields({ association: 'Cercle 6', email: 'cercle6@auvergne.example.net' }));
    expect(sixth.html).toContain('Trop d’envois de ce formulaire');
    expect((await recommendationsOf(p.id)).length).toBe(9);
    await gw.deliver();
  });

  it('refuses a cross-site POST and a POST without the form token', async () => {
    const p = await listed('Libre Picardie', { territories: ['80'] });
    const v = visitor();
    const noToken = await v.postWith('faux', `/annuaire/${p.slug}/recommander`, recommendationFields());
    expect(noToken.status).toBe(403);
    expect((await recommendationsOf(p.id)).length).toBe(1);
  });

  it('shows hostile names as text', async () => {
    const p = await listed('<script>alert(1)</script> ~~~~ [[Lien]]', { territories: ['2A'] });
    const v = visitor();
    await v.post(`/annuaire/${p.slug}/recommander`, `/annuaire/${p.slug}/recommander`, recommendationFields({ association: '<img src=x onerror=alert(1)> [[Lien]] ~~~~', email: 'x@corse.example.net' }));
    const [mail] = await gw.deliver();
    const link = linkIn(mail!.text, '/annuaire/confirmer?jeton=');
    await v.post(link, '/annuaire/confirmer', { jeton: new URLSearchParams(link.split('?')[1]).get('jeton')! });
    const rec = (await recommendationsOf(p.id)).find((r) => r.status === 'pending')!;
    await directory().verifyRecommendation(FACILITATOR, Number(rec.id));
    const { html } = await v.get(`/annuaire/${p.slug}`);
    expect(html).toContain('<h1>&lt;script>alert(1)&lt;/script> ~~~~ [[Lien]]</h1>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)> [[Lien]] ~~~~');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img src=x');
  });
});

describe('« Déclarer ma structure » and the structure’s own fiche', () => {
  it('declares, confirms by mail, is approved, signs in by a link, edits directly, renames back to moderation, withdraws', async () => {
    const v = visitor();
    const sent = await v.post('/annuaire/declarer', '/annuaire/declarer', declarationFields());
    expect(sent.html).toContain('Un e-mail vient d’être envoyé à gestion@hebergeurs-plateau.example.org');
    const declared = (await directory().provider('les-hebergeurs-du-plateau'))!;
    expect(declared.status).toBe('unconfirmed');
    expect(declared.territories).toEqual(['69', '01']);
    expect(declared.publicContact).toBe('contact@hebergeurs-plateau.example.org');
    expect((await directory().moderationQueue()).providers.map((p) => p.id)).not.toContain(declared.id);
    const [confirmMail] = await gw.deliver();
    expect(confirmMail!.subject).toBe('Confirmez la déclaration de Les Hébergeurs du Plateau');
    const link = linkIn(confirmMail!.text, '/annuaire/confirmer?jeton=');
    await v.post(link, '/annuaire/confirmer', { jeton: new URLSearchParams(link.split('?')[1]).get('jeton')! });
    expect((await directory().moderationQueue()).providers.map((p) => p.id)).toContain(declared.id);
    await directory().approveProvider(FACILITATOR, declared.slug);

    // The link form answers the same for an unknown address, and mails nothing.
    const unknown = await v.post('/annuaire/gerer', '/annuaire/gerer/lien', { email: 'personne@nulle-part.example.org' });
    const known = await v.post('/annuaire/gerer', '/annuaire/gerer/lien', { email: 'Gestion@Hebergeurs-Plateau.example.org' });
    const notice = /<p class="ok" role="status">([^<]+)<\/p>/;
    expect(notice.exec(unknown.html)![1]).toBe(notice.exec(known.html)![1]);
    const mails = await gw.deliver();
    expect(mails.map((m) => m.to)).toEqual(['gestion@hebergeurs-plateau.example.org']);
    const signIn = linkIn(mails[0]!.text, '/annuaire/gerer?jeton=');
    const button = await v.get(signIn);
    expect(button.html).toContain('Ouvrir la gestion de ma fiche');
    const token = new URLSearchParams(signIn.split('?')[1]).get('jeton')!;
    const opened = await v.post(signIn, '/annuaire/gerer', { jeton: token });
    expect(opened.html).toContain('Validée par l’équipe d’animation.');
    expect(v.cookies.has('pollen_annuaire')).toBe(true);
    // Single use: another browser cannot open it again.
    const other = visitor();
    const reused = await other.post(signIn, '/annuaire/gerer', { jeton: token });
    expect(reused.html).toContain('Ce lien de connexion a expiré ou a déjà servi');

    const edit = { ...declarationFields(), description: 'Nous hébergeons et formons, désormais aussi dans l’Ain.' } as Record<string, string | string[]>;
    delete edit.email;
    const described = await v.post('/annuaire/gerer', '/annuaire/gerer/fiche', edit);
    expect(described.html).toContain('Fiche enregistrée.');
    expect((await directory().provider(declared.slug))!.status).toBe('approved');
    expect((await directory().provider(declared.slug))!.description).toBe('Nous hébergeons et formons, désormais aussi dans l’Ain.');

    const renamed = await v.post('/annuaire/gerer', '/annuaire/gerer/fiche', { ...edit, nom: 'Hébergeurs Libres du Plateau' });
    expect(renamed.html).toContain('la fiche est retirée de l’annuaire jusqu’à une nouvelle validation');
    const after = (await directory().provider(declared.slug))!;
    expect([after.name, after.status, after.listed]).toEqual(['Hébergeurs Libres du Plateau', 'pending', false]);
    expect((await directory().moderationQueue()).providers.map((p) => p.id)).toContain(declared.id);

    const refused = await v.post('/annuaire/gerer', '/annuaire/gerer/retrait', {});
    expect(refused.html).toContain('Erreur : cochez la case pour confirmer le retrait');
    const withdrawn = await v.post('/annuaire/gerer', '/annuaire/gerer/retrait', { confirme: 'oui' });
    expect(withdrawn.html).toContain('Votre fiche est retirée de l’annuaire.');
    expect((await directory().provider(declared.slug))!.status).toBe('withdrawn');
    const ended = await v.post('/annuaire/gerer', '/annuaire/gerer/fin', {});
    expect(ended.html).toContain('Recevoir le lien');
    expect(v.cookies.has('pollen_annuaire')).toBe(false);
  });

  it('refuses an unknown département and an empty name next to their fields, keeping the values', async () => {
    const answer = await visitor().post('/annuaire/declarer', '/annuaire/declarer', declarationFields({ nom: '', departements: '69, 999', email: 'x@y' }));
    expect(answer.html).toContain('id="champ-departements-erreur">Erreur : numéro de département inconnu : 999</p>');
    expect(answer.html).toContain('id="champ-nom-erreur">Erreur : ce champ est obligatoire</p>');
    expect(answer.html).toContain('id="champ-email-erreur">Erreur : adresse e-mail invalide');
    expect(answer.html).toContain('value="69, 999"');
    expect(answer.html).toMatch(/id="champ-nom"[^>]*autofocus/);
  });

  it('does nothing for a robot on the declaration and link forms, and answers as for people', async () => {
    const robot = visitor();
    const declared = await robot.post('/annuaire/declarer', '/annuaire/declarer', declarationFields({ nom: 'Robot Hébergeur', site: 'https://robot.example.org', email: 'robot@robot.example.org', site_web: 'https://spam.example' }));
    expect(declared.html).toContain('Un e-mail vient d’être envoyé');
    expect(await directory().db.selectFrom('directory_providers').select('id').where('name', '=', 'Robot Hébergeur').execute()).toEqual([]);
    const link = await robot.post('/annuaire/gerer', '/annuaire/gerer/lien', { email: 'gestion@hebergeurs-plateau.example.org', site_web: 'x' });
    expect(link.html).toContain('Si cette adresse est celle d’une structure de l’annuaire');
    expect(await gw.deliver()).toEqual([]);
  });

  it('limits sign-in link requests per e-mail address, in French, next to the field', async () => {
    for (let i = 0; i < 3; i++) await visitor().post('/annuaire/gerer', '/annuaire/gerer/lien', { email: 'limite@structure.example.org' });
    const refused = await visitor().post('/annuaire/gerer', '/annuaire/gerer/lien', { email: 'limite@structure.example.org' });
    expect(refused.html).toContain('id="lien-email-erreur">Erreur : Trop d’envois de ce formulaire');
    expect(refused.html).toContain('value="limite@structure.example.org"');
  });

  it('never gives a structure a slug that is one of the pages', async () => {
    const v = visitor();
    await v.post('/annuaire/declarer', '/annuaire/declarer', declarationFields({ nom: 'Gérer', site: 'https://gerer.example.org', departements: '75', email: 'a@gerer.example.org' }));
    const rows = await directory().db.selectFrom('directory_providers').select('slug').where('name', '=', 'Gérer').execute();
    expect(rows.map((r) => r.slug)).toEqual(['gerer-2']);
    await gw.deliver();
  });
});
