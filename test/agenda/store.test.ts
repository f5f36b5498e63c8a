import { afterEach, expect, it } from 'vitest';
import { AgendaError } from '../../src/agenda/errors.js';
import type { StoreDb } from '../../src/store/database.js';
import { runMigrations } from '../../src/store/migrations.js';
import { agendaMigrations } from '../../src/agenda/migrations.js';
import { describeEachStore } from '../support/postgres.js';
import { agendaOn, openTwin, registerConfirmed, sessionInput } from './fixtures.js';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'no error';
  } catch (err) {
    return err instanceof AgendaError ? err.code : String(err);
  }
}

describeEachStore('agenda store', (backend) => {
  const opened: StoreDb[] = [];
  afterEach(async () => {
    await Promise.all([...new Set(opened.splice(0))].map((s) => s.close()));
  });
  async function agenda() {
    const store = await backend.open();
    opened.push(store);
    await runMigrations(store, agendaMigrations);
    return agendaOn(store);
  }

  it('stores a session with its Paris wall-clock times as UTC instants and reads it back', async () => {
    const service = await agenda();
    const { session, warnings } = await service.createSession(sessionInput({ latitude: 45.76, longitude: 4.83, description: 'Apportez un ordinateur.' }));
    expect(warnings).toEqual([]);
    expect(session).toMatchObject({
      moduleSlug: 'logiciel-libre', title: 'Atelier logiciel libre', description: 'Apportez un ordinateur.',
      startsAt: '2026-03-12T13:00:00.000Z', endsAt: '2026-03-12T16:00:00.000Z', timeZone: 'Europe/Paris',
      place: { address: '12 rue des Lilas, 69001 Lyon', latitude: 45.76, longitude: 4.83, onlineUrl: null },
      facilitators: ['Camille Martin'], capacity: 3, isPublic: true, status: 'planned', sequence: 0,
    });
    expect(session.uid).toMatch(/^[0-9a-f-]{36}@pollen$/);
    expect(await service.session(session.id)).toEqual(session);
    // Summer time: 14:00 in Paris is 12:00 UTC in July.
    const summer = await service.createSession(sessionInput({ startsAt: '2026-07-02T14:00', endsAt: '2026-07-02T16:00' }));
    expect(summer.session.startsAt).toBe('2026-07-02T12:00:00.000Z');
  });

  it('refuses bad sessions with French messages', async () => {
    const service = await agenda();
    const refusal = (overrides: Parameters<typeof sessionInput>[0]) => service.createSession(sessionInput(overrides)).then(() => 'accepted', (e: AgendaError) => `${e.code}: ${e.message}`);
    expect(await refusal({ endsAt: '2026-03-12T13:00' })).toBe('BAD_USER_INPUT: La fin de la session doit être après son début.');
    expect(await refusal({ timeZone: 'Lune/Tranquillité' })).toMatch(/^BAD_USER_INPUT: Fuseau horaire inconnu/);
    expect(await refusal({ startsAt: '2026-02-31T10:00' })).toMatch(/^BAD_USER_INPUT: Date de début illisible/);
    expect(await refusal({ address: null, onlineUrl: null })).toMatch(/^BAD_USER_INPUT: Donnez un lieu/);
    expect(await refusal({ address: null, onlineUrl: 'javascript:alert(1)' })).toMatch(/^BAD_USER_INPUT: Le lien de visioconférence/);
    expect(await refusal({ moduleSlug: 'inconnu' })).toMatch(/^BAD_USER_INPUT: Module inconnu/);
    expect(await refusal({ capacity: 0 })).toMatch(/^BAD_USER_INPUT: La capacité doit être d’au moins 1 place/);
    expect(await refusal({ title: '   ' })).toBe('BAD_USER_INPUT: Le titre est vide.');
    expect(await refusal({ latitude: 45 })).toMatch(/latitude et la longitude ensemble/);
  });

  it('warns when a facilitator is booked on overlapping sessions, without refusing', async () => {
    const service = await agenda();
    const first = await service.createSession(sessionInput());
    const second = await service.createSession(sessionInput({ title: 'Autre atelier', startsAt: '2026-03-12T16:00', endsAt: '2026-03-12T18:00', facilitators: ['Camille Martin', 'Sami Haddad'] }));
    expect(second.warnings).toEqual([`Camille Martin anime déjà « Atelier logiciel libre » (session ${first.session.id}) sur le même créneau.`]);
    const apart = await service.createSession(sessionInput({ startsAt: '2026-03-12T17:00', endsAt: '2026-03-12T18:00', facilitators: ['Sami Haddad'] }));
    expect(apart.warnings).toHaveLength(1);
    const later = await service.createSession(sessionInput({ startsAt: '2026-03-13T14:00', endsAt: '2026-03-13T17:00' }));
    expect(later.warnings).toEqual([]);
  });

  it('fills seats in order, then a waiting list promoted in order when someone cancels', async () => {
    const service = await agenda();
    const { session } = await service.createSession(sessionInput({ capacity: 2 }));
    const ana = await registerConfirmed(service, session.id, { name: 'Ana', email: 'ana@exemple.org' });
    const bob = await service.registerLearner(session.id, { id: 'local-bob', name: 'Bob' });
    const cyd = await registerConfirmed(service, session.id, { name: 'Cyd', email: 'CYD@exemple.org' });
    const dee = await registerConfirmed(service, session.id, { name: 'Dee', email: 'dee@exemple.org' });
    expect([ana, bob, cyd, dee].map((r) => [r.registration.status, r.waitingPosition])).toEqual([['confirmed', null], ['confirmed', null], ['waiting', 1], ['waiting', 2]]);
    expect(cyd.registration.email).toBe('cyd@exemple.org');

    expect(await codeOf(registerConfirmed(service, session.id, { name: 'Ana bis', email: 'Ana@Exemple.org' }))).toBe('ALREADY_REGISTERED');
    expect(await codeOf(service.registerLearner(session.id, { id: 'local-bob', name: 'Bob' }))).toBe('ALREADY_REGISTERED');

    const cancelled = await service.cancelRegistration(ana.token);
    expect(cancelled.registration.status).toBe('cancelled');
    expect(cancelled.promoted.map((r) => r.name)).toEqual(['Cyd']);
    expect((await service.counts([session.id])).get(session.id)).toEqual({ confirmed: 2, waiting: 1, present: 0 });
    // Cancelling twice is refused as the page refuses it (410 there), and changes nothing; an unknown token is refused.
    expect(await codeOf(service.cancelRegistration(ana.token))).toBe('REGISTRATION_ALREADY_CANCELLED');
    expect((await service.counts([session.id])).get(session.id)).toEqual({ confirmed: 2, waiting: 1, present: 0 });
    expect(await codeOf(service.cancelRegistration('x'.repeat(32)))).toBe('REGISTRATION_NOT_FOUND');
    // Who cancelled may come back, at the end of the line.
    const again = await registerConfirmed(service, session.id, { name: 'Ana', email: 'ana@exemple.org' });
    expect([again.registration.status, again.waitingPosition]).toEqual(['waiting', 2]);
    expect((await service.registrations(session.id)).map((r) => `${r.name}:${r.status}`)).toEqual(['Bob:confirmed', 'Cyd:confirmed', 'Dee:waiting', 'Ana:waiting']);
  });

  it('refuses a capacity below the confirmed registrations, and a larger one promotes the waiting list', async () => {
    const service = await agenda();
    const { session } = await service.createSession(sessionInput({ capacity: 2 }));
    for (const name of ['a', 'b', 'c', 'd']) await registerConfirmed(service, session.id, { name, email: `${name}@exemple.org` });
    const error = await service.updateSession(session.id, sessionInput({ capacity: 1 })).catch((e: AgendaError) => e);
    expect(error).toMatchObject({ code: 'CAPACITY_BELOW_REGISTRATIONS', message: expect.stringMatching(/^La capacité \(1\) ne peut pas être inférieure aux 2 inscriptions confirmées/) });
    const grown = await service.updateSession(session.id, sessionInput({ capacity: 3 }));
    expect(grown.promoted.map((r) => r.name)).toEqual(['c']);
    expect(grown.session.sequence).toBe(1);
    // The same fields again: nothing a calendar shows changed, SEQUENCE stays.
    expect((await service.updateSession(session.id, sessionInput({ capacity: 3 }))).session.sequence).toBe(1);
    expect((await service.updateSession(session.id, sessionInput({ capacity: 3, title: 'Nouveau titre' }))).session.sequence).toBe(2);
  });

  it('closes registration for past, cancelled and private sessions (visitors), with clear codes', async () => {
    const service = await agenda();
    const past = await service.createSession(sessionInput({ startsAt: '2026-02-12T14:00', endsAt: '2026-02-12T17:00' }));
    expect(await codeOf(registerConfirmed(service, past.session.id, { name: 'Ana', email: 'ana@exemple.org' }))).toBe('REGISTRATION_CLOSED');
    const cancelled = await service.createSession(sessionInput());
    const after = await service.cancelSession(cancelled.session.id);
    expect([after.status, after.sequence]).toEqual(['cancelled', 1]);
    expect(await codeOf(registerConfirmed(service, cancelled.session.id, { name: 'Ana', email: 'ana@exemple.org' }))).toBe('SESSION_CANCELLED');
    const hidden = await service.createSession(sessionInput({ isPublic: false }));
    expect(await codeOf(registerConfirmed(service, hidden.session.id, { name: 'Ana', email: 'ana@exemple.org' }))).toBe('SESSION_NOT_FOUND');
    expect((await service.registerLearner(hidden.session.id, { id: 'local-ana', name: 'Ana' })).registration.status).toBe('confirmed');
    expect(await codeOf(registerConfirmed(service, 9999, { name: 'Ana', email: 'ana@exemple.org' }))).toBe('SESSION_NOT_FOUND');
    expect(await codeOf(registerConfirmed(service, past.session.id, { name: 'Ana', email: 'pas-une-adresse' }))).toBe('BAD_USER_INPUT');
  });

  it('lists sessions by period and module, a page at a time, private ones only when asked', async () => {
    const service = await agenda();
    for (let day = 10; day < 20; day++) {
      await service.createSession(sessionInput({ title: `S${day}`, startsAt: `2026-03-${day}T10:00`, endsAt: `2026-03-${day}T12:00`, moduleSlug: day % 2 ? 'donnees-ouvertes' : 'logiciel-libre', isPublic: day !== 11 }));
    }
    const titles = (r: { sessions: { title: string }[] }) => r.sessions.map((s) => s.title);
    const first = await service.list({ includePrivate: false, limit: 3 });
    expect([titles(first), first.total]).toEqual([['S10', 'S12', 'S13'], 9]);
    const last = first.sessions.at(-1)!;
    expect(titles(await service.list({ includePrivate: false, limit: 3, after: { startsAt: last.startsAt, id: last.id } }))).toEqual(['S14', 'S15', 'S16']);
    expect(titles(await service.list({ includePrivate: true, limit: 3 }))).toEqual(['S10', 'S11', 'S12']);
    expect(titles(await service.list({ includePrivate: false, limit: 10, moduleSlug: 'donnees-ouvertes', from: '2026-03-14T00:00:00Z', to: '2026-03-18T00:00:00Z' }))).toEqual(['S15', 'S17']);
  });

  it('records attendance of confirmed people only, and lists past sessions still waiting for minutes', async () => {
    const service = await agenda();
    const { session } = await service.createSession(sessionInput({ capacity: 1 }));
    const bob = await service.registerLearner(session.id, { id: 'local-bob', name: 'Bob' });
    const waiting = await registerConfirmed(service, session.id, { name: 'Ana', email: 'ana@exemple.org' });
    expect((await service.markAttendance(bob.registration.id, true)).present).toBe(true);
    expect(await codeOf(service.markAttendance(waiting.registration.id, true))).toBe('REGISTRATION_NOT_FOUND');
    expect((await service.counts([session.id])).get(session.id)).toEqual({ confirmed: 1, waiting: 1, present: 1 });
    expect(await service.attendedModules('local-bob')).toEqual(['logiciel-libre']);

    const later = agendaOn(service.store.store, () => new Date('2026-04-01T00:00:00Z'));
    const cancelled = await later.createSession(sessionInput({ startsAt: '2026-03-20T10:00', endsAt: '2026-03-20T12:00' }));
    await later.cancelSession(cancelled.session.id);
    expect((await later.missingMinutes()).map((s) => s.id)).toEqual([session.id]);
    await later.attachMinutes(session.id, 'Comptes-rendus/2026-03-12 Atelier logiciel libre');
    expect(await later.missingMinutes()).toEqual([]);
    expect(await codeOf(later.attachMinutes(9999, 'x'))).toBe('SESSION_NOT_FOUND');
  });
});

