/**
 * Wiki titles made from what people typed, checked against a real MediaWiki's own title rules,
 * and pages published each on its own: one page the wiki refuses is reported, the rest (a
 * withdrawn provider's page, the index, the agenda) still goes out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgendaService } from '../../src/agenda/service.js';
import { AgendaStore } from '../../src/agenda/store.js';
import { agendaMigrations } from '../../src/agenda/migrations.js';
import { AGENDA_PAGE, publishAgenda } from '../../src/agenda/wiki.js';
import { publishDirectory } from '../../src/directory/wiki.js';
import { distinctProviderTitle } from '../../src/directory/wiki-title.js';
import type { StoreDb } from '../../src/store/database.js';
import { runMigrations } from '../../src/store/migrations.js';
import type { WikiClient } from '../../src/wiki/client.js';
import { sqliteBackend } from '../support/postgres.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { MODULES, sessionInput } from '../agenda/fixtures.js';
import { directoryOn, learner, listedProvider } from './fixtures.js';

/** Names a careless or hostile person may type, each once refused or changed by MediaWiki. */
const HOSTILE_NAMES = [
  'Libre Picard ~~~~', 'Atelier [Libre] {Numérique} | #1', 'Réseau <b>Gras</b>', 'Cent%20Pour Cent', '../Annuaire', 'A/./B/..', 'Nom &amp; Cie &#65;',
  `Très ${'long nom '.repeat(40)}`, 'Zéro\u200emarque\u202edirection', 'Nom_avec_soulignés', 'Espaces\u00a0insécables\u2003et\ttabulations', ':Catégorie:Spam',
  'Cafe\u0301 décomposé', '~~~', '.', 'Fin/',
];

/** What the wiki says of each title: invalid or not, and the title it would store. */
async function wikiVerdict(client: WikiClient, titles: string[]) {
  const answer = (await client.request({ action: 'query', titles: titles.join('|'), formatversion: 2 })) as {
    query: { normalized?: Array<{ from: string; to: string }>; pages: Array<{ title: string; invalid?: boolean; invalidreason?: string }> };
  };
  return { invalid: answer.query.pages.filter((p) => p.invalid), normalized: answer.query.normalized ?? [] };
}

describe('wiki titles and pages published each on its own', () => {
  let wiki: LocalWiki;
  let client: WikiClient;
  const stores: StoreDb[] = [];

  beforeAll(async () => {
    wiki = await startWiki();
    client = await wiki.botClient();
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await wiki?.stop();
  });

  it('makes titles the wiki accepts as they are from any name', async () => {
    const titles = HOSTILE_NAMES.map((name) => distinctProviderTitle(name, null, new Set()));
    const verdict = await wikiVerdict(client, titles);
    expect(verdict.invalid).toEqual([]);
    // The wiki keeps each title as made: what the store remembers is the page's real title.
    expect(verdict.normalized).toEqual([]);
    expect(titles).toContain('Annuaire/Libre Picard ~');
    for (const t of titles) expect(Buffer.byteLength(t)).toBeLessThanOrEqual(255);
  });

  it('publishes every other page when the wiki refuses one, a withdrawn provider\'s mark included', async () => {
    const store = await sqliteBackend.open();
    stores.push(store);
    const directory = await directoryOn(store);
    await listedProvider(directory, 'Chatons du Vexin', { territories: ['95'] });
    const leaving = await listedProvider(directory, 'Octets du Bocage', { territories: ['61'] });
    expect((await publishDirectory(client, directory)).failures).toEqual([]);

    // A provider whose page the wiki refuses (here a title an older Pollen made from « ~~~~ »).
    const refused = await listedProvider(directory, 'Libre Picard', { territories: ['80'] });
    await store.db.updateTable('directory_providers').set({ wiki_title: 'Annuaire/Libre Picard ~~~~' }).where('id', '=', refused.id).execute();
    await directory.withdraw(learner('local-octetsdubocage'), leaving.slug, 'Fin d’activité');
    const report = await publishDirectory(client, directory);
    expect(report.failures).toEqual([expect.objectContaining({ title: 'Annuaire/Libre Picard ~~~~', code: 'invalidtitle' })]);
    expect(report.failures[0]!.reason).toContain('Le wiki refuse le titre');
    expect(report.outcomes.find((o) => o.title === leaving.wikiTitle)?.status).toBe('updated');
    const pages = await client.getPages([leaving.wikiTitle, 'Annuaire'], { content: true });
    expect(pages.get(leaving.wikiTitle)!.content).toContain('ne figure plus dans l’annuaire');
    expect(pages.get('Annuaire')!.content).not.toContain('Octets du Bocage');
    // The refused page is not remembered: the next run tries it again, and only it.
    const again = await publishDirectory(client, directory);
    expect(again.failures.map((f) => f.title)).toEqual(['Annuaire/Libre Picard ~~~~']);
    expect(again.outcomes).toEqual([]);
  });

  it('publishes the Agenda page when a module\'s Sessions subpage is refused', async () => {
    const store = await sqliteBackend.open();
    stores.push(store);
    await runMigrations(store, agendaMigrations);
    const modules = [{ slug: 'signature', title: 'Module mal nommé', wikiPage: 'Parcours de formation/Signé ~~~~' }, ...MODULES];
    const agenda = new AgendaService(new AgendaStore(store), { modules, now: () => new Date('2026-03-01T08:00:00Z') });
    await agenda.createSession(sessionInput({ moduleSlug: 'signature', title: 'Atelier du module mal nommé' }));
    await agenda.createSession(sessionInput({ title: 'Atelier logiciel libre' }));
    const run = await publishAgenda(client, agenda);
    expect(run.failures).toEqual([expect.objectContaining({ title: 'Parcours de formation/Signé ~~~~/Sessions', code: 'invalidtitle' })]);
    expect(run.outcomes.map((o) => [o.title, o.status])).toEqual([[AGENDA_PAGE, 'created'], [`${MODULES[0]!.wikiPage}/Sessions`, 'created']]);
    expect((await client.getPages([AGENDA_PAGE], { content: true })).get(AGENDA_PAGE)!.content).toContain('Atelier logiciel libre');
  });
});
