import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgenda, type AgendaService } from '../../src/agenda/index.js';
import { agendaFeed } from '../../src/agenda/routes.js';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import { loadDemo } from '../../src/demo/index.js';
import { MailOutbox } from '../../src/mail/index.js';
import { openDatabase, type StoreDb } from '../../src/store/database.js';

describe('demo agenda (POLLEN_DEMO=1)', () => {
  let store: StoreDb;
  let agenda: AgendaService;
  let lines: string[];

  beforeAll(async () => {
    store = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    // With mail on, as the gateway builds it: the fictional people must get none.
    agenda = await createAgenda(store, { modules: await loadCurriculum('course-modules'), now: () => new Date('2026-03-01T08:00:00Z'), mail: { publicUrl: 'https://pollen.example.org', smtpConfigured: true } });
    lines = await loadDemo({ database: store, agenda });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('adds about twenty fictional sessions around today: past and coming, full, cancelled, online', async () => {
    // One line per demo loader; the directory's says it has no directory here.
    expect(lines.filter((l) => l.includes('agenda'))).toEqual([expect.stringMatching(/^Démo : 20 sessions fictives et \d+ inscriptions ajoutées à l’agenda\.$/)]);
    const { sessions } = await agenda.list({ includePrivate: true, limit: 100 });
    expect(sessions).toHaveLength(20);
    const now = Date.parse('2026-03-01T08:00:00Z');
    expect(sessions.filter((s) => Date.parse(s.endsAt) < now).length).toBeGreaterThanOrEqual(5);
    expect(sessions.filter((s) => Date.parse(s.startsAt) > now).length).toBeGreaterThanOrEqual(10);
    expect(sessions.filter((s) => s.status === 'cancelled')).toHaveLength(1);
    expect(sessions.filter((s) => s.place.onlineUrl).length).toBeGreaterThanOrEqual(3);
    const counts = await agenda.counts(sessions.map((s) => s.id));
    const full = sessions.filter((s) => counts.get(s.id)!.confirmed === s.capacity);
    expect(full.length).toBeGreaterThanOrEqual(2);
    expect(full.some((s) => counts.get(s.id)!.waiting > 0)).toBe(true);
    // The public agenda page shows coming sessions already full with people waiting (visitors confirmed their mail).
    expect(full.some((s) => Date.parse(s.startsAt) > now && counts.get(s.id)!.waiting > 0)).toBe(true);
    expect(await store.db.selectFrom('agenda_pending_registrations' as never).selectAll().execute()).toEqual([]);
    expect(sessions.every((s) => s.moduleSlug === null || agenda.modules.has(s.moduleSlug))).toBe(true);
    const registrations = await agenda.registrations(sessions[0]!.id);
    expect(registrations.every((r) => r.email?.endsWith('@example.org'))).toBe(true);
    expect(await new MailOutbox(store).list()).toEqual([]);
    expect((await agenda.missingMinutes()).length).toBeGreaterThanOrEqual(5);
  });

  it('gives a non-empty feed, and a second load changes nothing', async () => {
    const calendar = new ICAL.Component(ICAL.parse(await agendaFeed(agenda)));
    expect(calendar.getAllSubcomponents('vevent')).toHaveLength(20);
    expect((await loadDemo({ database: store, agenda })).filter((l) => l.includes('agenda'))).toEqual(['Démo : l’agenda a déjà 20 session(s), rien n’est ajouté.']);
    expect((await agenda.list({ includePrivate: true, limit: 100 })).total).toBe(20);
  });
});
