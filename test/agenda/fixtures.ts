/** Shared fixtures of the agenda specs: a store on either backend, a clock, session inputs. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgendaService } from '../../src/agenda/service.js';
import { AgendaStore } from '../../src/agenda/store.js';
import { agendaMigrations } from '../../src/agenda/migrations.js';
import type { SessionInput } from '../../src/agenda/model.js';
import { openDatabase, type StoreDb } from '../../src/store/database.js';
import { runMigrations } from '../../src/store/migrations.js';
import { createTestDatabase, type StoreBackend } from '../support/postgres.js';

export const MODULES = [
  { slug: 'logiciel-libre', title: 'Le logiciel libre et ses quatre libertés', wikiPage: 'Parcours de formation/Le logiciel libre et ses quatre libertés' },
  { slug: 'donnees-ouvertes', title: 'Les données ouvertes', wikiPage: 'Parcours de formation/Les données ouvertes' },
];

/** "Now" in the specs: 1 March 2026, 09:00 in Paris. */
export const NOW = new Date('2026-03-01T08:00:00Z');

export function sessionInput(overrides: Partial<SessionInput> = {}): SessionInput {
  return {
    moduleSlug: 'logiciel-libre',
    title: 'Atelier logiciel libre',
    startsAt: '2026-03-12T14:00',
    endsAt: '2026-03-12T17:00',
    address: '12 rue des Lilas, 69001 Lyon',
    facilitators: ['Camille Martin'],
    capacity: 3,
    ...overrides,
  };
}

/**
 * Two handles on one fresh store, as two gateway replicas would have on PostgreSQL (two pools on
 * one database). SQLite serves one process (its driver is synchronous: a second handle in the
 * same process would block the thread the first one needs), so both are the same handle there.
 */
export async function openTwin(backend: StoreBackend): Promise<[StoreDb, StoreDb]> {
  let a: StoreDb;
  let b: StoreDb;
  if (backend.name === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'pollen-agenda-'));
    const store = await openDatabase({ kind: 'sqlite', path: join(dir, 'store.sqlite') });
    // Closing the store removes its folder: no temporary folder outlives the spec.
    a = { ...store, close: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
    b = a;
  } else {
    const url = await createTestDatabase();
    a = await openDatabase({ kind: 'postgres', url });
    b = await openDatabase({ kind: 'postgres', url });
  }
  await runMigrations(a, agendaMigrations);
  return [a, b];
}

export function agendaOn(store: StoreDb, now: () => Date = () => NOW): AgendaService {
  return new AgendaService(new AgendaStore(store), { modules: MODULES, now });
}

/**
 * A visitor registers and confirms from the mailed link at once (double opt-in): what
 * registerVisitor answered before confirmation existed, for specs about seats and the waiting list.
 */
export async function registerConfirmed(service: AgendaService, sessionId: number, visitor: { name: string; email: string }) {
  const { token } = await service.registerVisitor(sessionId, visitor);
  return service.confirmRegistration(token);
}
