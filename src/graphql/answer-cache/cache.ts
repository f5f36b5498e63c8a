import { createHash } from 'node:crypto';
import type { ChangeVersions } from '../../store/changes.js';

/** What the answer cache holds and has done, for /metrics and the specs. */
export interface AnswerCacheStats {
  entries: number;
  /** Estimated bytes held (the answers' bytes, their keys and titles). */
  bytes: number;
  /** Anonymous requests answered from the cache, and those that were not (then executed). */
  hits: number;
  misses: number;
  /** Answers dropped to stay within the entry and byte bounds. */
  evictions: number;
  /** Answers dropped because what they read changed (a wiki title, a store scope, a reload). */
  invalidations: number;
  /** Conditional requests answered 304 Not Modified. */
  notModified: number;
  /** Hits answered before Express's router, by the front (src/graphql/answer-cache/front.ts). */
  beforeRouter: number;
}

/** One cached answer: the bytes Apollo serialised, with its headers, computed once. */
export interface CachedAnswer {
  body: Buffer;
  /** Strong validator of `body`, quoted (sha1, base64url), computed when stored. */
  etag: string;
  /** `public, max-age=N`. */
  cacheControl: string;
  storedAt: number;
  expiresAt: number;
  /** Wiki titles the answer read (as asked and as the wiki names them). */
  titles: readonly string[];
  /** Store scopes the answer read (`directory`, `agenda`). */
  scopes: readonly string[];
  bytes: number;
}

/** What an executed answer read, as its request's data sources recorded it. */
export interface AnswerReads {
  titles: ReadonlySet<string>;
  scopes: ReadonlySet<string>;
}

export interface AnswerCacheOptions {
  /** Most answers kept; 0 keeps none. */
  maxEntries: number;
  /** Most estimated bytes kept; an answer larger than this is not kept. */
  maxBytes: number;
  /**
   * Longest life of an answer that read wiki pages, in seconds: the wiki read cache's staleness
   * (a change is normally seen through the change feed sooner; this bounds it when the feed
   * cannot be read). Undefined: no change feed watches the wiki, such answers are not kept.
   */
  wikiMaxAgeSeconds?: number | undefined;
  /**
   * The store's change marker (src/store/changes.ts). Answers that read a store scope are served
   * only after the marker was read less than `storeCheckMs` before the request came; a changed
   * scope drops them. Without it, answers that read the store are not kept.
   */
  storeChanges?: (() => Promise<ChangeVersions>) | undefined;
  /** See storeChanges; default 1000 ms; 0: read before every answer that depends on the store. */
  storeCheckMs?: number | undefined;
  /** Clock in ms; default Date.now. */
  now?: () => number;
}

/** Default bounds: 5,000 answers, 16 MiB. */
export const ANSWER_CACHE_LIMITS = { maxEntries: 5000, maxBytes: 16 * 2 ** 20 } as const;

/**
 * Whole serialised GraphQL answers for anonymous requests, by document hash, operation name and
 * variables (src/graphql/answer-cache/http.ts makes the keys and serves them). Least recently
 * used first, bounded in entries and bytes. An answer leaves when its max-age is over, when the
 * change feed names a wiki title it read, when a store scope it read changes (the store's change
 * marker, seen on every replica), or on `clear()` (the curriculum reloaded).
 *
 * `generation` goes up with every invalidation: an answer whose execution began before one is
 * not stored (it may have read what was just invalidated).
 */
export class AnswerCache {
  readonly stats: AnswerCacheStats = { entries: 0, bytes: 0, hits: 0, misses: 0, evictions: 0, invalidations: 0, notModified: 0, beforeRouter: 0 };
  generation = 0;
  private readonly entries = new Map<string, CachedAnswer>();
  private readonly byTitle = new Map<string, Set<string>>();
  private readonly byScope = new Map<string, Set<string>>();
  private readonly now: () => number;
  private readonly storeCheckMs: number;
  private versions: ChangeVersions | undefined;
  /** When the last completed read of the change marker began (ms). */
  private versionsReadFrom = Number.NEGATIVE_INFINITY;
  private reading: { from: number; done: Promise<boolean> } | undefined;

  constructor(private readonly options: AnswerCacheOptions) {
    this.now = options.now ?? Date.now;
    this.storeCheckMs = options.storeCheckMs ?? 1000;
    // Answers that read the store are kept once the marker has been read (see store()).
    if (options.storeChanges && this.enabled) void this.readVersions();
  }

  get enabled(): boolean {
    return this.options.maxEntries > 0;
  }

