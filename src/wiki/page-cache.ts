import type { WikiPage } from './pages.js';

/** What the cache has done since it was made: for metrics (src/metrics.ts mirrors these). */
export interface WikiCacheStats {
  hits: number;
  misses: number;
  /** Entries dropped because the page changed (the change feed, or Pollen's own edit). */
  invalidations: number;
  /** Entries dropped to stay within the entry and byte bounds. */
  evictions: number;
  entries: number;
  bytes: number;
  /** Reads of the change feed, and those that failed (wiki down). */
  polls: number;
  pollFailures: number;
  /** Answers served past their freshness because the wiki could not be reached. */
  staleServed: number;
}

export interface CachedPage {
  page: WikiPage;
  /** When the wiki gave it (ms, the cache's clock). */
  fetchedAt: number;
  /** Estimated heap size. */
  bytes: number;
}

/**
 * Estimated heap bytes of a page: its strings (two bytes a character at worst) plus a fixed
 * overhead for the objects around them. An estimate, used only to bound the cache.
 */
export function estimatePageBytes(requested: string, page: WikiPage): number {
  let chars = requested.length + page.title.length + (page.content?.length ?? 0);
  if (page.lastRevision) chars += page.lastRevision.user.length + page.lastRevision.comment.length + page.lastRevision.timestamp.length;
  for (const name of page.contributors ?? []) chars += name.length + 16;
  for (const name of page.categories ?? []) chars += name.length + 16;
  return 2 * chars + 400;
}

/**
 * The pages themselves: least recently used first, bounded in entries and in bytes, keyed by
 * the title as requested, with an index from the wiki's own title (after normalization and
 * redirects) back to those keys so a change to `Nextcloud` drops `nextcloud` too.
 */
export class PageStore {
  private readonly entries = new Map<string, CachedPage>();
  private readonly byWikiTitle = new Map<string, Set<string>>();
  private totalBytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
    private readonly stats: WikiCacheStats,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** The entry, leaving the order of use alone. */
  peek(key: string): CachedPage | undefined {
    return this.entries.get(key);
  }

  /** The entry, marked as most recently used. */
  get(key: string): CachedPage | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, page: WikiPage, fetchedAt: number): void {
    this.remove(key);
    const bytes = estimatePageBytes(key, page);
    // A page larger than the whole budget is served but not kept.
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { page, fetchedAt, bytes });
    this.totalBytes += bytes;
    let keys = this.byWikiTitle.get(page.title);
    if (!keys) this.byWikiTitle.set(page.title, (keys = new Set()));
    keys.add(key);
    while (this.entries.size > this.maxEntries || this.totalBytes > this.maxBytes) {
      const oldest = this.entries.keys().next().value as string;
      this.remove(oldest);
      this.stats.evictions += 1;
    }
    this.syncStats();
  }

  /** Drops every entry for `title`, as requested or as the wiki names it; returns how many. */
  invalidate(title: string): number {
    let dropped = 0;
    for (const key of [title, ...(this.byWikiTitle.get(title) ?? [])]) if (this.remove(key)) dropped += 1;
    this.stats.invalidations += dropped;
    this.syncStats();
    return dropped;
  }

  clear(): void {
    this.entries.clear();
    this.byWikiTitle.clear();
    this.totalBytes = 0;
    this.syncStats();
  }

  private remove(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.totalBytes -= entry.bytes;
    const keys = this.byWikiTitle.get(entry.page.title);
    keys?.delete(key);
    if (keys?.size === 0) this.byWikiTitle.delete(entry.page.title);
    return true;
  }

  private syncStats(): void {
    this.stats.entries = this.entries.size;
    this.stats.bytes = this.totalBytes;
  }
}
