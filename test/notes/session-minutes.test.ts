/**
 * Minutes of a session take the session's date and title: a note naming `session:` (front
 * matter, or submitNote's argument) without a title or date of its own goes to
 * `<session date> <session title>`, through the agenda as the CLI and the gateway read it.
 */
import { describe, expect, it } from 'vitest';
import { sessionMinutes } from '../../src/agenda/minutes.js';
import { AgendaStore } from '../../src/agenda/store.js';
import { NoteQueue } from '../../src/notes/queue.js';
import { agendaOn, sessionInput } from '../agenda/fixtures.js';
import { openTestStore } from '../support/store.js';

const received = new Date('2026-12-02T09:00:00Z');

async function agendaWithSession(): Promise<{ queue: NoteQueue; agenda: AgendaStore; id: number; late: number }> {
  const store = await openTestStore();
  const service = agendaOn(store);
  const { session } = await service.createSession(sessionInput({ title: 'Atelier logiciel libre à Rennes', startsAt: '2026-03-12T14:00', endsAt: '2026-03-12T17:00' }));
  // 23:30 in Paris is already the next day in UTC: the day is the session's own.
  const late = (await service.createSession(sessionInput({ title: 'Veille de nuit', startsAt: '2026-03-14T23:30', endsAt: '2026-03-15T01:00' }))).session;
  return { queue: new NoteQueue(store, { sessions: sessionMinutes(store) }), agenda: new AgendaStore(store), id: session.id, late: late.id };
}

describe('minutes of an agenda session', () => {
  it('take the session’s date and title when the note has none (front matter session:, a file name that is no title)', async () => {
    const { queue, agenda, id } = await agendaWithSession();
    const input = { origin: 'cli' as const, fileName: 'cr.txt', key: 'file:/notes/cr.txt', receivedAt: received, source: `---\nsession: ${id}\n---\nOn a fait le tour des quatre libertés.\n` };
    const { entry } = await queue.enqueue(input);
    expect(entry).toMatchObject({ state: 'queued', pageTitle: 'Comptes-rendus/2026-03-12 Atelier logiciel libre à Rennes' });
    expect((await agenda.session(id))?.minutesTitle).toBe('Comptes-rendus/2026-03-12 Atelier logiciel libre à Rennes');
    expect((await queue.enqueue(input)).change).toBe('unchanged');
  });

  it('take them from submitNote’s session argument too, for a note without a file name', async () => {
    const { queue, id, late } = await agendaWithSession();
    expect((await queue.check({ origin: 'graphql', session: id, receivedAt: received, source: 'Tour de table, puis démonstration.\n' })).title).toBe('Comptes-rendus/2026-03-12 Atelier logiciel libre à Rennes');
    expect((await queue.check({ origin: 'graphql', session: late, receivedAt: received, source: 'Tour de table, puis démonstration.\n' })).title).toBe('Comptes-rendus/2026-03-14 Veille de nuit');
  });

  it('keep the note’s own title or date when it gives one', async () => {
    const { queue, id } = await agendaWithSession();
    const own = (source: string) => queue.check({ origin: 'graphql', session: id, receivedAt: received, source });
    expect((await own('---\ntitle: Les quatre libertés\n---\nTexte.\n')).title).toBe('Comptes-rendus/2026-03-12 Les quatre libertés');
    expect((await own('Date : 13/03/2026\n\nOn a rangé la salle après l’atelier, tard.\nPuis on a fermé.\n')).title).toBe('Comptes-rendus/2026-03-13 Atelier logiciel libre à Rennes');
  });
});
