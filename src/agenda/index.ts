// The agenda's public API: sessions, registrations, feeds, wiki page, dashboard section.
import type { StoreDb } from '../store/database.js';
import { runMigrations } from '../store/migrations.js';
import { mailMigrations } from '../mail/migrations.js';
import { agendaMigrations } from './migrations.js';
import { AgendaService, type AgendaServiceOptions } from './service.js';
import { AgendaStore } from './store.js';

export { AgendaError, type AgendaErrorCode } from './errors.js';
export { agendaMigrations } from './migrations.js';
export { sessionMinutes } from './minutes.js';
export { AgendaService, DEFAULT_CONFIRM_HOURS, type AgendaMailStatus, type AgendaModule, type PendingResult, type RegistrationResult, type SessionChange } from './service.js';
export { CANCEL_PATH, CONFIRM_PATH, cancelUrl, confirmUrl, sessionPath } from './mails.js';
export { AgendaStore } from './store.js';
export type { AgendaSession, PendingRegistration, Registration, SessionInput } from './model.js';

/** The agenda on this store, its tables migrated. */
export async function createAgenda(store: StoreDb, options: AgendaServiceOptions): Promise<AgendaService> {
  // The agenda writes its mails to the outbox in its own transactions: both sets of tables.
  await runMigrations(store, [...agendaMigrations, ...mailMigrations]);
  return new AgendaService(new AgendaStore(store), options);
}
