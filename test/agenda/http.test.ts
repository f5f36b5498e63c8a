import ICAL from 'ical.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StoreDb } from '../../src/store/database.js';
import { describeEachStore } from '../support/postgres.js';
import { CREATE, FACILITATOR_TOKEN, REGISTER, codeOf, registerAndConfirm, startAgendaGateway, type AgendaGateway } from './support.js';

const NOW = new Date('2026-03-01T08:00:00Z');

const input = (overrides: Record<string, unknown> = {}) => ({
  moduleSlug: 'bienvenue',
  title: 'Atelier de bienvenue',
  startsAt: '2026-03-12T14:00',
  endsAt: '2026-03-12T17:00',
  address: 'Maison des associations, 3 place Bellecour, Lyon',
  facilitators: ['Camille Martin'],
  capacity: 5,
  ...overrides,
});

function eventsOf(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const tz of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(tz));
  return calendar.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
}

describeEachStore('agenda over HTTP', (backend) => {
  let store: StoreDb;
  let gw: AgendaGateway;
  let learner: string;

  beforeAll(async () => {
    store = await backend.open();
    gw = await startAgendaGateway(store, () => NOW);
    learner = await gw.learner('alice', 'Alice Martin');
  });
  afterAll(async () => {
    await gw?.close();
    await store?.close();
  });

  const create = async (overrides: Record<string, unknown> = {}) => {
    const answer = await gw.gql(CREATE, { input: input(overrides) }, FACILITATOR_TOKEN);
    expect(answer.body.errors).toBeUndefined();
    return answer.body.data!.createSession as { warnings: string[]; session: { id: number; uid: string } & Record<string, unknown> };
  };

  it('lets facilitators create sessions, never anonymous callers or learners', async () => {
    expect(codeOf(await gw.gql(CREATE, { input: input() }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await gw.gql(CREATE, { input: input() }, learner))).toBe('FORBIDDEN');
    const { session, warnings } = await create({ latitude: 45.757, longitude: 4.832 });
    expect(warnings).toEqual([]);
    expect(session).toMatchObject({
      title: 'Atelier de bienvenue', moduleSlug: 'bienvenue', module: { title: 'Module bienvenue' }, startsAt: '2026-03-12T13:00:00.000Z',
      timeZone: 'Europe/Paris', place: { latitude: 45.757, longitude: 4.832, onlineUrl: null }, public: true, status: 'PLANNED',
      sequence: 0, confirmedCount: 0, waitingCount: 0, seatsLeft: 5, icsUrl: `/agenda/sessions/${session.id}.ics`,
    });
  });

  it('refuses bad input with BAD_USER_INPUT and a French message, and warns of a facilitator booked twice', async () => {
    const bad = await gw.gql(CREATE, { input: input({ endsAt: '2026-03-12T12:00' }) }, FACILITATOR_TOKEN);
    expect(bad.body.errors?.[0]).toMatchObject({ message: 'La fin de la session doit être après son début.', extensions: { code: 'BAD_USER_INPUT', field: 'endsAt' } });
    expect(bad.text).not.toMatch(/stack|at .*\.ts/);
    const zone = await gw.gql(CREATE, { input: input({ timeZone: 'Paris' }) }, FACILITATOR_TOKEN);
    expect(zone.body.errors?.[0]?.message).toBe('Fuseau horaire inconnu : donnez un nom IANA comme « Europe/Paris ».');
    const overlap = await create({ title: 'Deuxième atelier', startsAt: '2026-03-12T15:00', endsAt: '2026-03-12T18:00' });
    expect(overlap.warnings).toHaveLength(1);
    expect(overlap.warnings[0]).toMatch(/^Camille Martin anime déjà « Atelier de bienvenue »/);
  });

  it('hides private sessions from anyone but facilitators, and pages with a cursor', async () => {
    const hidden = await create({ title: 'Réunion interne', public: false, startsAt: '2026-03-20T10:00', endsAt: '2026-03-20T11:00', facilitators: [] });
    const list = `query ($after: String) { sessions(from: "2026-03-01", first: 2, after: $after) { totalCount nodes { id title } pageInfo { hasNextPage endCursor } } }`;
    const anonymous = await gw.gql(list);
    const staff = await gw.gql(list, {}, FACILITATOR_TOKEN);
    expect(anonymous.body.data?.sessions.totalCount).toBe(staff.body.data?.sessions.totalCount - 1);
    const titles: string[] = [];
    let after: string | null = null;
    do {
      const page: Record<string, any> = (await gw.gql(list, { after }, FACILITATOR_TOKEN)).body.data!.sessions;
      titles.push(...page.nodes.map((n: { title: string }) => n.title));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(titles).toContain('Réunion interne');
    expect((await gw.gql(`{ session(id: ${hidden.session.id}) { title } }`)).body.data?.session).toBeNull();
    expect(codeOf(await gw.gql('{ sessions(after: "pas-un-curseur") { totalCount } }'))).toBe('BAD_USER_INPUT');
  });

  it('gives the last seats to exactly as many of 30 parallel HTTP requests, the rest waiting in order', async () => {
    const { session } = await create({ title: 'Atelier très demandé', capacity: 5, startsAt: '2026-04-02T14:00', endsAt: '2026-04-02T16:00', facilitators: [] });
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => registerAndConfirm(gw, { id: session.id, name: `Personne ${i}`, email: `personne${i}@exemple.org` })),
    );
    expect(answers.map((a) => a.body.errors)).toEqual(Array(30).fill(undefined));
    const results = answers.map((a) => a.body.data!.registerForSession as { waitingPosition: number | null; registration: { status: string; email: string | null } });
    expect(results.filter((r) => r.registration.status === 'CONFIRMED')).toHaveLength(5);
    expect(results.map((r) => r.waitingPosition).filter((p) => p !== null).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    // Personal data is for facilitators only, even in the registrant's own answer.
    expect(results.every((r) => r.registration.email === null)).toBe(true);
    const counts = await gw.gql(`{ session(id: ${session.id}) { confirmedCount waitingCount seatsLeft } }`);
    expect(counts.body.data?.session).toEqual({ confirmedCount: 5, waitingCount: 25, seatsLeft: 0 });
  });

  it('registers a learner from their session, refuses a second registration, cancels by token and promotes the next', async () => {
    const { session } = await create({ title: 'Petit groupe', capacity: 1, startsAt: '2026-04-03T14:00', endsAt: '2026-04-03T16:00', facilitators: [] });
    const mine = await gw.gql(REGISTER, { id: session.id }, learner);
    expect(mine.body.data?.registerForSession.registration).toMatchObject({ name: 'Alice Martin', status: 'CONFIRMED' });
    expect(codeOf(await gw.gql(REGISTER, { id: session.id }, learner))).toBe('ALREADY_REGISTERED');
    expect(codeOf(await gw.gql(REGISTER, { id: session.id }))).toBe('BAD_USER_INPUT');
    const visitor = await registerAndConfirm(gw, { id: session.id, name: 'Rémi', email: 'remi@exemple.org' });
    expect(visitor.body.data?.registerForSession).toMatchObject({ waitingPosition: 1, registration: { status: 'WAITING' } });

    const cancel = 'mutation ($t: String!) { cancelRegistration(token: $t) { status } }';
    expect((await gw.gql(cancel, { t: mine.body.data?.registerForSession.token })).body.data?.cancelRegistration.status).toBe('CANCELLED');
    // A used token says so, as the cancellation page does (410).
    const twice = await gw.gql(cancel, { t: mine.body.data?.registerForSession.token });
    expect(codeOf(twice)).toBe('REGISTRATION_ALREADY_CANCELLED');
    expect(twice.body.errors?.[0]?.message).toBe('Cette inscription est déjà annulée : vous n’avez plus rien à faire.');
    expect(codeOf(await gw.gql(cancel, { t: 'faux-jeton-0123456789' }))).toBe('REGISTRATION_NOT_FOUND');

    const regs = `{ session(id: ${session.id}) { registrations { id name email status present } } }`;
    expect(codeOf(await gw.gql(regs))).toBe('UNAUTHENTICATED');
    expect(codeOf(await gw.gql(regs, {}, learner))).toBe('FORBIDDEN');
    const seen = (await gw.gql(regs, {}, FACILITATOR_TOKEN)).body.data?.session.registrations as Array<{ id: number; name: string; email: string | null; status: string }>;
    expect(seen.map((r) => [r.name, r.email, r.status])).toEqual([['Rémi', 'remi@exemple.org', 'CONFIRMED'], ['Alice Martin', null, 'CANCELLED']]);

    const mark = 'mutation ($id: Int!) { markAttendance(registrationId: $id, present: true) { present } }';
    expect(codeOf(await gw.gql(mark, { id: seen[0]!.id }, learner))).toBe('FORBIDDEN');
    expect((await gw.gql(mark, { id: seen[0]!.id }, FACILITATOR_TOKEN)).body.data?.markAttendance.present).toBe(true);
  });

  it('keeps a visitor PENDING, holding nothing, until they confirm with the mailed token; places go in order of confirmation', async () => {
    const { session } = await create({ title: 'Double confirmation', capacity: 1, startsAt: '2026-04-04T14:00', endsAt: '2026-04-04T16:00', facilitators: [] });
    const first = await gw.gql(REGISTER, { id: session.id, name: 'Premier inscrit', email: 'premier@exemple.org' });
    const second = await gw.gql(REGISTER, { id: session.id, name: 'Seconde inscrite', email: 'seconde@exemple.org' });
    expect(first.body.data?.registerForSession).toMatchObject({ waitingPosition: null, registration: { status: 'PENDING', email: null } });
    const counts = `{ session(id: ${session.id}) { confirmedCount waitingCount seatsLeft } }`;
    expect((await gw.gql(counts)).body.data?.session).toEqual({ confirmedCount: 0, waitingCount: 0, seatsLeft: 1 });
    expect(codeOf(await gw.gql(REGISTER, { id: session.id, name: 'Premier inscrit', email: 'PREMIER@exemple.org' }))).toBe('ALREADY_PENDING');
    // The second confirms first: she gets the seat, he the waiting list.
    const confirm = 'mutation ($t: String!) { confirmRegistration(token: $t) { waitingPosition registration { status } } }';
    expect((await gw.gql(confirm, { t: second.body.data?.registerForSession.token })).body.data?.confirmRegistration).toEqual({ waitingPosition: null, registration: { status: 'CONFIRMED' } });
    expect((await gw.gql(confirm, { t: first.body.data?.registerForSession.token })).body.data?.confirmRegistration).toEqual({ waitingPosition: 1, registration: { status: 'WAITING' } });
    // Confirming again answers the same, and changes nothing.
    expect((await gw.gql(confirm, { t: first.body.data?.registerForSession.token })).body.data?.confirmRegistration).toEqual({ waitingPosition: 1, registration: { status: 'WAITING' } });
    expect((await gw.gql(counts)).body.data?.session).toEqual({ confirmedCount: 1, waitingCount: 1, seatsLeft: 0 });
    expect(codeOf(await gw.gql(confirm, { t: 'faux-jeton-0123456789' }))).toBe('REGISTRATION_NOT_FOUND');
    // An unconfirmed request withdrawn with its token frees nothing it never held.
    const third = await gw.gql(REGISTER, { id: session.id, name: 'Troisième', email: 'troisieme@exemple.org' });
    const withdraw = await gw.gql('mutation ($t: String!) { cancelRegistration(token: $t) { status } }', { t: third.body.data?.registerForSession.token });
    expect(withdraw.body.data?.cancelRegistration.status).toBe('CANCELLED');
    expect((await gw.gql(counts)).body.data?.session).toEqual({ confirmedCount: 1, waitingCount: 1, seatsLeft: 0 });
  });

  it('closes registration to past and cancelled sessions, and refuses a capacity below the seats taken', async () => {
    const past = await create({ title: 'Passée', startsAt: '2026-02-10T14:00', endsAt: '2026-02-10T16:00', facilitators: [] });
    const late = await registerAndConfirm(gw, { id: past.session.id, name: 'Rémi', email: 'remi@exemple.org' });
    expect(late.body.errors?.[0]).toMatchObject({ message: 'Les inscriptions sont closes : cette session a déjà commencé ou a eu lieu.', extensions: { code: 'REGISTRATION_CLOSED' } });

    const { session } = await create({ title: 'À annuler', capacity: 2, startsAt: '2026-04-04T14:00', endsAt: '2026-04-04T16:00', facilitators: [] });
    await registerAndConfirm(gw, { id: session.id, name: 'A', email: 'a@exemple.org' });
    await registerAndConfirm(gw, { id: session.id, name: 'B', email: 'b@exemple.org' });
    const shrink = await gw.gql('mutation ($id: Int!, $input: SessionInput!) { updateSession(id: $id, input: $input) { session { capacity } } }', { id: session.id, input: input({ title: 'À annuler', capacity: 1, startsAt: '2026-04-04T14:00', endsAt: '2026-04-04T16:00', facilitators: [] }) }, FACILITATOR_TOKEN);
    expect(codeOf(shrink)).toBe('CAPACITY_BELOW_REGISTRATIONS');
    expect(codeOf(await gw.gql(`mutation { cancelSession(id: ${session.id}) { status } }`, {}, learner))).toBe('FORBIDDEN');
    const cancelled = await gw.gql(`mutation { cancelSession(id: ${session.id}) { status sequence } }`, {}, FACILITATOR_TOKEN);
    expect(cancelled.body.data?.cancelSession).toEqual({ status: 'CANCELLED', sequence: 1 });
    expect(codeOf(await registerAndConfirm(gw, { id: session.id, name: 'C', email: 'c@exemple.org' }))).toBe('SESSION_CANCELLED');
  });

  it('serves /agenda.ics, per-module and per-session feeds that ical.js reads: public sessions only, cancelled ones kept as CANCELLED', async () => {
    const response = await fetch(`${gw.base}/agenda.ics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const events = eventsOf(await response.text());
    const titles = events.map((e) => e.summary);
    expect(titles).toContain('Atelier de bienvenue');
    expect(titles).not.toContain('Réunion interne');
    const cancelled = events.find((e) => e.summary === 'À annuler');
    expect([cancelled?.component.getFirstPropertyValue('status'), cancelled?.sequence]).toEqual(['CANCELLED', 1]);
    const first = events.find((e) => e.summary === 'Atelier de bienvenue');
    expect(first?.component.getFirstPropertyValue('url')).toBe('http://wiki.test/index.php/Agenda');
    expect(first?.component.getFirstPropertyValue('geo')).toEqual([45.757, 4.832]);

    await create({ moduleSlug: 'gouvernance', title: 'Gouvernance partagée', startsAt: '2026-05-05T10:00', endsAt: '2026-05-05T12:00', facilitators: [] });
    const perModule = eventsOf(await (await fetch(`${gw.base}/agenda/modules/gouvernance.ics`)).text());
    expect(perModule.map((e) => e.summary)).toEqual(['Gouvernance partagée']);
    expect((await fetch(`${gw.base}/agenda/modules/inconnu.ics`)).status).toBe(404);

    const firstId = (await gw.gql('{ sessions(from: "2026-03-01", first: 1) { nodes { id } } }')).body.data?.sessions.nodes[0].id;
    const one = await fetch(`${gw.base}/agenda/sessions/${firstId}.ics`);
    expect(eventsOf(await one.text()).map((e) => e.uid)).toEqual([first?.uid]);
    expect((await fetch(`${gw.base}/agenda/sessions/99999.ics`)).status).toBe(404);
  });
});
