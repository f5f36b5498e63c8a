/**
 * /annuaire's reads, apart from the service (which the GraphQL API pages by cursor): one page of
 * the list by number (an offset and a count, so the last of 250 pages is one click away), and
 * the map's points, or its counts by département when too many providers match. The page's
 * quotes come in one more query (DirectoryService.recommendations): four queries a page.
 */
import { sql } from 'kysely';
import { parseInput, providerFilterSchema, type ProviderFilter } from './inputs.js';
import { MAX_MAP_POINTS, type MapGroup, type MapPlan, type MapProvider } from './map/map.js';
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


/** Listed providers matching `filter`, by name, page `page` (from 1) of `size`. */
export async function providersPage(db: DirectoryDb, filter: ProviderFilter, page: number, size: number, known?: { totalCount: number }): Promise<NumberedPage> {
  const parsed = parseInput(providerFilterSchema, filter);
  const base = db.selectFrom('directory_providers');
  const [rows, totalCount] = await Promise.all([
    applyFilter(base, parsed)
      .selectAll('directory_providers')
      .orderBy('directory_providers.name_key')
      .orderBy('directory_providers.id')
      .limit(size)
      .offset((page - 1) * size)
      .execute(),
    known ? known.totalCount : applyFilter(base, parsed).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow().then((c) => Number(c.n)),
  ]);
  return { providers: rows.map(toProvider), totalCount, page, pageCount: Math.max(1, Math.ceil(totalCount / size)) };
}

/** What a filter's pages share: how many providers match, and the map drawn from them. */
export interface FilterSummary {
  totalCount: number;
  map: MapPlan;
}

/** Filters whose summary is kept (the common ones: none, a service, a territory). */
const SUMMARIES_KEPT = 500;

/**
 * Each filter's count and map, kept while the directory's change marker (src/store/changes.ts:
 * raised by every write to its tables, from any process) has not moved: the next page of the
 * same filter reads only its rows, and any write, on any replica, makes the next read count
 * again. One read of the marker per page.
 */
export class FilterSummaries {
  #version: number | undefined;
  readonly #kept = new Map<string, FilterSummary>();

  async of(db: DirectoryDb, filter: ProviderFilter): Promise<{ summary: FilterSummary | undefined; keep(summary: FilterSummary): void }> {
    const { rows } = await sql<{ version: number | string }>`select version from store_changes where scope = 'directory'`.execute(db);
    const version = rows[0] === undefined ? undefined : Number(rows[0].version);
    if (version === undefined || version !== this.#version) {
      this.#kept.clear();
      this.#version = version;
    }
    const key = JSON.stringify([filter.service ?? null, filter.territory ?? null, filter.kind ?? null, filter.text ?? null]);
    return {
      summary: version === undefined ? undefined : this.#kept.get(key),
      keep: (summary) => {
        if (version === undefined || this.#version !== version) return;
        if (this.#kept.size >= SUMMARIES_KEPT) this.#kept.delete(this.#kept.keys().next().value!);
        this.#kept.set(key, summary);
      },
    };
  }
}

/** The département of a row's postal code, in SQL (SQLite and PostgreSQL): as departementOfPostalCode. */
const departementKey = sql<string | null>`case
  when directory_providers.postal_code like '97%' then substr(directory_providers.postal_code, 1, 3)
  when directory_providers.postal_code like '20%' then (case when directory_providers.postal_code < '20200' then '2A' else '2B' end)
  else substr(directory_providers.postal_code, 1, 2) end`;

/**
 * What the map draws of the `total` providers matching `filter`, in one query: each provider
 * (slug, name, point) up to MAX_MAP_POINTS of them, else one row per département (count and mean
 * point; a provider without a postal code is a row of its own, placed by its point).
 */
export async function mapData(db: DirectoryDb, filter: ProviderFilter, total: number): Promise<{ providers: MapProvider[] } | { groups: MapGroup[] }> {
  const parsed = parseInput(providerFilterSchema, filter);
  const base = applyFilter(db.selectFrom('directory_providers'), parsed);
  if (total <= MAX_MAP_POINTS) {
    const rows = await base
      .select(['directory_providers.slug', 'directory_providers.name', 'directory_providers.lat', 'directory_providers.lon', 'directory_providers.postal_code'])
      .orderBy('directory_providers.name_key')
      .orderBy('directory_providers.id')
      .limit(MAX_MAP_POINTS)
      .execute();
    return { providers: rows.map((r) => ({ slug: r.slug, name: r.name, lat: r.lat === null ? null : Number(r.lat), lon: r.lon === null ? null : Number(r.lon), postalCode: r.postal_code })) };
  }
  const rows = await base
    .select((eb) => [
      departementKey.as('departement'),
      eb.fn.countAll<number | string>().as('n'),
      eb.fn.count<number | string>('directory_providers.lat').as('located'),
      eb.fn.avg<number | string | null>('directory_providers.lat').as('lat'),
      eb.fn.avg<number | string | null>('directory_providers.lon').as('lon'),
    ])
    .groupBy([departementKey, sql`case when directory_providers.postal_code is null then directory_providers.id end`])
    .execute();
  return {
    groups: rows.map((r) => ({
      departement: r.departement, count: Number(r.n), located: Number(r.located),
      lat: r.lat === null ? null : Number(r.lat), lon: r.lon === null ? null : Number(r.lon),
    })),
  };
}
