import DataLoader from 'dataloader';
import { fromUpstream, upstreamError, type UpstreamObserver } from '../errors.js';

/** What the gateway reads of a wiki page (the wiki layer's WikiPage satisfies it). */
export interface WikiPageData {
  title: string;
  exists: boolean;
  pageId?: number;
  lastRevision?: { revid: number; timestamp: string; user: string; comment: string };
  content?: string;
  contributors?: string[];
  categories?: string[];
}

/** The wiki operations the gateway needs; `WikiClient` from src/wiki provides them. */
export interface WikiApi {
  readonly apiUrl: string;
  getPages(
    titles: string[],
    opts?: { content?: boolean; contributors?: boolean; categories?: boolean },
  ): Promise<Map<string, WikiPageData>>;
  searchPages(text: string, limit?: number): Promise<Array<{ title: string; snippet: string }>>;
  categoryMembers(category: string, limit?: number): Promise<Array<{ title: string }>>;
  recentChanges(limit?: number): Promise<
    Array<{ title: string; type: string; user: string; timestamp: string; comment: string; revid?: number; bot: boolean }>
  >;
  siteInfo(): Promise<{ generator: string }>;
  /**
   * Pages with per-title failures and staleness, when the API is the shared read cache
   * (src/wiki/read-cache.ts): a page that cannot be read fails alone, and a page served from
   * the cache while the wiki is down says how old it is.
   */
  readPages?(titles: string[]): Promise<{ pages: Map<string, WikiPageData>; failed: Map<string, Error>; staleAgeSeconds: number | undefined }>;
  /** One uncached API request (health probes). */
  request(params: Record<string, string | number | boolean | undefined>): Promise<unknown>;
}

type RecentChangeData = Awaited<ReturnType<WikiApi['recentChanges']>>[number];
interface SearchKey {
  text: string;
  limit: number;
}

export interface WikiPageView extends WikiPageData {
  url: string;
}

/**
 * The wiki, seen from one GraphQL request. Page reads go through one DataLoader, so every
 * title asked for in the same tick (a list of pages, the modules of the curriculum, search
 * hits) is fetched together: N titles cost ceil(N/50) API calls (ceil(N/500) with apihighlimits).
 */
export class WikiDataSource {
  private loader: DataLoader<string, WikiPageView> | undefined;
  /**
   * Age in seconds of the oldest page this request got from the cache while the wiki was
   * unreachable; undefined when every page was fresh. Reported on the response (`extensions.wikiCache`).
   */
  staleAgeSeconds: number | undefined;
  /**
   * Titles of the pages this request read, as asked and as the wiki names them: the answer cache
   * drops the answer when the change feed names one of them.
   */
  readonly titlesRead = new Set<string>();
  private searches: DataLoader<SearchKey, Array<{ title: string; snippet: string }>, string> | undefined;
  private changes: DataLoader<number, RecentChangeData[]> | undefined;
  private readonly categories = new Map<string, Promise<Array<{ title: string }>>>();

  constructor(
    private readonly api: WikiApi,
    private readonly observe?: UpstreamObserver,
  ) {}

  /** Made on the first page read: most requests never read a page. */
  private get pages(): DataLoader<string, WikiPageView> {
    this.loader ??= new DataLoader((titles) => this.load(titles), {
      // The wiki layer splits into batches of the size the account allows.
      maxBatchSize: 5000,
    });
    return this.loader;
  }

  private async load(titles: readonly string[]): Promise<Array<WikiPageView | Error>> {
    const { api } = this;
    for (const title of titles) this.titlesRead.add(title);
    if (!api.readPages) {
      return fromUpstream('wiki', async () => {
        const found = await api.getPages([...titles], { content: true, contributors: true, categories: true });
        return titles.map((title) => this.view(found.get(title) ?? { title, exists: false }));
      }, this.observe);
    }
    const reads = await api.readPages([...titles]);
    if (reads.staleAgeSeconds !== undefined) this.staleAgeSeconds = Math.max(this.staleAgeSeconds ?? 0, reads.staleAgeSeconds);
    return titles.map((title) => {
      const failure = reads.failed.get(title);
      if (failure) return upstreamError('wiki', failure);
      return this.view(reads.pages.get(title) ?? { title, exists: false });
    });
  }

  page(title: string): Promise<WikiPageView> {
    return this.pages.load(title);
  }

  async pagesByTitle(titles: readonly string[]): Promise<WikiPageView[]> {
    const results = await this.pages.loadMany(titles);
    return results.map((r) => {
      if (r instanceof Error) throw r;
      return r;
    });
  }

  /**
   * Full-text search: aliases asking the same text share one call (with the largest limit asked
   * in that tick, each getting its own first hits), as src/graphql/upstream-budget.ts counts them.
   */
  search(text: string, limit: number): Promise<Array<{ title: string; snippet: string }>> {
    this.searches ??= new DataLoader(
      (keys: readonly SearchKey[]) => {
        const largest = new Map<string, number>();
        for (const { text: t, limit: l } of keys) largest.set(t, Math.max(largest.get(t) ?? 0, l));
        const calls = new Map([...largest].map(([t, l]) => [t, fromUpstream('wiki', () => this.api.searchPages(t, l), this.observe)] as const));
        return Promise.all(keys.map(({ text: t, limit: l }) => calls.get(t)!.then((hits) => hits.slice(0, l), (error: Error) => error)));
      },
      { cacheKeyFn: ({ text: t, limit: l }) => `${l}\u0000${t}` },
    );
    return this.searches.load({ text, limit });
  }

  /** A category's members (one call per name and limit, however many aliases ask), then their pages. */
  async categoryMembers(name: string, limit: number): Promise<WikiPageView[]> {
    const key = `${limit}\u0000${name}`;
    let members = this.categories.get(key);
    if (!members) this.categories.set(key, (members = fromUpstream('wiki', () => this.api.categoryMembers(name, limit), this.observe)));
    return this.pagesByTitle((await members).map((m) => m.title));
  }

  /** Latest changes: every alias of the request shares one call, for the largest limit asked; each gets its first `limit`. */
  recentChanges(limit: number): Promise<RecentChangeData[]> {
    this.changes ??= new DataLoader(async (limits: readonly number[]) => {
      const largest = Math.max(...limits);
      try {
        const changes = await fromUpstream('wiki', () => this.api.recentChanges(largest), this.observe);
        return limits.map((l) => changes.slice(0, l));
      } catch (error) {
        return limits.map(() => error as Error);
      }
    });
    return this.changes.load(limit);
  }

  pageUrl(title: string): string {
    return pageUrl(this.api.apiUrl, title);
  }

  private view(page: WikiPageData): WikiPageView {
    this.titlesRead.add(page.title);
    return { ...page, url: this.pageUrl(page.title) };
  }
}

/** `https://host/w/api.php` + `Ma page` -> `https://host/w/index.php?title=Ma_page`. */
export function pageUrl(apiUrl: string, title: string): string {
  const base = apiUrl.replace(/api\.php(?:\?.*)?$/, 'index.php');
  return `${base}?title=${encodeURIComponent(title.replace(/ /g, '_'))}`;
}
