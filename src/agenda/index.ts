// The agenda's public API: sessions, registrations, feeds, wiki page, dashboard section.
import type { StoreDb } from '../store/database.js';
import { runMigrations } from '../store/migrations.js';
import { agendaMigrations } from './migrations.js';
import { AgendaService, type AgendaServiceOptions } from './service.js';
import { AgendaStore } from './store.js';

export { AgendaError, type AgendaErrorCode } from './errors.js';
export { agendaMigrations } from './migrations.js';
export { sessionMinutes } from './minutes.js';
export { AgendaService, type AgendaModule, type RegistrationResult, type SessionChange } from './service.js';
export { AgendaStore } from './store.js';
export type { AgendaSession, Registration, SessionInput } from './model.js';

/** The agenda on this store, its tables migrated. */
export async function createAgenda(store: StoreDb, options: AgendaServiceOptions): Promise<AgendaService> {
  await runMigrations(store, agendaMigrations);
  return new AgendaService(new AgendaStore(store), options);
}
