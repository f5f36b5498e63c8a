/**
 * The agenda's public pages over HTTP on a real store, as a browser without JavaScript uses them:
 * the list with its filters and pages, a session's page, the visitor's registration with its
 * mailed confirmation (double opt-in), limits and refusals, learners' one-click registration,
 * the cancellation page and the waiting list moving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type StoreDb } from '../../src/store/database.js';
import { registerConfirmed } from './fixtures.js';
import { startAgendaGateway, type AgendaGateway } from './support.js';
import { WebClient } from './web-client.js';

const PUBLIC = 'https://pollen.exemple.org';
const HOSTILE = '<script>alert(1)</script> ~~~~ [[Lien]]';
/** The hostile title as text: `<` escaped (preact leaves `>` as it is in text, harmless there). */
const ESCAPED = /&lt;script(&gt;|>)alert\(1\)&lt;\/script(&gt;|>) ~~~~ \[\[Lien\]\]/;

describe('agenda public pages', () => {
  let store: StoreDb;
  let gw: AgendaGateway;
  let clock = new Date('2026-03-01T08:00:00Z');

  const create = async (overrides: Record<string, unknown> = {}) =>
    (await gw.agenda.createSession({ moduleSlug: 'gouvernance', title: 'Atelier gouvernance', startsAt: '2026-03-12T14:00', endsAt: '2026-03-12T17:00', address: 'Maison des associations, 28 rue Denfert-Rochereau, 69004 Lyon', facilitators: ['Camille Roche'], capacity: 2, ...overrides })).session;
  const mails = async (kind?: string) => {
    let q = store.db.selectFrom('mail_outbox' as never).select(['kind', 'recipient', 'body'] as never[]).orderBy('id' as never);
    if (kind) q = q.where('kind' as never, '=', kind as never);
    return (await q.execute()) as unknown as Array<{ kind: string; recipient: string; body: string }>;
  };
  const linkIn = (body: string, path: string) => {
    const match = new RegExp(`${PUBLIC.replace(/\./g, '\\.')}(${path.replace(/\//g, '\\/')}\\?jeton=[\\w%-]+)`).exec(body);
    expect(match, body).not.toBeNull();
    return match![1]!;
  };

  beforeAll(async () => {
    store = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    gw = await startAgendaGateway(store, () => clock, { mail: { publicUrl: PUBLIC, smtpConfigured: false }, web: { publicUrl: PUBLIC } });
  });
  afterAll(async () => {
    await gw?.close();
    await store?.close();
  });

  it('lists upcoming public sessions with filters and page numbers, and past ones with their minutes', async () => {
    for (let i = 0; i < 12; i++) await create({ title: `Session lyonnaise ${i + 1}`, startsAt: `2026-04-${String(i + 1).padStart(2, '0')}T14:00`, endsAt: `2026-04-${String(i + 1).padStart(2, '0')}T16:00` });
    await create({ title: 'Atelier en ligne', moduleSlug: 'bienvenue', address: null, onlineUrl: 'https://visio.exemple.org/a', startsAt: '2026-05-02T10:00', endsAt: '2026-05-02T12:00' });
    await create({ title: 'Atelier nantais', address: '12 quai des Antilles, 44200 Nantes', startsAt: '2026-05-03T10:00', endsAt: '2026-05-03T12:00' });
    await create({ title: 'Réunion interne', isPublic: false, startsAt: '2026-05-04T10:00', endsAt: '2026-05-04T12:00' });
    const past = await create({ title: 'Atelier de février', startsAt: '2026-02-10T14:00', endsAt: '2026-02-10T17:00' });
    await gw.agenda.attachMinutes(past.id, 'Comptes rendus/Atelier de février');
    await create({ title: HOSTILE, startsAt: '2026-05-05T10:00', endsAt: '2026-05-05T12:00' });

    const visitor = new WebClient(gw.base);
    const first = await visitor.get('/agenda');
    expect(first.status).toBe(200);
    expect(first.text).toContain('<html lang="fr">');
    expect(first.text).not.toContain('Réunion interne');
    expect(first.text).toContain('15 sessions à venir ; page 1 sur 2.');
    expect(first.text).toContain('href="/agenda?page=2"');
    expect(first.text).toContain('href="http://wiki.test/index.php?title=Comptes_rendus%2FAtelier_de_f%C3%A9vrier"');
    expect(first.text).not.toContain('<script>');
    const second = await visitor.get('/agenda?page=2');
    expect(second.text).toMatch(ESCAPED);
    expect(second.text).toContain('<span aria-current="page">2</span>');

    const nantes = await visitor.get('/agenda?departement=44');
    expect(nantes.text).toContain('Atelier nantais');
    expect(nantes.text).toContain('1 session à venir.');
    expect(nantes.text).toContain('<option value="69">69 (Lyon)</option>');
    const online = await visitor.get('/agenda?enligne=oui');
    expect(online.text).toContain('Atelier en ligne');
    expect(online.text).toContain('1 session à venir.');
    expect((await visitor.get('/agenda?departement=aucun')).text).toContain('Atelier en ligne');
    const byModule = await visitor.get('/agenda?module=bienvenue');
    expect(byModule.text).toContain('1 session à venir.');
    expect((await visitor.get('/agenda?enligne=non&departement=69')).text).toContain('13 sessions à venir ; page 1 sur 2.');
  });

  it('shows a session in its zone with module, map, feed and form; 404 for unknown and private ones; cancelled and past ones say so', async () => {
    const visitor = new WebClient(gw.base);
    const session = await create({ title: HOSTILE, latitude: 45.7748, longitude: 4.8271, timeZone: 'America/Montreal', description: 'Premier paragraphe.\n\nSecond paragraphe.' });
    const page = await visitor.get(`/agenda/sessions/${session.id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('<script>alert');
    expect(page.text).toMatch(new RegExp(`${ESCAPED.source} — Pollen</title>`));
    expect(page.text).toContain('href="/parcours/gouvernance"');
    expect(page.text).toContain('(heure America/Montreal)');
    expect(page.text).toContain('https://www.openstreetmap.org/?mlat=45.7748&amp;mlon=4.8271');
    expect(page.text).toContain(`href="/agenda/sessions/${session.id}.ics"`);
    expect(page.text).toContain('2 places restantes');
    expect(page.text).toContain(`action="/agenda/sessions/${session.id}/inscription"`);
    expect(page.text).toContain('<p>Second paragraphe.</p>');

    expect((await visitor.get('/agenda/sessions/999999')).status).toBe(404);
    const hidden = await create({ title: 'Réunion privée', isPublic: false });
    const notShown = await visitor.get(`/agenda/sessions/${hidden.id}`);
    expect(notShown.status).toBe(404);
    expect(notShown.text).not.toContain('Réunion privée');
    expect((await visitor.get(`/agenda/sessions/${session.id}.ics`)).text).toContain('BEGIN:VCALENDAR');

    const cancelled = await create({ title: 'Atelier annulé' });
    await gw.agenda.cancelSession(cancelled.id);
    const gone = await visitor.get(`/agenda/sessions/${cancelled.id}`);
    expect(gone.text).toContain('Cette session est annulée');
    expect(gone.text).not.toContain('/inscription"');
    const past = await create({ title: 'Atelier passé', startsAt: '2026-02-10T14:00', endsAt: '2026-02-10T17:00' });
    const held = await visitor.get(`/agenda/sessions/${past.id}`);
    expect(held.text).toContain('Cette session a déjà eu lieu');
    expect(held.text).not.toContain('/inscription"');
    expect(held.text).toContain('Compte rendu à venir.');
  });

  it('registers a visitor only once they confirm from the mailed link: GET shows a button, POST takes the seat', async () => {
    const session = await create({ title: 'Atelier à confirmer', capacity: 1 });
    const visitor = new WebClient(gw.base);
    await visitor.get(`/agenda/sessions/${session.id}`);
    const asked = await visitor.submit(`/agenda/sessions/${session.id}/inscription`, { name: 'Nadia Benali', email: 'Nadia@Exemple.org', consent: 'oui' });
    expect(asked.posted.status).toBe(303);
    expect(asked.text).toContain('Presque fini : un e-mail vient d’être envoyé');
    expect((await gw.agenda.counts([session.id])).get(session.id)).toEqual({ confirmed: 0, waiting: 0, present: 0 });
    const [mail] = (await mails('agenda.confirm')).filter((m) => m.recipient === 'nadia@exemple.org');
    expect(mail!.body).toContain(`Page de la session : ${PUBLIC}/agenda/sessions/${session.id}`);
    expect(mail!.body).toContain('valable 48 heures');
    const confirm = linkIn(mail!.body, '/agenda/inscription/confirmer');
    expect(linkIn(mail!.body, '/agenda/desinscription')).toBe(confirm.replace('/agenda/inscription/confirmer', '/agenda/desinscription'));

    // A mail scanner opening the link twice changes nothing.
    const scanner = new WebClient(gw.base);
    for (let i = 0; i < 2; i++) expect((await scanner.get(confirm)).text).toContain('Confirmer mon inscription');
    expect((await gw.agenda.counts([session.id])).get(session.id)?.confirmed).toBe(0);

    const opened = new WebClient(gw.base);
    await opened.get(confirm);
    const done = await opened.submit('/agenda/inscription/confirmer', { jeton: decodeURIComponent(confirm.split('jeton=')[1]!) });
    expect(done.posted.location).toBe(`/agenda/sessions/${session.id}`);
    expect(done.text).toContain('Votre inscription est confirmée : une place vous est réservée.');
    expect((await gw.agenda.counts([session.id])).get(session.id)?.confirmed).toBe(1);
    expect((await mails('agenda.registered')).filter((m) => m.recipient === 'nadia@exemple.org')).toHaveLength(1);
    // Confirmed twice: said, nothing more.
    expect((await opened.submit('/agenda/inscription/confirmer', { jeton: decodeURIComponent(confirm.split('jeton=')[1]!) })).text).toContain('déjà confirmée');
    expect((await mails('agenda.registered')).filter((m) => m.recipient === 'nadia@exemple.org')).toHaveLength(1);
    expect((await opened.get(`/agenda/sessions/${session.id}`)).text).toContain('Complet : liste d’attente (personne pour l’instant)');
  });

  it('refuses a form next to its field with what was typed, the first refused field focused; a second time with the same address is refused with no second mail', async () => {
    const session = await create({ title: 'Atelier des refus' });
    const visitor = new WebClient(gw.base);
    await visitor.get(`/agenda/sessions/${session.id}`);
    const refused = await visitor.submit(`/agenda/sessions/${session.id}/inscription`, { name: 'Paul ~~~~ <b>', email: 'pas-une-adresse', consent: '' });
    expect(refused.text).toMatch(/value="Paul ~~~~ &lt;b(&gt;|>)"/);
    expect(refused.text).toContain('value="pas-une-adresse"');
    expect(refused.text).toMatch(/id="champ-email"[^>]*aria-invalid="true"[^>]*autofocus/);
    expect(refused.text).toContain('Erreur : Adresse e-mail invalide');
    expect(refused.text).toContain('Erreur : Cochez la case');
    expect(await mails('agenda.confirm')).not.toContainEqual(expect.objectContaining({ recipient: 'pas-une-adresse' }));

    await visitor.submit(`/agenda/sessions/${session.id}/inscription`, { name: 'Paul Girard', email: 'paul@exemple.org', consent: 'oui' });
    const again = await visitor.submit(`/agenda/sessions/${session.id}/inscription`, { name: 'Paul Girard', email: 'PAUL@exemple.org', consent: 'oui' });
    expect(again.text).toContain('Une inscription à cette session attend déjà la confirmation de cette adresse e-mail');
    expect((await mails('agenda.confirm')).filter((m) => m.recipient === 'paul@exemple.org')).toHaveLength(1);

    // Honeypot: answered as a success, nothing done.
    const robot = new WebClient(gw.base);
    await robot.get(`/agenda/sessions/${session.id}`);
    expect((await robot.submit(`/agenda/sessions/${session.id}/inscription`, { name: 'Robot', email: 'robot@exemple.org', consent: 'oui', site_web: 'http://spam.example' })).text).toContain('Presque fini');
    expect((await mails()).filter((m) => m.recipient === 'robot@exemple.org')).toHaveLength(0);
    // No form token: 403, nothing done.
    const forged = await fetch(`${gw.base}/agenda/sessions/${session.id}/inscription`, { method: 'POST', headers: { origin: gw.base, 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=X&email=x%40exemple.org&consent=oui' });
    expect(forged.status).toBe(403);
    expect((await mails()).filter((m) => m.recipient === 'x@exemple.org')).toHaveLength(0);
  });

  it('makes one request and one mail of twenty identical forms sent at once, and limits sends per address', async () => {
    const session = await create({ title: 'Atelier pris d’assaut' });
    const visitor = new WebClient(gw.base);
    await visitor.get(`/agenda/sessions/${session.id}`);
    const answers = await Promise.all(Array.from({ length: 20 }, () => visitor.post(`/agenda/sessions/${session.id}/inscription`, { name: 'Inès Garnier', email: 'ines@exemple.org', consent: 'oui' })));
    expect(answers.every((a) => a.status === 303)).toBe(true);
    expect((await mails('agenda.confirm')).filter((m) => m.recipient === 'ines@exemple.org')).toHaveLength(1);
    const rows = await store.db.selectFrom('agenda_pending_registrations' as never).selectAll().where('session_id' as never, '=', session.id as never).execute();
    expect(rows).toHaveLength(1);
    // The same address (this test's connection) has used its sends for the hour: refused, said next to the field.
    const more = await visitor.submit(`/agenda/sessions/${session.id}/inscription`, { name: 'Autre', email: 'autre@exemple.org', consent: 'oui' });
    expect(more.text).toContain('Trop d’envois de ce formulaire');
    expect(more.text).toContain('value="autre@exemple.org"');
  });

  it('lets an unconfirmed request expire without holding or freeing anything', async () => {
    const session = await create({ title: 'Atelier qui expire', capacity: 1 });
    const { token } = await gw.agenda.registerVisitor(session.id, { name: 'Lent', email: 'lent@exemple.org' });
    await registerConfirmed(gw.agenda, session.id, { name: 'Rapide', email: 'rapide@exemple.org' });
    const saved = clock;
    clock = new Date(clock.getTime() + 49 * 3_600_000);
    try {
      const late = new WebClient(gw.base);
      expect((await late.get(`/agenda/inscription/confirmer?jeton=${token}`)).status).toBe(410);
      await late.get(`/agenda/sessions/${session.id}`);
      const refused = await late.post('/agenda/inscription/confirmer', { jeton: token });
      expect(refused.status).toBe(410);
      expect(refused.text).toContain('expiré');
      expect((await gw.agenda.counts([session.id])).get(session.id)).toEqual({ confirmed: 1, waiting: 0, present: 0 });
      expect(await gw.agenda.expirePending()).toBeGreaterThanOrEqual(1);
      // The address may ask again.
      expect((await gw.agenda.registerVisitor(session.id, { name: 'Lent', email: 'lent@exemple.org' })).pending.name).toBe('Lent');
    } finally {
      clock = saved;
    }
  });

  it('registers a signed-in learner in one click, shows their registration and cancels it, giving the seat to the first waiting', async () => {
    const session = await create({ title: 'Atelier des apprenant·es', capacity: 1 });
    const token = await gw.learner('alice', 'Alice Martin');
    const learner = new WebClient(gw.base);
    learner.setCookie('pollen_session', token);
    const page = await learner.get(`/agenda/sessions/${session.id}`);
    expect(page.text).toContain('Votre compte suffit');
    expect(page.text).not.toContain('name="email"');
    const registered = await learner.submit(`/agenda/sessions/${session.id}/inscription`, {});
    expect(registered.text).toContain('Vous êtes inscrit·e : une place vous est réservée.');
    expect(registered.text).toContain('Annuler mon inscription');
    const waiting = await registerConfirmed(gw.agenda, session.id, { name: 'Béa', email: 'bea@exemple.org' });
    expect(waiting.registration.status).toBe('waiting');
    const cancelled = await learner.submit(`/agenda/sessions/${session.id}/inscription/annuler`, {});
    expect(cancelled.text).toContain('Votre inscription est annulée.');
    expect((await gw.agenda.byToken(waiting.token))?.registration.status).toBe('confirmed');
    expect((await mails('agenda.promoted')).filter((m) => m.recipient === 'bea@exemple.org')).toHaveLength(1);
  });

  it('cancels from the mailed link: GET shows, POST cancels and the waiting list moves; an unconfirmed request is withdrawn', async () => {
    const session = await create({ title: 'Atelier des désistements', capacity: 1 });
    const first = await registerConfirmed(gw.agenda, session.id, { name: 'Chloé', email: 'chloe@exemple.org' });
    const second = await registerConfirmed(gw.agenda, session.id, { name: 'David', email: 'david@exemple.org' });
    const person = new WebClient(gw.base);
    const shown = await person.get(`/agenda/desinscription?jeton=${first.token}`);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('Confirmer l’annulation');
    expect((await gw.agenda.byToken(first.token))?.registration.status).toBe('confirmed');
    const done = await person.submit('/agenda/desinscription', { jeton: first.token });
    expect(done.text).toContain('votre inscription est annulée');
    expect((await gw.agenda.byToken(second.token))?.registration.status).toBe('confirmed');
    expect((await person.get(`/agenda/desinscription?jeton=${first.token}`)).status).toBe(410);
    expect((await person.get('/agenda/desinscription?jeton=inconnu-0123456789')).status).toBe(404);

    const { token } = await gw.agenda.registerVisitor(session.id, { name: 'Emma', email: 'emma@exemple.org' });
    expect((await person.get(`/agenda/desinscription?jeton=${token}`)).text).toContain('Retirer votre demande');
    expect((await person.submit('/agenda/desinscription', { jeton: token })).text).toContain('Votre demande d’inscription est retirée');
    expect(await gw.agenda.pendingByToken(token)).toBeUndefined();
  });
});