describeEachStore('agenda registrations under concurrency', (backend) => {
  const opened: StoreDb[] = [];
  afterEach(async () => {
    await Promise.all([...new Set(opened.splice(0))].map((s) => s.close()));
  });

  it('gives the last seat to exactly one of parallel requests from two replicas', async () => {
    const [a, b] = await openTwin(backend);
    opened.push(a, b);
    const replicas = [agendaOn(a), agendaOn(b)];
    const { session } = await replicas[0]!.createSession(sessionInput({ capacity: 5 }));
    for (let i = 0; i < 4; i++) await registerConfirmed(replicas[0]!, session.id, { name: `P${i}`, email: `p${i}@exemple.org` });
    const burst = await Promise.all(
      Array.from({ length: 16 }, (_, i) => registerConfirmed(replicas[i % 2]!, session.id, { name: `R${i}`, email: `r${i}@exemple.org` })),
    );
    expect(burst.filter((r) => r.registration.status === 'confirmed')).toHaveLength(1);
    expect(burst.map((r) => r.waitingPosition).filter((p) => p !== null).sort((x, y) => x! - y!)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect((await replicas[1]!.counts([session.id])).get(session.id)).toEqual({ confirmed: 5, waiting: 15, present: 0 });
  });

  it('promotes exactly one waiting person when several cancel and register at once', async () => {
    const [a, b] = await openTwin(backend);
    opened.push(a, b);
    const replicas = [agendaOn(a), agendaOn(b)];
    const { session } = await replicas[0]!.createSession(sessionInput({ capacity: 3 }));
    const seated = [];
    for (let i = 0; i < 3; i++) seated.push(await registerConfirmed(replicas[0]!, session.id, { name: `S${i}`, email: `s${i}@exemple.org` }));
    for (let i = 0; i < 4; i++) await registerConfirmed(replicas[1]!, session.id, { name: `W${i}`, email: `w${i}@exemple.org` });
    await Promise.all([
      replicas[0]!.cancelRegistration(seated[0]!.token),
      replicas[1]!.cancelRegistration(seated[1]!.token),
      registerConfirmed(replicas[0]!, session.id, { name: 'Late', email: 'late@exemple.org' }),
      registerConfirmed(replicas[1]!, session.id, { name: 'Later', email: 'later@exemple.org' }),
    ]);
    const regs = await replicas[0]!.registrations(session.id);
    expect(regs.filter((r) => r.status === 'confirmed').map((r) => r.name)).toEqual(['S2', 'W0', 'W1']);
    expect(regs.filter((r) => r.status === 'waiting').map((r) => r.name).slice(0, 2)).toEqual(['W2', 'W3']);
  });
});

