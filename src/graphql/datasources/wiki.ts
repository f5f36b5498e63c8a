import DataLoader from 'dataloader';
import { fromUpstream, type UpstreamObserver } from '../errors.js';

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
  /** One uncached API request (health probes). */
  request(params: Record<string, string | number | boolean | undefined>): Promise<unknown>;
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
  private readonly pages: DataLoader<string, WikiPageView>;

  constructor(
    private readonly api: WikiApi,
    private readonly observe?: UpstreamObserver,
  ) {
    this.pages = new DataLoader(
      (titles) =>
        fromUpstream('wiki', async () => {
          const found = await api.getPages([...titles], { content: true, contributors: true, categories: true });
          return titles.map((title) => this.view(found.get(title) ?? { title, exists: false }));
        }, observe),
      // The wiki layer splits into batches of the size the account allows.
      { maxBatchSize: 5000 },
    );
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

  search(text: string, limit: number) {
    return fromUpstream('wiki', () => this.api.searchPages(text, limit), this.observe);
  }

  async categoryMembers(name: string, limit: number): Promise<WikiPageView[]> {
    const members = await fromUpstream('wiki', () => this.api.categoryMembers(name, limit), this.observe);
    return this.pagesByTitle(members.map((m) => m.title));
  }

  recentChanges(limit: number) {
    return fromUpstream('wiki', () => this.api.recentChanges(limit), this.observe);
  }

  pageUrl(title: string): string {
    return pageUrl(this.api.apiUrl, title);
  }

  private view(page: WikiPageData): WikiPageView {
    return { ...page, url: this.pageUrl(page.title) };
  }
}

/** `https://host/w/api.php` + `Ma page` -> `https://host/w/index.php?title=Ma_page`. */
export function pageUrl(apiUrl: string, title: string): string {
  const base = apiUrl.replace(/api\.php(?:\?.*)?$/, 'index.php');
  return `${base}?title=${encodeURIComponent(title.replace(/ /g, '_'))}`;
}
