import DataLoader from 'dataloader';
import type { AgendaSession, Registration, SessionCounts } from '../../agenda/model.js';
import type { AgendaService } from '../../agenda/service.js';

/**
 * The agenda seen from one request: seat counts of every session asked in the same tick come
 * from one store query (a page of 50 sessions is 2 queries, not 51).
 */
export class AgendaDataSource {
  readonly countsOf: DataLoader<number, SessionCounts>;
  readonly registrationsOf: DataLoader<number, Registration[]>;

  constructor(readonly service: AgendaService) {
    this.countsOf = new DataLoader(async (ids) => {
      const counts = await service.counts(ids);
      return ids.map((id) => counts.get(id) ?? { confirmed: 0, waiting: 0, present: 0 });
    });
    this.registrationsOf = new DataLoader(async (ids) => Promise.all(ids.map((id) => service.registrations(id))), { batch: false });
  }

  session(id: number): Promise<AgendaSession | undefined> {
    return this.service.store.session(id);
  }
}

/** Opaque keyset cursor of a session in start order. */
export function sessionCursor(s: Pick<AgendaSession, 'startsAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([s.startsAt, s.id])).toString('base64url');
}

export function readSessionCursor(cursor: string): { startsAt: string; id: number } | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && Number.isInteger(value[1])) return { startsAt: value[0], id: value[1] as number };
  } catch {
    // fall through: not one of ours
  }
  return undefined;
}
