/** The public listing: filters, a keyset cursor and a total count, in two indexed queries. */
import { sql, type SelectQueryBuilder } from 'kysely';
import type { z } from 'zod';
import type { providerFilterSchema } from './inputs.js';
import { DirectoryError, foldText, type Provider } from './model.js';
import { toProvider, type DirectoryDb, type DirectoryTables } from './store.js';

export interface ProviderPage {
  providers: Provider[];
  totalCount: number;
  hasNextPage: boolean;
  /** Cursor of the last provider of the page, to pass as `after`. */
  endCursor: string | null;
}

export const MAX_PAGE_SIZE = 100;

export function encodeCursor(p: { nameKey: string; id: number }): string {
  return Buffer.from(JSON.stringify([p.nameKey, p.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, number] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && Number.isInteger(value[1])) return [value[0], value[1] as number];
  } catch {
    /* reported below */
  }
  throw new DirectoryError('BAD_USER_INPUT', 'Curseur de pagination illisible : reprenez la liste depuis le début.');
}

type ProviderQuery = SelectQueryBuilder<DirectoryTables, 'directory_providers', object>;

/** The WHERE clauses of a filter, on listed providers only. */
export function applyFilter(query: ProviderQuery, filter: z.infer<typeof providerFilterSchema>): ProviderQuery {
  let q = query.where('directory_providers.listed', '=', 1);
  if (filter.kind) q = q.where('directory_providers.kind', '=', filter.kind);
  if (filter.service) {
    const service = filter.service;
    q = q.where(({ exists, selectFrom }) =>
      exists(selectFrom('directory_provider_services as s').select('s.provider_id').whereRef('s.provider_id', '=', 'directory_providers.id').where('s.service', '=', service)),
    );
  }
  if (filter.territory) {
    const area = filter.territory;
    q = q.where(({ exists, selectFrom }) =>
      exists(selectFrom('directory_provider_areas as a').select('a.provider_id').whereRef('a.provider_id', '=', 'directory_providers.id').where('a.area_key', '=', area)),
    );
  }
  if (filter.text) {
    for (const word of foldText(filter.text).replace(/[%_\\]/g, ' ').split(' ').filter(Boolean)) {
      q = q.where('directory_providers.search_text', 'like', `%${word}%`);
    }
  }
  if (filter.near) {
    // Equirectangular distance: exact enough within a few hundred km, and plain arithmetic on
    // both backends (SQLite has no trigonometry by default).
    const { lat, lon, radiusKm } = filter.near;
    const ky = 110.574;
    const kx = 111.32 * Math.cos((lat * Math.PI) / 180);
    const dLat = radiusKm / ky;
    q = q
      .where('directory_providers.lat', 'is not', null)
      .where('directory_providers.lat', '>=', lat - dLat)
      .where('directory_providers.lat', '<=', lat + dLat)
      .where(
        sql<boolean>`((directory_providers.lat - ${lat}) * ${ky}) * ((directory_providers.lat - ${lat}) * ${ky}) + ((directory_providers.lon - ${lon}) * ${kx}) * ((directory_providers.lon - ${lon}) * ${kx}) <= ${radiusKm * radiusKm}`,
      );
  }
  return q;
}

/** Listed providers matching `filter`, by name, `first` after the cursor `after`. */
export async function searchProviders(db: DirectoryDb, filter: z.infer<typeof providerFilterSchema>, first: number, after: string | null | undefined): Promise<ProviderPage> {
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new DirectoryError('BAD_USER_INPUT', `first : entre 0 et ${MAX_PAGE_SIZE}.`);
  }
  const base = db.selectFrom('directory_providers');
  let pageQuery = applyFilter(base, filter).selectAll('directory_providers');
  if (after) {
    const [nameKey, id] = decodeCursor(after);
    pageQuery = pageQuery.where((eb) =>
      eb.or([eb('directory_providers.name_key', '>', nameKey), eb.and([eb('directory_providers.name_key', '=', nameKey), eb('directory_providers.id', '>', id)])]),
    );
  }
  const [rows, count] = await Promise.all([
    pageQuery.orderBy('directory_providers.name_key').orderBy('directory_providers.id').limit(first + 1).execute(),
    applyFilter(base, filter).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  const page = rows.slice(0, first);
  const last = page[page.length - 1];
  return {
    providers: page.map(toProvider),
    totalCount: Number(count.n),
    hasNextPage: rows.length > first,
    endCursor: last ? encodeCursor({ nameKey: last.name_key, id: Number(last.id) }) : null,
  };
}

/** The first `limit` listed providers matching `filter`, by name: one query, no count (ranking candidates). */
export async function providersMatching(db: DirectoryDb, filter: z.infer<typeof providerFilterSchema>, limit: number): Promise<Provider[]> {
  const rows = await applyFilter(db.selectFrom('directory_providers'), filter)
    .selectAll('directory_providers')
    .orderBy('directory_providers.name_key')
    .orderBy('directory_providers.id')
    .limit(Math.max(0, Math.min(limit, MAX_PAGE_SIZE)))
    .execute();
  return rows.map(toProvider);
}
