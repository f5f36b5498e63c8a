/** The directory's rows on the async store layer (SQLite or PostgreSQL), written once with Kysely. */
import type { Generated, Kysely, Selectable, Transaction } from 'kysely';
import { tables, type StoreDb } from '../store/database.js';
import type {
  ModerationEvent, Provider, ProviderKind, ProviderStatus, Questionnaire, Recommendation, RecommendationStatus, ServiceId, TrainingBadge,
} from './model.js';
import { de } from '../text/french.js';

interface ProviderTable {
  id: Generated<number>;
  slug: string;
  name: string;
  name_key: string;
  /** Set by migration 002 for older rows, at declaration since. */
  wiki_title: string | null;
  former_wiki_titles: Generated<string>;
  website_key: string | null;
  kind: string;
  description: string;
  services: string;
  territories: string;
  street: string | null;
  postal_code: string | null;
  city: string | null;
  lat: number | null;
  lon: number | null;
  website: string | null;
  public_contact: string | null;
  /** Set by migration 004: where a structure declared on the public form gets its sign-in links. */
  manager_email: string | null;
  submission_key: string | null;
  learner_id: string | null;
  status: string;
  listed: number;
  verified_count: number;
  training: string | null;
  search_text: string;
  created_at: string;
  updated_at: string;
}

interface RecommendationTable {
  id: Generated<number>;
  provider_id: number;
  association_name: string;
  rna: string | null;
  verification_contact: string;
  period_start: string;
  period_end: string | null;
  work: string;
  tools: string;
  questionnaire: string;
  quote: string | null;
  quote_consent: number;
  /** Migration 004: the public form's identical-submission key, its extra answers, consent, confirmation. */
  submission_key: string | null;
  replaced_tools: Generated<string>;
  follow_up: Generated<string>;
  contact_consent: Generated<number>;
  confirmed_at: string | null;
  /** Migration 006: the accompaniment project behind it (src/matchmaking/projects), else null. */
  project_id: number | null;
  status: string;
  created_at: string;
  updated_at: string;
}

export interface DirectoryTables {
  directory_providers: ProviderTable;
  directory_provider_services: { service: string; provider_id: number };
  directory_provider_areas: { area_key: string; provider_id: number };
  directory_recommendations: RecommendationTable;
  directory_moderation: { id: Generated<number>; subject: string; subject_id: number; action: string; reason: string | null; actor: string; at: string };
  directory_rate_events: { id: Generated<number>; action: string; client_key: string; at: string };
  directory_wiki_pages: { title: string; text_hash: string; revid: number | null; published_at: string };
  directory_links: { token_hash: string; purpose: string; subject_id: number; expires_at: string; used_at: string | null; created_at: string };
  directory_provider_sessions: { token_hash: string; provider_id: number; expires_at: string };
}

export type DirectoryDb = Kysely<DirectoryTables>;
export type DirectoryTx = Transaction<DirectoryTables>;
type ProviderRow = Selectable<ProviderTable>;
type RecommendationRow = Selectable<RecommendationTable>;

export function directoryDb(store: StoreDb): DirectoryDb {
  return tables<DirectoryTables>(store);
}

