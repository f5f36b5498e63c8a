import { afterAll, beforeAll, expect, it, describe } from 'vitest';
import { AgendaService } from '../../src/agenda/service.js';
import { AgendaStore } from '../../src/agenda/store.js';
import { agendaMigrations } from '../../src/agenda/migrations.js';
import { AGENDA_PAGE, publishAgenda, renderAgendaPage } from '../../src/agenda/wiki.js';
import { openDatabase, type StoreDb } from '../../src/store/database.js';
import { runMigrations } from '../../src/store/migrations.js';
import { renderModulePage } from '../../src/curriculum/publish/index.js';
import type { CurriculumModule } from '../../src/curriculum/schema.js';
import { publishPage, type WikiClient } from '../../src/wiki/index.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { MODULES, sessionInput } from './fixtures.js';

/** The page as the wiki renders it: HTML, links and categories. */
async function rendered(client: WikiClient, title: string) {
  const raw = (await client.request({ action: 'parse', page: title, prop: 'text|links|categories', formatversion: 2 })) as {
    parse: { text: string; links: Array<{ title: string; exists: boolean }>; categories: Array<{ category: string }> };
  };
  // The HTML keeps MediaWiki's numeric entities: decode them to compare with what people read.
  const text = raw.parse.text.replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n))).replace(/\u00a0/g, ' ');
  return { ...raw.parse, text };
}

/** The gateway's public address (POLLEN_PUBLIC_URL). */
const PUBLIC = 'https://pollen.example.org';

