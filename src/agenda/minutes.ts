/**
 * The agenda as the notes queue needs it (src/notes SessionMinutes): does a session exist, its
 * title and day (its minutes take them when the note gives none), and link its minutes' page. Over the store alone, so the notes bot (`npm run notes -- publish`,
 * `watch`) links minutes exactly as the gateway does, without the curriculum.
 */
import type { SessionMinutes } from '../notes/queue.js';
import type { SessionDetails } from '../notes/session-details.js';
import type { StoreDb } from '../store/database.js';
import { AgendaError } from './errors.js';
import type { AgendaSession } from './model.js';
import { AgendaStore } from './store.js';
import { wallClockIn } from './time.js';

/** A session's title and the day it starts, in its own zone (a 23:30 session in Paris is that day). */
export function minutesDetails(session: AgendaSession | undefined): SessionDetails | undefined {
  if (!session) return undefined;
  const start = wallClockIn(new Date(session.startsAt), session.timeZone);
  return { title: session.title, date: `${start.year}-${String(start.month).padStart(2, '0')}-${String(start.day).padStart(2, '0')}` };
}

export function sessionMinutes(store: StoreDb | AgendaStore): SessionMinutes {
  const agenda = store instanceof AgendaStore ? store : new AgendaStore(store);
  return {
    exists: async (id) => (await agenda.session(id)) !== undefined,
    details: async (id) => minutesDetails(await agenda.session(id)),
    attachMinutes: async (id, pageTitle) => {
      if (!(await agenda.setMinutes(id, pageTitle))) throw new AgendaError('SESSION_NOT_FOUND', `Aucune session ne porte le numéro ${id} : vérifiez le champ « session » de la note.`);
    },
  };
}
