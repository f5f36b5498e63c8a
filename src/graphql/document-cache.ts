import type { DocumentNode } from 'graphql';

/** What a bounded cache holds and has dropped, for /metrics and the specs. */
export interface BoundedCacheStats {
  entries: number;
  /** Estimated heap bytes of what is held. */
  bytes: number;
  /** Entries dropped to stay within the bounds. */
  evictions: number;
  /** Lookups that found their entry, and those that did not. */
  hits: number;
  misses: number;
}

export interface BoundedCacheOptions<V> {
  /** Most entries kept. */
  maxEntries: number;
  /** Most estimated bytes kept; an entry larger than this is not kept at all. */
  maxBytes: number;
  /** Estimated heap bytes of one value. */
  sizeOf: (value: V) => number;
}

/**
 * A least-recently-used cache bounded in entries and in estimated bytes, with the get/set/delete
 * shape Apollo Server takes for its caches (`documentStore`, `cache`). Apollo's own default holds
 * up to 30 MiB of JSON per cache (more once parsed): every distinct query text a client invents
 * would stay in the gateway's heap until then.
 */
export class BoundedCache<V> {
  readonly stats: BoundedCacheStats = { entries: 0, bytes: 0, evictions: 0, hits: 0, misses: 0 };
  private readonly entries = new Map<string, { value: V; bytes: number }>();

  constructor(private readonly options: BoundedCacheOptions<V>) {}

  async get(key: string): Promise<V | undefined> {
    const entry = this.entries.get(key);
    if (!entry) {
      this.stats.misses += 1;
      return undefined;
    }
    this.stats.hits += 1;
    // Most recently used last: the Map's order is the eviction order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  async set(key: string, value: V): Promise<void> {
    this.remove(key);
    const bytes = this.options.sizeOf(value);
    if (bytes > this.options.maxBytes) return;
    this.entries.set(key, { value, bytes });
    this.stats.bytes += bytes;
    while (this.entries.size > this.options.maxEntries || this.stats.bytes > this.options.maxBytes) {
      this.remove(this.entries.keys().next().value as string);
      this.stats.evictions += 1;
    }
    this.stats.entries = this.entries.size;
  }

  async delete(key: string): Promise<boolean> {
    return this.remove(key);
  }

  private remove(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.stats.bytes -= entry.bytes;
    this.stats.entries = this.entries.size;
    return true;
  }
}

/**
 * Estimated heap bytes of a parsed document: 64 bytes of AST per character of the query text it
 * was parsed from, plus 2 KB (measured with graphql's parse, locations kept as Apollo keeps them:
 * 4.5 KB for a 41-character query, 15 KB for a 238-character one).
 */
export function estimateDocumentBytes(document: DocumentNode): number {
  return 64 * (document.loc?.end ?? 0) + 2048;
}

/** Estimated heap bytes of a query text kept for automatic persisted queries. */
export function estimateTextBytes(text: string): number {
  return 2 * text.length + 64;
}

/** Parsed and validated documents Apollo keeps, by query text: 1,000 at most, 8 MiB. */
export const DOCUMENT_CACHE_LIMITS = { maxEntries: 1000, maxBytes: 8 * 2 ** 20 } as const;

/** Query texts kept for automatic persisted queries, by hash: 1,000 at most, 2 MiB. */
export const PERSISTED_QUERY_LIMITS = { maxEntries: 1000, maxBytes: 2 * 2 ** 20 } as const;