export function toProvider(row: ProviderRow): Provider {
  return {
    id: Number(row.id),
    slug: row.slug,
    name: row.name,
    wikiTitle: row.wiki_title ?? `Annuaire/${row.name}`,
    formerWikiTitles: JSON.parse(row.former_wiki_titles) as string[],
    kind: row.kind as ProviderKind,
    description: row.description,
    services: JSON.parse(row.services) as ServiceId[],
    territories: JSON.parse(row.territories) as string[],
    address: row.city
      ? { street: row.street, postalCode: row.postal_code, city: row.city, lat: row.lat === null ? null : Number(row.lat), lon: row.lon === null ? null : Number(row.lon) }
      : null,
    website: row.website,
    publicContact: row.public_contact,
    learnerId: row.learner_id,
    status: row.status as ProviderStatus,
    listed: Number(row.listed) === 1,
    verifiedCount: Number(row.verified_count),
    training: row.training ? (JSON.parse(row.training) as TrainingBadge) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toRecommendation(row: RecommendationRow): Recommendation {
  return {
    id: Number(row.id),
    providerId: Number(row.provider_id),
    associationName: row.association_name,
    rna: row.rna,
    verificationContact: row.verification_contact,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    work: row.work,
    tools: JSON.parse(row.tools) as string[],
    questionnaire: JSON.parse(row.questionnaire) as Questionnaire,
    quote: row.quote,
    quoteConsent: Number(row.quote_consent) === 1,
    replacedTools: JSON.parse(row.replaced_tools ?? '[]') as string[],
    followUp: JSON.parse(row.follow_up ?? '{}') as Recommendation['followUp'],
    contactConsent: Number(row.contact_consent ?? 0) === 1,
    confirmedAt: row.confirmed_at ?? null,
    projectId: row.project_id === null || row.project_id === undefined ? null : Number(row.project_id),
    status: row.status as RecommendationStatus,
    createdAt: row.created_at,
  };
}

/** Replaces a provider's service and area rows (inside the caller's transaction). */
export async function writeFacets(trx: DirectoryTx, providerId: number, services: readonly string[], areaKeys: readonly string[]): Promise<void> {
  await trx.deleteFrom('directory_provider_services').where('provider_id', '=', providerId).execute();
  await trx.deleteFrom('directory_provider_areas').where('provider_id', '=', providerId).execute();
  if (services.length) await trx.insertInto('directory_provider_services').values(services.map((service) => ({ service, provider_id: providerId }))).execute();
  if (areaKeys.length) await trx.insertInto('directory_provider_areas').values(areaKeys.map((area_key) => ({ area_key, provider_id: providerId }))).execute();
}

export async function providerBy(db: DirectoryDb | DirectoryTx, where: { slug: string } | { id: number }): Promise<Provider | undefined> {
  const q = db.selectFrom('directory_providers').selectAll();
  const row = await ('slug' in where ? q.where('slug', '=', where.slug) : q.where('id', '=', where.id)).executeTakeFirst();
  return row && toProvider(row);
}

export async function recordEvent(db: DirectoryDb | DirectoryTx, event: ModerationEvent): Promise<void> {
  await db
    .insertInto('directory_moderation')
    .values({ subject: event.subject, subject_id: event.subjectId, action: event.action, reason: event.reason, actor: event.actor, at: event.at })
    .execute();
}

export async function historyOf(db: DirectoryDb, subject: ModerationEvent['subject'], ids: readonly number[]): Promise<ModerationEvent[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('directory_moderation').selectAll().where('subject', '=', subject).where('subject_id', 'in', [...ids]).orderBy('id').execute();
  return rows.map((r) => ({
    subject: r.subject as ModerationEvent['subject'],
    subjectId: Number(r.subject_id),
    action: r.action as ModerationEvent['action'],
    reason: r.reason,
    actor: r.actor,
    at: r.at,
  }));
}

export async function recommendationsOf(db: DirectoryDb, providerIds: readonly number[], statuses: readonly RecommendationStatus[]): Promise<Recommendation[]> {
  if (providerIds.length === 0) return [];
  const rows = await db
    .selectFrom('directory_recommendations')
    .selectAll()
    .where('provider_id', 'in', [...providerIds])
    .where('status', 'in', [...statuses])
    .orderBy('period_start', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toRecommendation);
}

/** Counts a submission of `action` by `clientKey` and tells whether it stays within `max` per window. */
export async function takeRateSlot(db: DirectoryDb, action: string, clientKey: string, max: number, windowMs: number, now: Date): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
  const since = new Date(now.getTime() - windowMs).toISOString();
  return db.transaction().execute(async (trx) => {
    // Old events are dropped as we go: the table holds one window of traffic.
    await trx.deleteFrom('directory_rate_events').where('action', '=', action).where('client_key', '=', clientKey).where('at', '<=', since).execute();
    const recent = await trx
      .selectFrom('directory_rate_events')
      .select('at')
      .where('action', '=', action)
      .where('client_key', '=', clientKey)
      .orderBy('at')
      .execute();
    if (recent.length >= max) {
      const oldest = new Date(recent[recent.length - max]!.at).getTime();
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now.getTime()) / 1000)) };
    }
    await trx.insertInto('directory_rate_events').values({ action, client_key: clientKey, at: now.toISOString() }).execute();
    return { allowed: true, retryAfterSeconds: 0 };
  });
}

/** The latest moderation events, newest first, each labelled with what it is about (French). */
export async function recentEvents(db: DirectoryDb, limit: number): Promise<Array<ModerationEvent & { label: string }>> {
  const rows = await db.selectFrom('directory_moderation').selectAll().orderBy('id', 'desc').limit(limit).execute();
  const out: Array<ModerationEvent & { label: string }> = [];
  for (const r of rows) {
    const event = { subject: r.subject as ModerationEvent['subject'], subjectId: Number(r.subject_id), action: r.action as ModerationEvent['action'], reason: r.reason, actor: r.actor, at: r.at };
    let label = `n° ${event.subjectId}`;
    if (event.subject === 'provider') label = (await providerBy(db, { id: event.subjectId }))?.name ?? label;
    else {
      const rec = await db.selectFrom('directory_recommendations').select(['association_name', 'provider_id']).where('id', '=', event.subjectId).executeTakeFirst();
      const p = rec && (await providerBy(db, { id: Number(rec.provider_id) }));
      if (rec) label = `Recommandation ${de(rec.association_name)}${p ? ` pour ${p.name}` : ''}`;
    }
    out.push({ ...event, label });
  }
  return out;
}
