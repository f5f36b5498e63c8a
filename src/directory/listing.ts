/**
 * /annuaire's reads, apart from the service (which the GraphQL API pages by cursor): one page of
 * the list by number (an offset and a count, so the last of 250 pages is one click away), and
 * the map's points, every matching provider with only what a point needs. The page's quotes come
 * in one more query (DirectoryService.recommendations): four queries whatever the page size.
 */
import { parseInput, providerFilterSchema, type ProviderFilter } from './inputs.js';
import type { MapProvider } from './map/map.js';
import type { Provider } from './model.js';
import { applyFilter } from './search.js';
import { toProvider, type DirectoryDb } from './store.js';

export interface NumberedPage {
  providers: Provider[];
  totalCount: number;
  /** The page shown, from 1. */
  page: number;
  /** At least 1, even when nothing matches. */
  pageCount: number;
}

/** The map reads at most this many providers (the whole directory, for a long while). */
export const MAP_READ_LIMIT = 20_000;

/** Listed providers matching `filter`, by name, page `page` (from 1) of `size`. */
export async function providersPage(db: DirectoryDb, filter: ProviderFilter, page: number, size: number): Promise<NumberedPage> {
  const parsed = parseInput(providerFilterSchema, filter);
  const base = db.selectFrom('directory_providers');
  const [rows, count] = await Promise.all([
    applyFilter(base, parsed)
      .selectAll('directory_providers')
      .orderBy('directory_providers.name_key')
      .orderBy('directory_providers.id')
      .limit(size)
      .offset((page - 1) * size)
      .execute(),
    applyFilter(base, parsed).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  const totalCount = Number(count.n);
  return { providers: rows.map(toProvider), totalCount, page, pageCount: Math.max(1, Math.ceil(totalCount / size)) };
}

/** Every listed provider matching `filter`, with what the map draws of it, in one query. */
export async function mapProviders(db: DirectoryDb, filter: ProviderFilter): Promise<MapProvider[]> {
  const parsed = parseInput(providerFilterSchema, filter);
  const rows = await applyFilter(db.selectFrom('directory_providers'), parsed)
    .select(['directory_providers.slug', 'directory_providers.name', 'directory_providers.lat', 'directory_providers.lon', 'directory_providers.postal_code'])
    .orderBy('directory_providers.name_key')
    .orderBy('directory_providers.id')
    .limit(MAP_READ_LIMIT)
    .execute();
  return rows.map((r) => ({ slug: r.slug, name: r.name, lat: r.lat === null ? null : Number(r.lat), lon: r.lon === null ? null : Number(r.lon), postalCode: r.postal_code }));
}