describe('agenda on a real wiki', () => {
  let wiki: LocalWiki;
  let client: WikiClient;
  let store: StoreDb;
  let clock = new Date('2026-03-01T08:00:00Z');
  let agenda: AgendaService;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    wiki = await startWiki();
    client = await wiki.botClient();
    store = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    await runMigrations(store, agendaMigrations);
    agenda = new AgendaService(new AgendaStore(store), { modules: MODULES, now: () => clock });
    const create = async (key: string, overrides: Parameters<typeof sessionInput>[0]) => (ids[key] = (await agenda.createSession(sessionInput(overrides))).session.id);
    await create('past', { title: 'Atelier passé', startsAt: '2026-02-05T14:00', endsAt: '2026-02-05T17:00' });
    await create('minutes', { title: 'Atelier avec compte rendu', startsAt: '2026-02-12T14:00', endsAt: '2026-02-12T17:00', moduleSlug: 'donnees-ouvertes' });
    await agenda.attachMinutes(ids.minutes!, 'Comptes-rendus/2026-02-12 Atelier avec compte rendu');
    await create('next', { title: 'Atelier {{Supprimer}} [[Catégorie:Spam]] | à venir', address: 'Salle | 2 ; bâtiment B' });
    await create('online', { title: 'Atelier en ligne', startsAt: '2026-03-20T18:00', endsAt: '2026-03-20T19:30', address: null, onlineUrl: 'https://visio.exemple.org/salle' });
    await create('cancelled', { title: 'Atelier annulé', startsAt: '2026-03-25T14:00', endsAt: '2026-03-25T16:00' });
    await agenda.cancelSession(ids.cancelled!);
    await create('private', { title: 'Réunion interne', isPublic: false });
  });
  afterAll(async () => {
    await store?.close();
    await wiki?.stop();
  });

  it('publishes the Agenda page and each module’s Sessions subpage, then makes 0 edits when nothing changed', async () => {
    const first = await publishAgenda(client, agenda, { publicUrl: PUBLIC });
    expect(first.outcomes.map((o) => [o.title, o.status])).toEqual([
      [AGENDA_PAGE, 'created'],
      [`${MODULES[0]!.wikiPage}/Sessions`, 'created'],
      [`${MODULES[1]!.wikiPage}/Sessions`, 'created'],
    ]);
    expect(first.outcomes[0]!.tags).toEqual(['pollen']);
    const again = await publishAgenda(client, agenda, { publicUrl: PUBLIC });
    expect(again.edits).toBe(0);
    expect(again.outcomes.map((o) => o.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });

  it('lists upcoming and past public sessions with links to modules and minutes, injections shown as text', async () => {
    const page = await rendered(client, AGENDA_PAGE);
    const [upcoming, past] = page.text.split('>Sessions passées</span>');
    expect(upcoming).toContain('Atelier {{Supprimer}} [[Catégorie:Spam]] | à venir');
    expect(upcoming).toContain('Salle | 2 ; bâtiment B');
    expect(upcoming).toContain('jeudi 12 mars 2026, 14:00 – 17:00');
    expect(upcoming).toContain('href="https://visio.exemple.org/salle"');
    expect(upcoming).toMatch(/<s>Atelier annulé<\/s> \(annulée\)/);
    expect(past).toContain('Atelier passé');
    expect(past).toContain('compte rendu à venir');
    expect(page.text).not.toContain('Réunion interne');
    expect(page.categories.map((c) => c.category)).toEqual(['Agenda']);
    expect(page.links.map((l) => l.title)).toEqual(expect.arrayContaining([MODULES[0]!.wikiPage, 'Comptes-rendus/2026-02-12 Atelier avec compte rendu']));
    expect(page.text).toContain('id="session-' + ids.next + '"');

    const sub = await rendered(client, `${MODULES[1]!.wikiPage}/Sessions`);
    expect(sub.links.map((l) => l.title)).toEqual(expect.arrayContaining([`${AGENDA_PAGE}`, 'Comptes-rendus/2026-02-12 Atelier avec compte rendu']));
    expect(sub.text).toContain('Atelier avec compte rendu');
  });

  it('links the iCal feeds at the public address: the whole agenda and each module’s, on the Agenda page and the module subpages', async () => {
    const raw = (await client.request({ action: 'parse', page: AGENDA_PAGE, prop: 'externallinks', formatversion: 2 })) as { parse: { externallinks: string[] } };
    expect(raw.parse.externallinks).toEqual(expect.arrayContaining([
      `${PUBLIC}/agenda.ics`,
      `${PUBLIC}/agenda/modules/${MODULES[0]!.slug}.ics`,
      `${PUBLIC}/agenda/modules/${MODULES[1]!.slug}.ics`,
    ]));
    const page = await rendered(client, AGENDA_PAGE);
    expect(page.text).toMatch(new RegExp(`<a [^>]*href="${PUBLIC}/agenda\\.ics"[^>]*>S’abonner à l’agenda \\(iCal\\)</a>`));
    expect(page.text).toContain(`Sessions du module « ${MODULES[1]!.title} » (iCal)`);
    const sub = await client.request({ action: 'parse', page: `${MODULES[0]!.wikiPage}/Sessions`, prop: 'externallinks', formatversion: 2 }) as { parse: { externallinks: string[] } };
    expect(sub.parse.externallinks).toContain(`${PUBLIC}/agenda/modules/${MODULES[0]!.slug}.ics`);
    // Each session's page (details and registration form), from the Agenda page and its module's subpage; not a cancelled one.
    expect(raw.parse.externallinks).toEqual(expect.arrayContaining([`${PUBLIC}/agenda/sessions/${ids.next}`, `${PUBLIC}/agenda/sessions/${ids.past}`]));
    expect(raw.parse.externallinks).not.toContain(`${PUBLIC}/agenda/sessions/${ids.cancelled}`);
    expect(sub.parse.externallinks).toContain(`${PUBLIC}/agenda/sessions/${ids.next}`);
    expect((await rendered(client, `${MODULES[0]!.wikiPage}/Sessions`)).text).toContain('détails et inscription');
  });

  it('without a public address, links no feed (no dead link, nothing wrong said), and again makes 0 edits when nothing changed', async () => {
    const unset = await publishAgenda(client, agenda, {});
    expect(unset.edits).toBe(3);
    const page = await rendered(client, AGENDA_PAGE);
    expect(page.text).not.toContain('.ics');
    expect(page.text).not.toContain('S’abonner');
    const raw = (await client.request({ action: 'parse', page: AGENDA_PAGE, prop: 'externallinks', formatversion: 2 })) as { parse: { externallinks: string[] } };
    expect(raw.parse.externallinks).toEqual(['https://visio.exemple.org/salle']);
    expect((await publishAgenda(client, agenda, {})).edits).toBe(0);
    // Back to the configured address, as the gateway publishes it.
    expect((await publishAgenda(client, agenda, { publicUrl: PUBLIC })).edits).toBe(3);
    expect((await publishAgenda(client, agenda, { publicUrl: PUBLIC })).edits).toBe(0);
  });

  it('shows a module’s sessions on the module page the curriculum publisher writes', async () => {
    const module: CurriculumModule = {
      slug: MODULES[0]!.slug, title: MODULES[0]!.title, group: 'communs', order: 1, file: '01-logiciel-libre.md', summary: 'Résumé.',
      objectives: ['Un.', 'Deux.'], estimatedMinutes: 60, prerequisites: [], activities: [{ type: 'contribute', title: 'Contribuer', instructions: 'Ajoutez un exemple.' }],
      quiz: [], wikiPage: MODULES[0]!.wikiPage, moodle: { idnumber: 'logiciel-libre' }, body: 'Leçon.',
    };
    await publishPage(client, { title: module.wikiPage, text: renderModulePage(module, { total: 1, bySlug: new Map() }), summary: 'Module (test)' });
    const page = await rendered(client, module.wikiPage);
    expect(page.text).toContain('Atelier en ligne');
    expect(page.links.map((l) => l.title)).toContain(AGENDA_PAGE);
  });

  it('updates the page when time passes or a session changes, and never overwrites a human edit', async () => {
    clock = new Date('2026-03-13T08:00:00Z');
    const moved = await publishAgenda(client, agenda);
    expect(moved.outcomes[0]!.status).toBe('updated');
    expect((await rendered(client, AGENDA_PAGE)).text.split('>Sessions passées</span>')[1]).toContain('Atelier {{Supprimer}}');

    await wiki.humanEdit(AGENDA_PAGE, 'Agenda réécrit à la main.');
    await agenda.createSession(sessionInput({ title: 'Nouvelle session', startsAt: '2026-04-01T10:00', endsAt: '2026-04-01T12:00' }));
    const refused = await publishAgenda(client, agenda);
    expect(refused.outcomes[0]).toMatchObject({ status: 'conflict', lastEditor: 'Admin' });
    const current = await client.getPages([AGENDA_PAGE], { content: true });
    expect(current.get(AGENDA_PAGE)?.content).toBe('Agenda réécrit à la main.');
  });

  it('renders a national agenda a hundred sessions at a time, serving other work between steps, to the same text', async () => {
    const { sessions } = await agenda.list({ includePrivate: false, limit: 100 });
    const many = Array.from({ length: 1000 }, (_, i) => ({ ...sessions[i % sessions.length]!, id: 10_000 + i }));
    let pauses = 0;
    const counted = await renderAgendaPage(many, agenda.modules, clock, { publicUrl: PUBLIC, pause: async () => void pauses++ });
    // 1,000 rows (upcoming and past tables): at least 9 hand-backs, every row there once.
    expect(pauses).toBeGreaterThanOrEqual(9);
    for (const i of [0, 499, 999]) expect(counted.split(`id="session-${10_000 + i}"`)).toHaveLength(2);
    // With the default pause, a request arriving meanwhile is served before the page is done.
    let served = false;
    setImmediate(() => void (served = true));
    const text = await renderAgendaPage(many, agenda.modules, clock, { publicUrl: PUBLIC });
    expect(served).toBe(true);
    expect(text).toBe(counted);
  });
});
