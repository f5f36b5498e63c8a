import { changedTitlesSince, latestChange, type ChangeMark } from './changes.js';
import type { WikiClient } from './client.js';
import { WikiUnavailableError } from './errors.js';
import type { WikiLogger } from './options.js';
import { PageStore, type CachedPage, type WikiCacheStats } from './page-cache.js';
import type { WikiCategoryMember, WikiPage, WikiRecentChange, WikiSearchHit } from './pages.js';
import type { ApiParams } from './transport.js';

export interface WikiReadCacheOptions {
  /**
   * Longest time a change made on the wiki takes to show through the cache, in ms: the change
   * feed (list=recentchanges) is read this often, one API call for the whole wiki. An entry not
   * confirmed by the feed for twice this long is read again. Default: 10 000.
   */
  maxStalenessMs?: number;
  /** While the wiki is unreachable, cached pages are still served, marked stale, up to this age (ms). Default: 300 000. */
  maxStaleServeMs?: number;
  /** Most pages kept. Default: 10 000. */
  maxEntries?: number;
  /** Most bytes kept (estimated heap size of the pages). Default: 32 MiB. */
  maxBytes?: number;
  /** Clock, in ms. Default: Date.now. */
  now?: () => number;
  logger?: WikiLogger;
}

/** Pages read through the cache, with what could not be read and how stale the oldest stale answer is. */
export interface PageReads {
  pages: Map<string, WikiPage>;
  failed: Map<string, Error>;
  /** Set when some page came from the cache past its freshness because the wiki is unreachable. */
  staleAgeSeconds: number | undefined;
}

/** Everything the gateway shows of a page: read once, whatever the query asked. */
const FULL_PAGE = { content: true, contributors: true, categories: true } as const;

function isUnavailable(err: unknown): boolean {
  return err instanceof WikiUnavailableError;
}

/**
 * A read cache shared by every gateway request, in front of one WikiClient. Staleness is
 * bounded by reading the wiki's change feed every `maxStalenessMs` (one API call, continuation
 * when many pages changed) and dropping exactly the changed titles, instead of per-title TTLs;
 * Pollen's own edits drop their page at once (`watchEdits`). Concurrent reads of one title share
 * one upstream read. When the wiki is down, cached pages are served and reported stale up to
 * `maxStaleServeMs`; pages never read fail as before.
 */
/** How stale the list of recent changes may be after an edit of Pollen's own (ms). */
const OWN_EDIT_LIST_MS = 1000;

export class WikiReadCache {
  readonly stats: WikiCacheStats = {
    hits: 0, misses: 0, invalidations: 0, evictions: 0, entries: 0, bytes: 0, polls: 0, pollFailures: 0, staleServed: 0,
  };
  readonly maxStalenessMs: number;
  readonly maxStaleServeMs: number;
  private readonly store: PageStore;
  private readonly now: () => number;
  private readonly logger: WikiLogger | undefined;
  private readonly inFlight = new Map<string, Promise<WikiPage>>();
  /** Titles invalidated while reads were in flight, with the epoch of their invalidation. */
  private readonly invalidatedDuringReads = new Map<string, number>();
  private epoch = 0;
  /** Reads started before this epoch are not kept (the feed's starting point came after them). */
  private keepFromEpoch = 0;
  private mark: ChangeMark | undefined;
  /** Every change made before this instant (ms) has been applied. */
  private syncedAt = Number.NEGATIVE_INFINITY;
  /** The last poll or read found the wiki unreachable. */
  private wikiDown = false;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private readonly invalidationListeners = new Set<(titles: readonly string[] | 'all') => void>();
  /** The last list of recent changes read, with the feed's newest change and the time when it was read. */
  private recent: { rcid: number; limit: number; changes: WikiRecentChange[]; readAt: number; ownEdit: boolean } | undefined;

  constructor(
    private readonly client: WikiClient,
    options: WikiReadCacheOptions = {},
  ) {
    this.maxStalenessMs = options.maxStalenessMs ?? 10_000;
    this.maxStaleServeMs = options.maxStaleServeMs ?? 300_000;
    this.store = new PageStore(options.maxEntries ?? 10_000, options.maxBytes ?? 32 * 1024 * 1024, this.stats);
    this.now = options.now ?? Date.now;
    this.logger = options.logger;
  }

  /** The wiki as the change feed last found it (no request made): for /readyz. */
  get lastSeenReachable(): boolean {
    return !this.wikiDown;
  }

  get apiUrl(): string {
    return this.client.apiUrl;
  }

