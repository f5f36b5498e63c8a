/** The agenda's rows: table shapes, row <-> model mapping, and the counting steps of transactions. */
import type { Generated, Kysely, Selectable } from 'kysely';
import type { AgendaSession, PendingRegistration, Registration, RegistrationStatus, SessionFields, SessionStatus } from './model.js';

export interface SessionsTable {
  id: Generated<number>;
  uid: string;
  module_slug: string | null;
  title: string;
  description: string | null;
  starts_at: string;
  ends_at: string;
  time_zone: string;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  online_url: string | null;
  facilitators: string;
  capacity: number;
  is_public: number;
  status: string;
  sequence: number;
  minutes_title: string | null;
  created_at: string;
  updated_at: string;
}

export interface RegistrationsTable {
  id: Generated<number>;
  session_id: number;
  registrant_key: string;
  learner_id: string | null;
  name: string;
  email: string | null;
  token_hash: string;
  status: string;
  present: number;
  created_at: string;
  updated_at: string;
}

export interface AgendaTables {
  agenda_sessions: SessionsTable;
  agenda_registrations: RegistrationsTable;
  agenda_registration_tokens: { id: Generated<number>; registration_id: number; token_hash: string; created_at: string };
  agenda_pending_registrations: PendingTable;
}

/** A visitor's registration until they confirm it from their mail (agenda/003). */
export interface PendingTable {
  id: Generated<number>;
  session_id: number;
  registrant_key: string;
  name: string;
  email: string;
  token_hash: string;
  expires_at: string;
  created_at: string;
}

export type Db = Kysely<AgendaTables>;
export type SessionRow = Selectable<SessionsTable>;
export type RegistrationRow = Selectable<RegistrationsTable>;

export function toSession(r: SessionRow): AgendaSession {
  return {
    id: Number(r.id),
    uid: r.uid,
    moduleSlug: r.module_slug,
    title: r.title,
    description: r.description,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    timeZone: r.time_zone,
    place: {
      address: r.address,
      latitude: r.latitude === null ? null : Number(r.latitude),
      longitude: r.longitude === null ? null : Number(r.longitude),
      onlineUrl: r.online_url,
    },
    facilitators: JSON.parse(r.facilitators) as string[],
    capacity: Number(r.capacity),
    isPublic: Number(r.is_public) === 1,
    status: r.status as SessionStatus,
    sequence: Number(r.sequence),
    minutesTitle: r.minutes_title,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toPending(r: Selectable<PendingTable>): PendingRegistration {
  return { id: Number(r.id), sessionId: Number(r.session_id), name: r.name, email: r.email, expiresAt: r.expires_at, createdAt: r.created_at };
}

export function toRegistration(r: RegistrationRow): Registration {
  return {
    id: Number(r.id),
    sessionId: Number(r.session_id),
    learnerId: r.learner_id,
    name: r.name,
    email: r.email,
    status: r.status as RegistrationStatus,
    present: Number(r.present) === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function fieldColumns(f: SessionFields) {
  return {
    module_slug: f.moduleSlug,
    title: f.title,
    description: f.description,
    starts_at: f.startsAt,
    ends_at: f.endsAt,
    time_zone: f.timeZone,
    address: f.place.address,
    latitude: f.place.latitude,
    longitude: f.place.longitude,
    online_url: f.place.onlineUrl,
    facilitators: JSON.stringify(f.facilitators),
    capacity: f.capacity,
    is_public: f.isPublic ? 1 : 0,
    status: f.status,
  };
}

export async function countStatus(trx: Db, sessionId: number, status: RegistrationStatus): Promise<number> {
  const r = await trx
    .selectFrom('agenda_registrations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('session_id', '=', sessionId)
    .where('status', '=', status)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Confirmed and waiting registrations of a session, in one query. */
export async function seatCounts(trx: Db, sessionId: number): Promise<{ confirmed: number; waiting: number }> {
  const rows = await trx
    .selectFrom('agenda_registrations')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('session_id', '=', sessionId)
    .where('status', 'in', ['confirmed', 'waiting'])
    .groupBy('status')
    .execute();
  const of = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
  return { confirmed: of('confirmed'), waiting: of('waiting') };
}

/** Moves up to `seats` people from the waiting list to confirmed, first come first served. */
export async function promoteWaiting(trx: Db, sessionId: number, seats: number, now: string): Promise<Registration[]> {
  if (seats <= 0) return [];
  const next = await trx
    .selectFrom('agenda_registrations')
    .select('id')
    .where('session_id', '=', sessionId)
    .where('status', '=', 'waiting')
    .orderBy('id')
    .limit(seats)
    .execute();
  if (next.length === 0) return [];
  const rows = await trx
    .updateTable('agenda_registrations')
    .set({ status: 'confirmed', updated_at: now })
    .where('id', 'in', next.map((r) => r.id))
    .returningAll()
    .execute();
  return rows.map(toRegistration).sort((a, b) => a.id - b.id);
}
