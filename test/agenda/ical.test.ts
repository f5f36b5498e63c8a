import ICAL from 'ical.js';
import { afterEach, describe, expect, it } from 'vitest';
import { escapeText, foldLine, renderCalendar } from '../../src/agenda/ical.js';
import { agendaMigrations } from '../../src/agenda/migrations.js';
import { openDatabase, type StoreDb } from '../../src/store/database.js';
import { runMigrations } from '../../src/store/migrations.js';
import { agendaOn, MODULES, sessionInput } from './fixtures.js';

/** Parses a feed the way calendar clients do (ical.js), with its own VTIMEZONE registered. */
function parseFeed(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const tz of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(tz));
  return { calendar, events: calendar.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c)) };
}

describe('iCal feed', () => {
  let store: StoreDb;
  afterEach(async () => {
    await store?.close();
    ICAL.TimezoneService.reset();
  });
  async function agenda() {
    store = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    await runMigrations(store, agendaMigrations);
    return agendaOn(store);
  }
  const options = { name: 'Pollen — agenda', moduleTitles: new Map(MODULES.map((m) => [m.slug, m.title])), sessionUrl: () => 'http://wiki.test/index.php/Agenda' };

  it('parses back field by field: times in Europe/Paris on both sides of DST, place, GEO, URL, status, sequence', async () => {
    const service = await agenda();
    const winter = (await service.createSession(sessionInput({ latitude: 45.764, longitude: 4.8357, description: 'Apportez un ordinateur.', facilitators: ['Camille Martin', 'Sami Haddad'] }))).session;
    const summer = (await service.createSession(sessionInput({ title: 'Données ouvertes en ligne', moduleSlug: 'donnees-ouvertes', startsAt: '2026-07-02T09:30', endsAt: '2026-07-02T11:00', address: null, onlineUrl: 'https://visio.exemple.org/salle-1' }))).session;
    const cancelled = await service.cancelSession((await service.createSession(sessionInput({ title: 'Annulée' }))).session.id);
    const text = renderCalendar([winter, summer, cancelled], options);

    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\n|\r/);
    const { calendar, events } = parseFeed(text);
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(calendar.getFirstPropertyValue('prodid')).toBe('-//Pollen//Agenda//FR');
    expect(calendar.getFirstSubcomponent('vtimezone')?.getFirstPropertyValue('tzid')).toBe('Europe/Paris');
    expect(events).toHaveLength(3);

    const [w, s, c] = events as [ICAL.Event, ICAL.Event, ICAL.Event];
    expect(w.uid).toBe(winter.uid);
    expect(w.summary).toBe('Atelier logiciel libre');
    expect(w.startDate.zone?.tzid).toBe('Europe/Paris');
    expect(w.startDate.toString()).toBe('2026-03-12T14:00:00');
    expect(w.startDate.toJSDate().toISOString()).toBe('2026-03-12T13:00:00.000Z');
    expect(w.endDate.toJSDate().toISOString()).toBe('2026-03-12T16:00:00.000Z');
    expect(w.location).toBe('12 rue des Lilas, 69001 Lyon');
    expect(w.description).toBe('Apportez un ordinateur.\n\nAnimation : Camille Martin, Sami Haddad');
    expect(w.component.getFirstPropertyValue('geo')).toEqual([45.764, 4.8357]);
    expect(w.component.getFirstPropertyValue('url')).toBe('http://wiki.test/index.php/Agenda');
    expect(w.component.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(w.component.getFirstPropertyValue('categories')).toBe('Le logiciel libre et ses quatre libertés');
    expect(w.sequence).toBe(0);

    expect(s.startDate.toString()).toBe('2026-07-02T09:30:00');
    expect(s.startDate.toJSDate().toISOString()).toBe('2026-07-02T07:30:00.000Z');
    expect(s.location).toBe('En ligne : https://visio.exemple.org/salle-1');
    expect(s.component.getFirstPropertyValue('url')).toBe('https://visio.exemple.org/salle-1');
    expect(s.component.getFirstPropertyValue('geo')).toBeNull();

    expect(c.component.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(c.sequence).toBe(1);
    expect(c.uid).toBe(cancelled.uid);
  });

  it('is the same bytes for the same sessions; a change keeps the UID and bumps SEQUENCE', async () => {
    const service = await agenda();
    const { session } = await service.createSession(sessionInput());
    expect(renderCalendar([session], options)).toBe(renderCalendar([(await service.session(session.id))], options));
    const moved = (await service.updateSession(session.id, sessionInput({ startsAt: '2026-03-13T14:00', endsAt: '2026-03-13T17:00' }))).session;
    const [event] = parseFeed(renderCalendar([moved], options)).events;
    expect([event?.uid, event?.sequence, event?.startDate.toString()]).toEqual([session.uid, 1, '2026-03-13T14:00:00']);
  });

  it('escapes injection attempts in titles and places, so they stay text in one event', async () => {
    const service = await agenda();
    const title = 'Atelier; libre, et ouvert\r\nEND:VEVENT\nBEGIN:VEVENT\\UID:pirate';
    const address = 'Salle 2, 1er étage; bât. B\nEND:VCALENDAR';
    const { session } = await service.createSession(sessionInput({ title, address }));
    const text = renderCalendar([session], options);
    expect(text).toContain('SUMMARY:Atelier\\; libre\\, et ouvert\\nEND:VEVENT\\nBEGIN:VEVENT\\\\UID:pirate');
    const { events } = parseFeed(text);
    expect(events).toHaveLength(1);
    expect(events[0]?.summary).toBe('Atelier; libre, et ouvert\nEND:VEVENT\nBEGIN:VEVENT\\UID:pirate');
    expect(events[0]?.location).toBe(address);
    expect(escapeText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne');
  });

  it('folds long lines at 75 octets without splitting a UTF-8 character, and clients unfold them', async () => {
    const service = await agenda();
    const title = 'Éducation populaire et numérique libre : « dégafamiser » une association, pas à pas — ' + 'é'.repeat(80) + ' 🌱'.repeat(10);
    const { session } = await service.createSession(sessionInput({ title, description: 'ligne '.repeat(60) }));
    const text = renderCalendar([session], options);
    const lines = text.split('\r\n').slice(0, -1);
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(lines.filter((l) => l.startsWith(' ')).length).toBeGreaterThan(4);
    expect(text).not.toContain('\uFFFD');
    expect(parseFeed(text).events[0]?.summary).toBe(title);
    // Unfolding (drop CRLF + one space) gives the logical line back.
    expect(foldLine('X'.repeat(200)).replace(/\r\n /g, '')).toBe('X'.repeat(200));
    expect(foldLine('short')).toBe('short');
  });
});