  /** Reads the change feed every `maxStalenessMs` until `stop()`; the first read sets where the feed starts. */
  start(): void {
    if (this.timer) return;
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.maxStalenessMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Drops the cached pages of these titles (Pollen saved them); the next read goes to the wiki. */
  invalidate(titles: Iterable<string>): void {
    const dropped: string[] = [];
    for (const title of titles) {
      this.epoch += 1;
      if (this.inFlight.size > 0) this.invalidatedDuringReads.set(title, this.epoch);
      this.inFlight.delete(title);
      this.store.invalidate(title);
      dropped.push(title);
    }
    // Pollen's own edit (or one the feed found) is on the list of recent changes within a second.
    if (dropped.length > 0 && this.recent) this.recent.ownEdit = true;
    if (dropped.length > 0) for (const listener of this.invalidationListeners) listener(dropped);
  }

  /** Drops every cached page (e.g. after the wiki was restored from a backup); reads in flight are not kept. */
  clear(): void {
    this.keepFromEpoch = ++this.epoch;
    this.inFlight.clear();
    this.store.clear();
    for (const listener of this.invalidationListeners) listener('all');
  }

  /**
   * Calls `listener` with the titles each invalidation drops (the change feed, Pollen's own
   * edits), or `'all'` when every page is dropped: what was built from these pages is stale too.
   */
  onInvalidated(listener: (titles: readonly string[] | 'all') => void): () => void {
    this.invalidationListeners.add(listener);
    return () => this.invalidationListeners.delete(listener);
  }

  /** Invalidates every page `client` saves, as soon as the save succeeds. */
  watchEdits(client: WikiClient): () => void {
    return client.onPageSaved((title) => this.invalidate([title]));
  }

  /** One read of the change feed (also what the timer runs); concurrent calls share it. */
  poll(): Promise<void> {
    this.polling ??= this.pollOnce().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    const started = this.now();
    this.stats.polls += 1;
    try {
      if (!this.mark) {
        this.mark = await latestChange(this.client);
        // Pages read before the feed's starting point may predate changes it will never report.
        this.store.clear();
        this.keepFromEpoch = ++this.epoch;
        for (const listener of this.invalidationListeners) listener('all');
      } else {
        const changed = await changedTitlesSince(this.client, this.mark);
        this.invalidate(changed.titles);
        this.mark = changed.mark;
      }
      this.syncedAt = started;
      this.wikiDown = false;
    } catch (err) {
      this.stats.pollFailures += 1;
      if (isUnavailable(err)) this.wikiDown = true;
      this.logger?.warn({ code: (err as { code?: string }).code }, 'wiki change feed not read; cached pages age until it is');
    }
  }

  /** Pages by title, as WikiClient.getPages; rejects when a page can be neither read nor served stale. */
  async getPages(titles: readonly string[]): Promise<Map<string, WikiPage>> {
    const reads = await this.readPages(titles);
    const [failure] = reads.failed.values();
    if (failure) throw failure;
    return reads.pages;
  }

  /**
   * Pages by title, from the cache when fresh, else from the wiki (one read for all the titles
   * missing). Cached pages the feed has not confirmed lately wait for one read of the feed
   * (shared by every request) rather than each being read again.
   */
  async readPages(titles: readonly string[]): Promise<PageReads> {
    if (this.mark && !this.wikiDown && titles.some((t) => this.needsConfirmation(t))) await this.poll();
    return this.readPagesNow(titles);
  }

  /** Cached, but older than the freshness window: a read of the feed may confirm it. */
  private needsConfirmation(title: string): boolean {
    const entry = this.store.peek(title);
    return entry !== undefined && this.now() - Math.max(entry.fetchedAt, this.syncedAt) > 2 * this.maxStalenessMs;
  }

  private async readPagesNow(titles: readonly string[]): Promise<PageReads> {
    const now = this.now();
    const result: PageReads = { pages: new Map(), failed: new Map(), staleAgeSeconds: undefined };
    const fallbacks = new Map<string, CachedPage>();
    const serveStale = (title: string, entry: CachedPage): void => {
      const age = Math.round((now - Math.max(entry.fetchedAt, this.syncedAt)) / 1000);
      result.pages.set(title, entry.page);
      result.staleAgeSeconds = Math.max(result.staleAgeSeconds ?? 0, age);
      this.stats.staleServed += 1;
    };
    const waits: Array<Promise<void>> = [];
    const missing: string[] = [];
    for (const title of new Set(titles)) {
      const entry = this.store.get(title);
      if (entry) {
        const age = now - Math.max(entry.fetchedAt, this.syncedAt);
        if (age <= 2 * this.maxStalenessMs) {
          this.stats.hits += 1;
          result.pages.set(title, entry.page);
          continue;
        }
        if (age <= this.maxStaleServeMs) {
          if (this.wikiDown) {
            serveStale(title, entry);
            continue;
          }
          fallbacks.set(title, entry);
        }
      }
      const pending = this.inFlight.get(title);
      if (pending) {
        this.stats.hits += 1;
        waits.push(pending.then((page) => void result.pages.set(title, page)));
        continue;
      }
      this.stats.misses += 1;
      missing.push(title);
    }
    if (missing.length > 0) waits.push(this.fetch(missing).then((found) => missing.forEach((t) => result.pages.set(t, found.get(t)!))));
    const settled = await Promise.allSettled(waits);
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) {
      // Whatever is not read: stale if the cache has it and the wiki is unreachable, else failed.
      for (const title of new Set(titles)) {
        if (result.pages.has(title)) continue;
        const entry = fallbacks.get(title);
        if (entry && isUnavailable(failure.reason)) serveStale(title, entry);
        else result.failed.set(title, failure.reason as Error);
      }
    }
    return result;
  }

