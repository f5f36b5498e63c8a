/**
 * Notes follow sessions, through the gateway as `npm start` builds it (buildRuntime) over a real
 * wiki: a note naming its session (front matter or argument) becomes that session's minutes,
 * leaves the « compte rendu manquant » list, and the wiki's Agenda links it.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishAgenda } from '../../src/agenda/wiki.js';
import { unknownSessionReason } from '../../src/notes/queue.js';
import { buildRuntime, type Runtime } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { startGateway, type RunningGateway } from '../gateway/http.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { CREATE } from './support.js';

const TOKEN = 'facilitator-token-notes-agenda-0123';
const auth = { authorization: `Bearer ${TOKEN}` };
const SUBMIT = 'mutation ($s: String!, $f: String, $session: Int) { submitNote(source: $s, fileName: $f, session: $session) { state pageTitle reason code } }';
const DRY_RUN = 'mutation ($s: String!, $session: Int) { submitNote(source: $s, session: $session, dryRun: true) { state reason code } }';
const MISSING = '{ sessionsMissingMinutes { id title minutesPageTitle } }';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe('notes follow sessions', () => {
  let wiki: LocalWiki;
  let runtime: Runtime;
  let gw: RunningGateway;
  let held: number;
  let other: number;

  beforeAll(async () => {
    wiki = await startWiki();
    const config = loadConfig({ WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword, POLLEN_STORE_PATH: ':memory:', POLLEN_FACILITATOR_TOKENS: TOKEN });
    runtime = await buildRuntime(config, pino({ level: 'silent' }));
    gw = await startGateway(runtime.deps);
    const create = async (title: string, offset: number) => {
      const answer = await gw.query(CREATE, { input: { moduleSlug: 'logiciel-libre', title, startsAt: `${day(offset)}T14:00`, endsAt: `${day(offset)}T17:00`, address: 'Salle des fêtes, Rennes', capacity: 10 } }, auth);
      expect(answer.errors).toBeUndefined();
      return answer.data!.createSession.session.id as number;
    };
    held = await create('Atelier logiciel libre à Rennes', -10);
    other = await create('Atelier données ouvertes à Rennes', -3);
  });
  afterAll(async () => {
    await gw?.close();
    runtime?.close();
    await wiki?.stop();
  });

  it('lists past sessions without minutes, then links the note that names its session in the front matter', async () => {
    expect((await gw.query(MISSING, {}, auth)).data?.sessionsMissingMinutes.map((s: { id: number }) => s.id)).toEqual([other, held]);
    const note = `---\ntitle: Atelier logiciel libre à Rennes\ndate: ${day(-10)}\nsession: ${held}\n---\n# Déroulé\n\n- Tour de table\n- Les quatre libertés\n`;
    const submitted = await gw.query(SUBMIT, { s: note, f: 'atelier-rennes.md' }, auth);
    expect(submitted.data?.submitNote).toMatchObject({ state: 'PUBLISHED', pageTitle: `Comptes-rendus/${day(-10)} Atelier logiciel libre à Rennes` });
    const session = await gw.query(`{ session(id: ${held}) { minutesPageTitle } }`);
    expect(session.data?.session.minutesPageTitle).toBe(`Comptes-rendus/${day(-10)} Atelier logiciel libre à Rennes`);
    expect((await gw.query(MISSING, {}, auth)).data?.sessionsMissingMinutes.map((s: { id: number }) => s.id)).toEqual([other]);
  });

  it('takes the session from the submitNote argument too, and refuses an unknown session without queueing the note', async () => {
    const note = `---\ntitle: Données ouvertes à Rennes\ndate: ${day(-3)}\n---\nNotes de l’atelier.\n`;
    const queued = (await runtime.deps.notes!.list()).total;
    const preview = await gw.query(DRY_RUN, { s: note, session: 9999 }, auth);
    expect(preview.data?.submitNote).toMatchObject({ state: 'INVALID', code: 'NOTE_SESSION_NOT_FOUND', reason: unknownSessionReason(9999) });
    const unknown = await gw.query(SUBMIT, { s: note, session: 9999 }, auth);
    expect(unknown.data?.submitNote.state).toBe('INVALID');
    expect((await runtime.deps.notes!.list()).total).toBe(queued);
    expect(unknown.data?.submitNote.reason).toBe(unknownSessionReason(9999));
    expect(unknown.data?.submitNote.code).toBe('NOTE_SESSION_NOT_FOUND');
    const ok = await gw.query(SUBMIT, { s: note, session: other }, auth);
    expect(ok.data?.submitNote.state).toBe('PUBLISHED');
    expect((await gw.query(MISSING, {}, auth)).data?.sessionsMissingMinutes).toEqual([]);
  });

  it('refuses a front-matter session that is not a number, in French', async () => {
    const answer = await gw.query(SUBMIT, { s: '---\ntitle: X\ndate: 2026-01-01\nsession: douze\n---\nTexte.\n' }, auth);
    expect(answer.data?.submitNote.state).toBe('INVALID');
    expect(answer.data?.submitNote.reason).toBe('En-tête de la note, champ « session » : un nombre attendu.');
  });

  it('links the minutes from the wiki’s Agenda page', async () => {
    const run = await publishAgenda(runtime.wiki, runtime.deps.agenda!);
    expect(run.outcomes[0]!.status).toBe('created');
    const page = (await runtime.wiki.getPages(['Agenda'], { content: true })).get('Agenda');
    expect(page?.content).toContain(`[[Comptes-rendus/${day(-10)} Atelier logiciel libre à Rennes|compte rendu]]`);
  });

  it('titles minutes without a title or date of their own with the session’s date and title, in the dry run as in the page', async () => {
    const created = await gw.query(CREATE, { input: { moduleSlug: 'logiciel-libre', title: 'Atelier réparation de vélos', startsAt: `${day(-5)}T18:00`, endsAt: `${day(-5)}T20:00`, address: 'Salle des fêtes, Rennes', capacity: 10 } }, auth);
    const id = created.data!.createSession.session.id as number;
    const expected = `Comptes-rendus/${day(-5)} Atelier réparation de vélos`;
    const note = 'Six vélos réparés, deux à reprendre la prochaine fois.\n';
    const preview = await gw.query('mutation ($s: String!, $session: Int) { submitNote(source: $s, session: $session, dryRun: true) { state pageTitle } }', { s: note, session: id }, auth);
    expect(preview.data?.submitNote).toMatchObject({ state: 'DRY_RUN', pageTitle: expected });
    const published = await gw.query(SUBMIT, { s: note, session: id }, auth);
    expect(published.data?.submitNote).toMatchObject({ state: 'PUBLISHED', pageTitle: expected });
    expect((await gw.query(`{ session(id: ${id}) { minutesPageTitle } }`)).data?.session.minutesPageTitle).toBe(expected);
    expect((await runtime.wiki.getPages([expected], { content: true })).get(expected)?.content).toContain('Six vélos réparés');
  });
});