  /** The answer under `key` if it is still good, marked most recently used. */
  get(key: string, at = this.now()): CachedAnswer | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (at >= entry.expiresAt) {
      this.remove(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  /**
   * True when an answer depending on the store may be served to a request that came at `at`:
   * the change marker was read from `at - storeCheckMs` on (one read shared by every request
   * waiting), and any change it showed has dropped the answers concerned. False when it cannot be read.
   */
  async storeConfirmed(at = this.now()): Promise<boolean> {
    if (!this.options.storeChanges) return false;
    const since = at - this.storeCheckMs;
    if (this.versions && this.versionsReadFrom >= since) return true;
    if (this.reading && this.reading.from >= since) return this.reading.done;
    return this.readVersions();
  }

  /** Reads the store's change marker now; answers of the scopes that changed are dropped. */
  readVersions(): Promise<boolean> {
    const read = this.options.storeChanges;
    if (!read) return Promise.resolve(false);
    const from = this.now();
    const done = read().then(
      (versions) => {
        const before = this.versions;
        if (from >= this.versionsReadFrom) {
          const changed = [...new Set([...versions.keys(), ...(before?.keys() ?? [])])].filter((s) => before?.get(s) !== versions.get(s));
          if (before && changed.length) this.invalidateScopes(changed);
          // The first read: answers executed before it are not kept (what they read is not placed against a version).
          if (!before) this.generation += 1;
          this.versions = versions;
          this.versionsReadFrom = from;
        }
        return true;
      },
      () => false,
    ).finally(() => {
      if (this.reading?.done === done) this.reading = undefined;
    });
    this.reading = { from, done };
    return done;
  }

  /**
   * Keeps an answer. Not kept: an answer whose execution began before an invalidation (at
   * `generation`), one that read the store before the marker was ever read, one too large.
   */
  store(key: string, body: Buffer, maxAgeSeconds: number, reads: AnswerReads, generation: number): CachedAnswer | undefined {
    if (!this.enabled || generation !== this.generation) return undefined;
    const scopes = [...reads.scopes];
    if (scopes.length > 0 && !this.versions) return undefined;
    const titles = [...reads.titles];
    // No change feed to drop it: an answer that read wiki pages is not kept.
    if (titles.length > 0 && this.options.wikiMaxAgeSeconds === undefined) return undefined;
    const maxAge = titles.length > 0 ? Math.min(maxAgeSeconds, this.options.wikiMaxAgeSeconds!) : maxAgeSeconds;
    if (maxAge <= 0) return undefined;
    let bytes = body.length + 2 * key.length + 400;
    for (const title of titles) bytes += 2 * title.length + 64;
    if (bytes > this.options.maxBytes) return undefined;
    this.remove(key);
    const storedAt = this.now();
    const entry: CachedAnswer = {
      body,
      etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
      cacheControl: `public, max-age=${maxAge}`,
      storedAt,
      expiresAt: storedAt + maxAge * 1000,
      titles,
      scopes,
      bytes,
    };
    this.entries.set(key, entry);
    this.stats.bytes += bytes;
    for (const title of titles) index(this.byTitle, title, key);
    for (const scope of scopes) index(this.byScope, scope, key);
    while (this.entries.size > this.options.maxEntries || this.stats.bytes > this.options.maxBytes) {
      this.remove(this.entries.keys().next().value as string);
      this.stats.evictions += 1;
    }
    this.stats.entries = this.entries.size;
    return entry;
  }

  /** Drops the answers that read one of these wiki titles (the change feed named them). */
  invalidateTitles(titles: Iterable<string>): void {
    let any = false;
    for (const title of titles) {
      any = true;
      for (const key of [...(this.byTitle.get(title) ?? [])]) if (this.remove(key)) this.stats.invalidations += 1;
    }
    if (any) this.generation += 1;
  }

  /** Drops every answer that read a wiki page (the wiki read cache was emptied). */
  invalidateWiki(): void {
    for (const keys of [...this.byTitle.values()]) for (const key of [...keys]) if (this.remove(key)) this.stats.invalidations += 1;
    this.generation += 1;
  }

  /** Drops the answers that read these store scopes (`directory`, `agenda`). */
  invalidateScopes(scopes: Iterable<string>): void {
    for (const scope of scopes) for (const key of [...(this.byScope.get(scope) ?? [])]) if (this.remove(key)) this.stats.invalidations += 1;
    this.generation += 1;
  }

  /** Drops every answer (the curriculum was reloaded). */
  clear(): void {
    this.stats.invalidations += this.entries.size;
    for (const key of [...this.entries.keys()]) this.remove(key);
    this.generation += 1;
  }

  private remove(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.stats.bytes -= entry.bytes;
    for (const title of entry.titles) unindex(this.byTitle, title, key);
    for (const scope of entry.scopes) unindex(this.byScope, scope, key);
    this.stats.entries = this.entries.size;
    return true;
  }
}

function index(map: Map<string, Set<string>>, name: string, key: string): void {
  let keys = map.get(name);
  if (!keys) map.set(name, (keys = new Set()));
  keys.add(key);
}

function unindex(map: Map<string, Set<string>>, name: string, key: string): void {
  const keys = map.get(name);
  keys?.delete(key);
  if (keys?.size === 0) map.delete(name);
}