  /** One upstream read for these titles; every concurrent reader of one of them waits on it. */
  private fetch(titles: string[]): Promise<Map<string, WikiPage>> {
    const startedAt = this.now();
    const startEpoch = this.epoch;
    const batch = this.client.getPages(titles, FULL_PAGE).then(
      (found) => {
        this.wikiDown = false;
        const pages = new Map(titles.map((t) => [t, found.get(t) ?? { title: t, exists: false }]));
        for (const [title, page] of pages) {
          if (this.inFlight.get(title) !== perTitle.get(title)) continue; // invalidated meanwhile
          if (startEpoch < this.keepFromEpoch || this.changedSince(startEpoch, title, page.title)) continue;
          this.store.set(title, page, startedAt);
        }
        return pages;
      },
      (err: unknown) => {
        if (isUnavailable(err)) this.wikiDown = true;
        throw err;
      },
    );
    const perTitle = new Map(titles.map((t) => [t, batch.then((pages) => pages.get(t)!)]));
    for (const [title, promise] of perTitle) {
      this.inFlight.set(title, promise);
      promise.catch(() => undefined); // each reader handles the batch's failure
    }
    const done = (): void => {
      for (const [title, promise] of perTitle) if (this.inFlight.get(title) === promise) this.inFlight.delete(title);
      if (this.inFlight.size === 0) this.invalidatedDuringReads.clear();
    };
    batch.then(done, done);
    return batch;
  }

  private changedSince(epoch: number, ...titles: string[]): boolean {
    return titles.some((t) => (this.invalidatedDuringReads.get(t) ?? -1) > epoch);
  }

  // Reads the cache does not keep: searches, listings and the feed itself change with every edit.
  searchPages(text: string, limit?: number): Promise<WikiSearchHit[]> {
    return this.client.searchPages(text, limit);
  }

  categoryMembers(category: string, limit?: number): Promise<WikiCategoryMember[]> {
    return this.client.categoryMembers(category, limit);
  }

  /**
   * The latest changes, as the wiki lists them. Kept while the feed, read every
   * `maxStalenessMs`, finds no newer change than when they were read: the list cannot have
   * changed, so a dashboard reloaded by four facilitators makes no request to a busy wiki. Stale
   * by at most `maxStalenessMs`, as every page read through this cache; after an edit of Pollen's
   * own (a published note, a directory fiche), by at most `OWN_EDIT_LIST_MS`: read again, but at
   * most once in that time while Pollen publishes page after page.
   */
  async recentChanges(limit = 50): Promise<WikiRecentChange[]> {
    const rcid = this.mark?.rcid;
    const epoch = this.epoch;
    const fresh = rcid !== undefined && !this.wikiDown && this.now() - this.syncedAt <= this.maxStalenessMs;
    const kept = this.recent;
    if (fresh && kept && kept.rcid === rcid && kept.limit >= limit && (!kept.ownEdit || this.now() - kept.readAt < OWN_EDIT_LIST_MS)) {
      return kept.changes.slice(0, limit);
    }
    const readAt = this.now();
    const changes = await this.client.recentChanges(limit);
    // Kept as current only when nothing moved during the read (a poll or an edit may have landed).
    if (fresh && this.mark?.rcid === rcid) this.recent = { rcid, limit, changes, readAt, ownEdit: this.epoch !== epoch };
    return changes;
  }

  siteInfo(): ReturnType<WikiClient['siteInfo']> {
    return this.client.siteInfo();
  }

  request(params: ApiParams): Promise<unknown> {
    return this.client.request(params);
  }
}
