/**
 * The directory's and the agenda's wiki publishing run once per interval across gateway replicas
 * sharing a store (src/jobs lease), not once per gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agendaMigrations } from '../../src/agenda/migrations.js';
import { AGENDA_PUBLISH_JOB, scheduleAgendaPublishing } from '../../src/agenda/schedule.js';
import { DIRECTORY_PUBLISH_JOB, scheduleDirectoryPublishing } from '../../src/directory/schedule.js';
import { DirectoryService } from '../../src/directory/service.js';
import { leaseHolder, leaseMigrations } from '../../src/jobs/index.js';
import type { StoreDb } from '../../src/store/database.js';
import { runMigrations } from '../../src/store/migrations.js';
import type { WikiClient } from '../../src/wiki/client.js';
import { sqliteBackend } from '../support/postgres.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { agendaOn, sessionInput } from '../agenda/fixtures.js';
import { directoryOn, listedProvider } from './fixtures.js';

const quiet = { info: () => {}, warn: () => {} };

describe('directory and agenda publishing across replicas', { timeout: 120_000 }, () => {
  let wiki: LocalWiki;
  let clients: WikiClient[];
  let store: StoreDb;

  beforeAll(async () => {
    wiki = await startWiki();
    clients = [await wiki.botClient(), await wiki.botClient()];
    store = await sqliteBackend.open();
    await runMigrations(store, [...leaseMigrations, ...agendaMigrations]);
  });
  afterAll(async () => {
    await store?.close();
    await wiki?.stop();
  });

  it('publishes the directory once per interval: the second replica finds the lease taken', async () => {
    await listedProvider(await directoryOn(store), 'Chatons des Combrailles', { territories: ['63'] });
    const replicas = ['gateway-a', 'gateway-b'].map((holder, i) =>
      scheduleDirectoryPublishing({ store, wiki: clients[i]!, directory: new DirectoryService(store), logger: quiet }, { start: false, lease: { holder } }));
    const before = clients.map((c) => c.stats.apiCalls);
    const turns = await Promise.all(replicas.map((r) => r.tick()));
    expect(turns.filter(Boolean)).toHaveLength(1);
    const runner = turns.indexOf(true);
    expect(clients[1 - runner]!.stats.apiCalls).toBe(before[1 - runner]);
    expect(await leaseHolder(store, DIRECTORY_PUBLISH_JOB)).toBe(runner === 0 ? 'gateway-a' : 'gateway-b');
    expect((await clients[0]!.getPages(['Annuaire/Chatons des Combrailles'])).get('Annuaire/Chatons des Combrailles')?.exists).toBe(true);
    // While the lease runs, the other replica keeps skipping (the holder keeps the job).
    expect(await replicas[1 - runner]!.tick()).toBe(false);
    expect(clients[1 - runner]!.stats.apiCalls).toBe(before[1 - runner]);
  });

  it('publishes the Agenda page once per interval across replicas', async () => {
    await agendaOn(store).createSession(sessionInput({ title: 'Atelier des Combrailles' }));
    const replicas = ['gateway-a', 'gateway-b'].map((holder, i) =>
      scheduleAgendaPublishing({ store, wiki: clients[i]!, agenda: agendaOn(store), logger: quiet }, { start: false, lease: { holder } }));
    const turns = await Promise.all(replicas.map((r) => r.tick()));
    expect(turns.filter(Boolean)).toHaveLength(1);
    expect(await leaseHolder(store, AGENDA_PUBLISH_JOB)).toBeDefined();
    const agenda = (await clients[0]!.getPages(['Agenda'], { content: true })).get('Agenda');
    expect(agenda?.content).toContain('Atelier des Combrailles');
  });
});
