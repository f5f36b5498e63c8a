/**
 * Visitors' e-mails, end to end: registrations over HTTP (GraphQL), the outbox in the store (both
 * backends), the sender job over a real SMTP server on a loopback port (smtp-server, with a
 * password), the public cancellation page, and what happens when SMTP is down or not configured.
 */
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { simpleParser } from 'mailparser';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeConfig, loadConfig } from '../../src/config/index.js';
import { deliverDueMails, MailOutbox, SENT_RETENTION_MS, smtpSender, startMailDelivery } from '../../src/mail/index.js';
import { ALL_MIGRATIONS } from '../../src/store-schema.js';
import type { StoreDb } from '../../src/store/database.js';
import { runMigrations } from '../../src/store/migrations.js';
import { describeEachStore } from '../support/postgres.js';
import { WebClient } from './web-client.js';
import { FACILITATOR_TOKEN, REGISTER, registerAndConfirm, startAgendaGateway, type AgendaGateway } from './support.js';

const NOW = new Date('2026-03-01T08:00:00Z');
const PUBLIC = 'https://pollen.example.org';
const SMTP_USER = 'pollen-robot';
const SMTP_PASSWORD = 'Sm7p-p4ss/w0rd!';
const FROM = 'Pollen <agenda@pollen.example.org>';

/**
 * Visitors first get a mail to confirm their registration (double opt-in; its links are followed in
 * test/agenda/pages.test.ts and the browser spec). This spec is about the mails that follow (seat,
 * waiting list, changes, cancellation, delivery): the confirmation mails are taken out of the
 * outbox once the person has confirmed. Returns how many were taken out.
 */
async function dropConfirmationMails(store: StoreDb): Promise<number> {
  const result = await store.db.deleteFrom('mail_outbox' as never).where('kind' as never, '=', 'agenda.confirm' as never).executeTakeFirst();
  return Number(result.numDeletedRows);
}

interface Received { to: string; from: string; subject: string; text: string }

