/**
 * The agenda as the notes queue needs it (src/notes SessionMinutes): does a session exist, and
 * link its minutes' page. Over the store alone, so the notes bot (`npm run notes -- publish`,
 * `watch`) links minutes exactly as the gateway does, without the curriculum.
 */
import type { SessionMinutes } from '../notes/queue.js';
import type { StoreDb } from '../store/database.js';
import { AgendaError } from './errors.js';
import { AgendaStore } from './store.js';

export function sessionMinutes(store: StoreDb | AgendaStore): SessionMinutes {
  const agenda = store instanceof AgendaStore ? store : new AgendaStore(store);
  return {
    exists: async (id) => (await agenda.session(id)) !== undefined,
    attachMinutes: async (id, pageTitle) => {
      if (!(await agenda.setMinutes(id, pageTitle))) throw new AgendaError('SESSION_NOT_FOUND', `Aucune session ne porte le numéro ${id} : vérifiez le champ « session » de la note.`);
    },
  };
}