/** A real SMTP server on a loopback port that wants SMTP_USER / SMTP_PASSWORD, keeping what it receives. */
async function startSmtp(port = 0): Promise<{ port: number; inbox: Received[]; close(): Promise<void> }> {
  const inbox: Received[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) return callback(null, { user: auth.username });
      callback(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('refuse@')) return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? '');
          inbox.push({ to, from: mail.from?.text ?? '', subject: mail.subject ?? '', text: mail.text ?? '' });
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.server.address() as AddressInfo;
  return { port: address.port, inbox, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Everything the job logs, as text. */
function capturingLogger() {
  let text = '';
  const stream = new Writable({ write(chunk: Buffer, _enc, done) { text += chunk.toString(); done(); } });
  return { logger: pino({ level: 'debug' }, stream), text: () => text };
}

const smtpUrl = (port: number, password = SMTP_PASSWORD) => `smtp://${SMTP_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;

describeEachStore('e-mails to visitors', (backend) => {
  let store: StoreDb;
  let gw: AgendaGateway;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let cookie = '';
  const log = capturingLogger();
  let job: ReturnType<typeof startMailDelivery>;
  const tokens: Record<string, string> = {};

  const register = async (id: number, name: string, email: string) => {
    const answer = await registerAndConfirm(gw, { id, name, email });
    expect(answer.body.errors).toBeUndefined();
    await dropConfirmationMails(store);
    return answer.body.data!.registerForSession as { token: string; waitingPosition: number | null; registration: { id: number; status: string } };
  };
  const deliver = async () => {
    expect(await job!.tick()).toBe(true);
  };
  const dashboard = async () => (await fetch(`${gw.base}/dashboard/agenda`, { headers: { cookie } })).text();

  beforeAll(async () => {
    store = await backend.open();
    await runMigrations(store, ALL_MIGRATIONS);
    gw = await startAgendaGateway(store, () => NOW, { mail: { publicUrl: PUBLIC, smtpConfigured: true } });
    smtp = await startSmtp();
    job = startMailDelivery({ store, smtpUrl: smtpUrl(smtp.port), from: FROM, logger: log.logger, start: false });
    const signIn = await fetch(`${gw.base}/dashboard/connexion`, {
      method: 'POST', redirect: 'manual', headers: { origin: gw.base, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: FACILITATOR_TOKEN }),
    });
    cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  });
  afterAll(async () => {
    job?.stop();
    await smtp?.close();
    await gw?.close();
    await store?.close();
  });

  let atelier = 0;

  it('mails a confirmed seat and a waiting-list place in French: date in Paris time, place, cancellation link', async () => {
    atelier = (await gw.agenda.createSession({ moduleSlug: 'gouvernance', title: 'Atelier gouvernance partagée', startsAt: '2026-03-12T14:00', endsAt: '2026-03-12T17:00', address: 'Maison des associations, 12 rue des Lilas, Lyon', facilitators: ['Camille Martin'], capacity: 1 })).session.id;
    const first = await register(atelier, 'Alice Dupont', 'alice@exemple.org');
    const second = await register(atelier, 'Bruno Petit', 'bruno@exemple.org');
    expect([first.registration.status, second.registration.status, second.waitingPosition]).toEqual(['CONFIRMED', 'WAITING', 1]);
    tokens.alice = first.token;
    tokens.bruno = second.token;
    expect(smtp.inbox).toEqual([]); // queued, not sent inline
    await deliver();
    expect(smtp.inbox.map((m) => [m.to, m.subject])).toEqual([
      ['alice@exemple.org', 'Inscription confirmée : Atelier gouvernance partagée, 12 mars 2026'],
      ['bruno@exemple.org', 'Liste d’attente (position 1) : Atelier gouvernance partagée, 12 mars 2026'],
    ]);
    const [alice, bruno] = smtp.inbox;
    expect(alice!.from).toBe('"Pollen" <agenda@pollen.example.org>');
    expect(alice!.text).toContain('Bonjour Alice Dupont,');
    expect(alice!.text).toContain('Votre inscription à « Atelier gouvernance partagée » est confirmée');
    // 14:00 in Paris (13:00 UTC), as people read it.
    expect(alice!.text).toContain('Quand : jeudi 12 mars 2026, 14:00 – 17:00');
    expect(alice!.text).toContain('Où : Maison des associations, 12 rue des Lilas, Lyon');
    expect(alice!.text).toContain(`${PUBLIC}/agenda/desinscription?jeton=${first.token}`);
    expect(alice!.text).toContain(`${PUBLIC}/agenda/sessions/${atelier}.ics`);
    expect(bruno!.text).toContain('vous êtes inscrit·e sur la liste d’attente, en position 1');
    expect(bruno!.text).toContain(`${PUBLIC}/agenda/desinscription?jeton=${second.token}`);
    expect((await new MailOutbox(store).status())).toEqual({ pending: 0, failed: 0, lastError: null });
    // Once sent, the outbox keeps who and when, not the text with its cancellation token.
    const sent = await new MailOutbox(store).list(2);
    expect(sent.map((m) => [m.state, m.text])).toEqual([['sent', ''], ['sent', '']]);
    expect(JSON.stringify(sent)).not.toContain(first.token);
    // A second tick has nothing left to send, and another replica's job skips the interval: each mail goes once.
    await deliver();
    const replica = startMailDelivery({ store, smtpUrl: smtpUrl(smtp.port), from: FROM, logger: log.logger, start: false, lease: { holder: 'replica-b' } });
    expect(await replica!.tick()).toBe(false);
    replica!.stop();
    expect(smtp.inbox).toHaveLength(2);
  });

  it('the cancellation page shows the session without changing anything; confirming cancels, promotes the next person and mails them', async () => {
    const link = `${gw.base}/agenda/desinscription?jeton=${encodeURIComponent(tokens.alice!)}`;
    const shown = await fetch(link);
    expect(shown.status).toBe(200);
    const html = await shown.text();
    expect(html).toContain('Annuler votre inscription');
    expect(html).toContain('Atelier gouvernance partagée</a>');
    expect(html).toContain('jeudi 12 mars 2026, 14:00 – 17:00');
    expect(html).toContain('Confirmer l’annulation');
    // A mail scanner following the link twice changes nothing.
    await fetch(link);
    expect((await gw.agenda.registrations(atelier)).map((r) => [r.name, r.status])).toEqual([['Alice Dupont', 'confirmed'], ['Bruno Petit', 'waiting']]);

    // The page's form (CSRF token of this browser, same origin), then post/redirect/get to the session's page.
    const browser = new WebClient(gw.base);
    await browser.get(link.replace(gw.base, ''));
    const confirmed = await browser.submit('/agenda/desinscription', { jeton: tokens.alice! });
    expect(confirmed.posted.status).toBe(303);
    expect(confirmed.text).toContain('votre inscription est annulée');
    expect((await gw.agenda.registrations(atelier)).map((r) => [r.name, r.status])).toEqual([['Bruno Petit', 'confirmed'], ['Alice Dupont', 'cancelled']]);
    await deliver();
    expect(smtp.inbox.slice(2).map((m) => [m.to, m.subject])).toEqual([['bruno@exemple.org', 'Une place s’est libérée : Atelier gouvernance partagée, 12 mars 2026']]);
    expect(smtp.inbox[2]!.text).toContain('vous quittez la liste d’attente, votre inscription est confirmée');

    const again = await fetch(link);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('Cette inscription est déjà annulée');
    const unknown = await fetch(`${gw.base}/agenda/desinscription?jeton=ceci-n-est-pas-un-jeton-valide`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Ce lien d’annulation ne correspond à aucune inscription');
    const posted = await browser.post('/agenda/desinscription', { jeton: '' });
    expect(posted.status).toBe(404);
    // Without this browser's form token: refused, nothing done.
    expect((await fetch(`${gw.base}/agenda/desinscription`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ jeton: tokens.bruno! }) })).status).toBe(403);
  });

  it('tells the people registered when the session moves (day, hours or place), not when only its title changes', async () => {
    const input = { moduleSlug: 'gouvernance', title: 'Atelier gouvernance partagée', startsAt: '2026-03-13T09:30', endsAt: '2026-03-13T12:30', address: 'Tiers-lieu La Ruche, Lyon', facilitators: ['Camille Martin'], capacity: 1 };
    const before = smtp.inbox.length;
    await gw.agenda.updateSession(atelier, input);
    await deliver();
    expect(smtp.inbox.slice(before).map((m) => [m.to, m.subject])).toEqual([['bruno@exemple.org', 'Session modifiée : Atelier gouvernance partagée, 13 mars 2026']]);
    const moved = smtp.inbox.at(-1)!.text;
    expect(moved).toContain('elle était prévue jeudi 12 mars 2026, 14:00 – 17:00 (Maison des associations, 12 rue des Lilas, Lyon)');
    expect(moved).toContain('Quand : vendredi 13 mars 2026, 09:30 – 12:30');
    expect(moved).toContain('Où : Tiers-lieu La Ruche, Lyon');
    await gw.agenda.updateSession(atelier, { ...input, title: 'Atelier gouvernance partagée (2e édition)' });
    await deliver();
    expect(smtp.inbox).toHaveLength(before + 1);
  });

  it('mails everyone registered when a session is cancelled, seat or waiting list', async () => {
    const id = (await gw.agenda.createSession({ title: 'Permanence numérique', startsAt: '2026-03-20T18:00', endsAt: '2026-03-20T19:30', onlineUrl: 'https://visio.exemple.org/permanence', capacity: 1 })).session.id;
    await register(id, 'Chloé Martin', 'chloe@exemple.org');
    await register(id, 'David Leroy', 'david@exemple.org');
    await deliver();
    const before = smtp.inbox.length;
    expect(smtp.inbox.at(-2)!.text).toContain('En ligne : https://visio.exemple.org/permanence');
    await gw.agenda.cancelSession(id);
    await deliver();
    expect(smtp.inbox.slice(before).map((m) => [m.to, m.subject])).toEqual([
      ['chloe@exemple.org', 'Session annulée : Permanence numérique, 20 mars 2026'],
      ['david@exemple.org', 'Session annulée : Permanence numérique, 20 mars 2026'],
    ]);
    expect(smtp.inbox.at(-1)!.text).toContain('prévue vendredi 20 mars 2026, 18:00 – 19:30 est annulée');
  });

  it('keeps mails in the outbox with their reason while SMTP is down, says so on the dashboard, and sends them once it is back', async () => {
    const port = smtp.port;
    await smtp.close();
    const id = (await gw.agenda.createSession({ title: 'Atelier réparation', startsAt: '2026-03-25T14:00', endsAt: '2026-03-25T16:00', address: 'Repair café, Lyon', capacity: 5 })).session.id;
    const emma = await register(id, 'Emma Roux', 'emma@exemple.org');
    const outbox = new MailOutbox(store);
    const sender = smtpSender(smtpUrl(port), FROM);
    const t0 = new Date();
    const down = await deliverDueMails(outbox, sender, smtpUrl(port), { now: () => t0 });
    expect(down).toEqual({ sent: 0, failed: 1 });
    const [waiting] = await outbox.list(1);
    expect(waiting).toMatchObject({ to: 'emma@exemple.org', state: 'pending', attempts: 1 });
    expect(waiting!.lastError).toMatch(/^Le serveur d’envoi \(SMTP\) a refusé ou n’a pas répondu : .*ECONNREFUSED/);
    expect(Date.parse(waiting!.nextAttemptAt)).toBe(t0.getTime() + 60_000); // 1 minute, then 2, 4 …
    const page = await dashboard();
    expect(page).toContain('1 e-mail aux personnes inscrites attend d’être envoyé : le dernier essai a échoué');
    expect(page).toContain('ECONNREFUSED');
    // Not due yet: no second attempt before the backoff.
    expect(await deliverDueMails(outbox, sender, smtpUrl(port), { now: () => t0 })).toEqual({ sent: 0, failed: 0 });

    smtp = await startSmtp(port);
    const back = await deliverDueMails(outbox, sender, smtpUrl(port), { now: () => new Date(t0.getTime() + 5 * 60_000) });
    sender.close();
    expect(back).toEqual({ sent: 1, failed: 0 });
    expect(smtp.inbox.map((m) => [m.to, m.subject])).toEqual([['emma@exemple.org', 'Inscription confirmée : Atelier réparation, 25 mars 2026']]);
    expect(smtp.inbox[0]!.text).toContain(`jeton=${emma.token}`);
    expect(await dashboard()).not.toContain('E-mails en attente');
    // Sent mails are forgotten after 30 days: the one sent just now stays until then.
    const sentAt = t0.getTime() + 5 * 60_000;
    await outbox.purgeSent(new Date(sentAt + SENT_RETENTION_MS - 1000));
    expect((await outbox.list(100)).some((m) => m.to === 'emma@exemple.org')).toBe(true);
    expect(await outbox.purgeSent(new Date(sentAt + SENT_RETENTION_MS + 1000))).toBeGreaterThanOrEqual(1);
    expect((await outbox.list(100)).some((m) => m.to === 'emma@exemple.org')).toBe(false);
  });

  it('gives up at once on an address the server refuses, and after 12 tries on a server that never answers, keeping the reason', async () => {
    const id = (await gw.agenda.createSession({ title: 'Atelier refusé', startsAt: '2026-03-27T14:00', endsAt: '2026-03-27T16:00', address: 'Lyon', capacity: 5 })).session.id;
    await register(id, 'Hugo Refus', 'refuse@exemple.org');
    const outbox = new MailOutbox(store);
    const sender = smtpSender(smtpUrl(smtp.port), FROM);
    expect(await deliverDueMails(outbox, sender, smtpUrl(smtp.port))).toEqual({ sent: 0, failed: 1 });
    sender.close();
    const [refused] = await outbox.list(1);
    expect(refused).toMatchObject({ to: 'refuse@exemple.org', state: 'failed', attempts: 1 });
    expect(refused!.lastError).toContain('550');

    await register(id, 'Inès Jamais', 'ines@exemple.org');
    const closed = await startSmtp();
    const deadPort = closed.port;
    await closed.close();
    const dead = smtpSender(smtpUrl(deadPort), FROM);
    let clock = Date.now();
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 12; attempt++) {
      expect(await deliverDueMails(outbox, dead, smtpUrl(deadPort), { now: () => new Date(clock) })).toEqual({ sent: 0, failed: 1 });
      const [mail] = await outbox.list(1);
      delays.push(Date.parse(mail!.nextAttemptAt) - clock);
      clock += 3 * 3_600_000;
    }
    dead.close();
    expect(delays.slice(0, 4)).toEqual([60_000, 120_000, 240_000, 480_000]);
    expect(Math.max(...delays)).toBe(2 * 3_600_000);
    const [spent] = await outbox.list(1);
    expect(spent).toMatchObject({ to: 'ines@exemple.org', state: 'failed', attempts: 12 });
    expect(await deliverDueMails(outbox, dead, smtpUrl(deadPort), { now: () => new Date(clock) })).toEqual({ sent: 0, failed: 0 });
    expect(await dashboard()).toContain('2 e-mails n’ont pas pu être envoyés après tous les essais.');
  });

  it('never writes the SMTP password in logs, the outbox, the dashboard or the configuration shown', async () => {
    const wrong = smtpUrl(smtp.port, 'not-the-password-42');
    const badLog = capturingLogger();
    const badJob = startMailDelivery({ store, smtpUrl: wrong, from: FROM, logger: badLog.logger, start: false });
    const id = (await gw.agenda.createSession({ title: 'Atelier sécurité', startsAt: '2026-03-26T14:00', endsAt: '2026-03-26T16:00', address: 'Lyon', capacity: 5 })).session.id;
    await register(id, 'Farid Benali', 'farid@exemple.org');
    const received = smtp.inbox.length;
    expect(await badJob!.tick()).toBe(true);
    badJob!.stop();
    expect(smtp.inbox).toHaveLength(received); // refused by the server: not sent, kept
    const [kept] = await new MailOutbox(store).list(1);
    expect(kept).toMatchObject({ to: 'farid@exemple.org', state: 'pending', attempts: 1 });
    expect(kept!.lastError).toMatch(/^Le serveur d’envoi \(SMTP\) a refusé ou n’a pas répondu : .*Invalid username or password/);
    expect(badLog.text()).toContain('Mails not sent');
    const everything = [log.text(), badLog.text(), JSON.stringify(await new MailOutbox(store).list(100)), await dashboard(),
      JSON.stringify(describeConfig(loadConfig({ POLLEN_SMTP_URL: wrong, POLLEN_MAIL_FROM: FROM })))].join('\n');
    expect(everything).toContain('Invalid username or password');
    for (const secret of [SMTP_PASSWORD, encodeURIComponent(SMTP_PASSWORD), 'not-the-password-42']) expect(everything).not.toContain(secret);
    expect(log.text()).toContain('Mails sent');
  });
});

describe('e-mails without SMTP or without a public address', () => {
  let store: StoreDb;
  let gw: AgendaGateway;

  beforeAll(async () => {
    store = await (await import('../support/postgres.js')).sqliteBackend.open();
    await runMigrations(store, ALL_MIGRATIONS);
    gw = await startAgendaGateway(store, () => NOW, { mail: { publicUrl: undefined, smtpConfigured: false } });
  });
  afterAll(async () => {
    await gw?.close();
    await store?.close();
  });

  it('keeps the mails in the outbox, says on the dashboard why they wait, and gives the token to people with no public address to link', async () => {
    const { logger } = capturingLogger();
    expect(startMailDelivery({ store, smtpUrl: undefined, from: FROM, logger })).toBeUndefined();
    const id = (await gw.agenda.createSession({ title: 'Atelier données ouvertes', startsAt: '2026-03-12T14:00', endsAt: '2026-03-12T17:00', address: 'Lyon', capacity: 5 })).session.id;
    const answer = await registerAndConfirm(gw, { id, name: 'Gaëlle Morel', email: 'gaelle@exemple.org' });
    const token = answer.body.data!.registerForSession.token as string;
    expect(await dropConfirmationMails(store)).toBe(1);
    const [mail] = await new MailOutbox(store).list(1);
    expect(mail).toMatchObject({ to: 'gaelle@exemple.org', state: 'pending', attempts: 0, subject: 'Inscription confirmée : Atelier données ouvertes, 12 mars 2026' });
    expect(mail!.text).toContain(`en lui donnant ce code d’annulation : ${token}`);
    expect(mail!.text).toContain('Contactez l’équipe d’animation');
    expect(mail!.text).not.toContain('http');

    const signIn = await fetch(`${gw.base}/dashboard/connexion`, {
      method: 'POST', redirect: 'manual', headers: { origin: gw.base, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: FACILITATOR_TOKEN }),
    });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const page = await (await fetch(`${gw.base}/dashboard/agenda`, { headers: { cookie } })).text();
    expect(page).toContain('1 e-mail aux personnes inscrites attend dans la boîte d’envoi : aucun serveur d’envoi n’est configuré (POLLEN_SMTP_URL).');
  });
});
