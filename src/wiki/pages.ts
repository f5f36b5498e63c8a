import { z } from 'zod';
import { parseResponse, type WikiClient } from './client.js';

export interface WikiRevisionInfo {
  revid: number;
  /** The revision before it (0 for a page's first); a page move adds a revision whose parent is the moved page's last. */
  parentId?: number;
  timestamp: string;
  user: string;
  comment: string;
}

export interface WikiPage {
  /** Title as the wiki knows it (normalized, after following a redirect). */
  title: string;
  exists: boolean;
  pageId?: number;
  lastRevision?: WikiRevisionInfo;
  /** Wikitext of the last revision (with `content: true`). */
  content?: string;
  /** Registered contributors' names (with `contributors: true`). */
  contributors?: string[];
  /** Category titles, e.g. `Catégorie:Atelier` (with `categories: true`). */
  categories?: string[];
}

export interface GetPagesOptions {
  content?: boolean;
  contributors?: boolean;
  categories?: boolean;
}

export interface WikiSearchHit {
  title: string;
  pageId: number;
  /** Plain-text excerpt around the match. */
  snippet: string;
  timestamp?: string;
}

export interface WikiCategoryMember {
  title: string;
  pageId: number;
  ns: number;
}

export interface WikiRecentChange {
  type: 'edit' | 'new' | 'log' | 'categorize' | 'external';
  title: string;
  revid?: number;
  oldRevid?: number;
  timestamp: string;
  user: string;
  comment: string;
  bot: boolean;
  minor: boolean;
  tags: string[];
  sizeDelta?: number;
}

const continueSchema = z.record(z.string(), z.union([z.string(), z.number()])).optional();

const pagesSchema = z.object({
  continue: continueSchema,
  query: z
    .object({
      normalized: z.array(z.object({ from: z.string(), to: z.string() })).optional(),
      redirects: z.array(z.object({ from: z.string(), to: z.string() })).optional(),
      pages: z
        .array(
          z.object({
            title: z.string(),
            pageid: z.number().optional(),
            missing: z.boolean().optional(),
            invalid: z.boolean().optional(),
            revisions: z
              .array(
                z.object({
                  revid: z.number(),
                  parentid: z.number().optional(),
                  timestamp: z.string(),
                  user: z.string().optional(),
                  comment: z.string().optional(),
                  slots: z.object({ main: z.object({ content: z.string().optional() }).loose() }).optional(),
                }),
              )
              .optional(),
            contributors: z.array(z.object({ name: z.string() })).optional(),
            categories: z.array(z.object({ title: z.string() })).optional(),
          }),
        )
        .default([]),
    })
    .optional(),
});

type RawPage = NonNullable<z.infer<typeof pagesSchema>['query']>['pages'][number];

function mergePage(into: Map<string, WikiPage>, raw: RawPage, opts: GetPagesOptions): void {
  const page = into.get(raw.title) ?? { title: raw.title, exists: !raw.missing && !raw.invalid };
  if (raw.pageid !== undefined && raw.pageid > 0) page.pageId = raw.pageid;
  const rev = raw.revisions?.[0];
  if (rev) {
    page.lastRevision = {
      revid: rev.revid, ...(rev.parentid !== undefined ? { parentId: rev.parentid } : {}), timestamp: rev.timestamp, user: rev.user ?? '', comment: rev.comment ?? '',
    };
    if (opts.content && rev.slots?.main.content !== undefined) page.content = rev.slots.main.content;
  }
  if (opts.contributors && page.exists) page.contributors = [...(page.contributors ?? []), ...(raw.contributors ?? []).map((c) => c.name)];
  if (opts.categories && page.exists) page.categories = [...(page.categories ?? []), ...(raw.categories ?? []).map((c) => c.title)];
  into.set(raw.title, page);
}

/**
 * Reads many pages with as few calls as the account allows (50 or 500 titles each), following
 * `continue` (contributors and categories can spill over), and resolving normalization and
 * redirects so the map is keyed by the titles exactly as requested.
 */
export async function getPages(client: WikiClient, titles: readonly string[], opts: GetPagesOptions = {}): Promise<Map<string, WikiPage>> {
  const unique = [...new Set(titles)];
  const result = new Map<string, WikiPage>();
  const props = ['info', 'revisions'];
  if (opts.contributors) props.push('contributors');
  if (opts.categories) props.push('categories');
  const rvprop = ['ids', 'timestamp', 'user', 'comment'];
  if (opts.content) rvprop.push('content');

  for (let start = 0; start < unique.length; start += client.batchSize) {
    const batch = unique.slice(start, start + client.batchSize);
    const byTitle = new Map<string, WikiPage>();
    const renamed = new Map<string, string>();
    let cont: Record<string, string | number> = { continue: '' };
    for (;;) {
      const raw = await client.request({
        action: 'query', prop: props, titles: batch, redirects: true, rvprop, rvslots: opts.content ? 'main' : undefined,
        pclimit: opts.contributors ? 'max' : undefined, cllimit: opts.categories ? 'max' : undefined, ...cont,
      });
      const answer = parseResponse(pagesSchema, raw, 'prop=revisions');
      for (const n of answer.query?.normalized ?? []) renamed.set(n.from, n.to);
      for (const r of answer.query?.redirects ?? []) renamed.set(r.from, r.to);
      for (const page of answer.query?.pages ?? []) mergePage(byTitle, page, opts);
      if (!answer.continue) break;
      cont = answer.continue;
    }
    for (const requested of batch) {
      let title = requested;
      for (let hops = 0; hops < 3 && renamed.has(title); hops++) title = renamed.get(title) ?? title;
      result.set(requested, byTitle.get(title) ?? { title, exists: false });
    }
  }
  return result;
}

const searchSchema = z.object({
  continue: continueSchema,
  query: z.object({
    search: z.array(z.object({ title: z.string(), pageid: z.number(), snippet: z.string().default(''), timestamp: z.string().optional() })),
  }),
});

function plainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&quot;/g, '"').replace(/&#0?39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Full-text search over page content (srwhat=text: SQLite wikis search titles otherwise). */
export async function searchPages(client: WikiClient, text: string, limit = 10): Promise<WikiSearchHit[]> {
  const raw = await client.request({
    action: 'query', list: 'search', srsearch: text, srwhat: 'text', srlimit: Math.min(Math.max(1, limit), client.batchSize),
    srprop: ['snippet', 'timestamp'],
  });
  return parseResponse(searchSchema, raw, 'list=search').query.search.map((hit) => ({
    title: hit.title, pageId: hit.pageid, snippet: plainText(hit.snippet), timestamp: hit.timestamp,
  }));
}

const categoryMembersSchema = z.object({
  continue: continueSchema,
  query: z.object({ categorymembers: z.array(z.object({ title: z.string(), pageid: z.number(), ns: z.number() })) }),
});

/** Pages of a category, following continuation up to `limit`. */
export async function categoryMembers(client: WikiClient, category: string, limit = 500): Promise<WikiCategoryMember[]> {
  const cmtitle = /^(Catégorie|Category)\s*:/i.test(category) ? category : `Category:${category}`;
  const members: WikiCategoryMember[] = [];
  let cont: Record<string, string | number> = { continue: '' };
  while (members.length < limit) {
    const raw = await client.request({
      action: 'query', list: 'categorymembers', cmtitle, cmprop: ['ids', 'title'], cmlimit: Math.min(limit - members.length, client.batchSize), ...cont,
    });
    const answer = parseResponse(categoryMembersSchema, raw, 'list=categorymembers');
    members.push(...answer.query.categorymembers.map((m) => ({ title: m.title, pageId: m.pageid, ns: m.ns })));
    if (!answer.continue) break;
    cont = answer.continue;
  }
  return members.slice(0, limit);
}

const recentChangesSchema = z.object({
  query: z.object({
    recentchanges: z.array(
      z.object({
        type: z.enum(['edit', 'new', 'log', 'categorize', 'external']),
        title: z.string(),
        revid: z.number().optional(),
        old_revid: z.number().optional(),
        timestamp: z.string(),
        user: z.string().optional(),
        comment: z.string().optional(),
        bot: z.boolean().optional(),
        minor: z.boolean().optional(),
        tags: z.array(z.string()).optional(),
        oldlen: z.number().optional(),
        newlen: z.number().optional(),
      }),
    ),
  }),
});

/** The latest edits and creations (not log entries), newest first. */
export async function recentChanges(client: WikiClient, limit = 50): Promise<WikiRecentChange[]> {
  const raw = await client.request({
    action: 'query', list: 'recentchanges', rctype: ['edit', 'new'], rclimit: Math.min(Math.max(1, limit), client.batchSize),
    rcprop: ['title', 'ids', 'timestamp', 'user', 'comment', 'flags', 'tags', 'sizes'],
  });
  return parseResponse(recentChangesSchema, raw, 'list=recentchanges').query.recentchanges.map((rc) => ({
    type: rc.type, title: rc.title, revid: rc.revid || undefined, oldRevid: rc.old_revid || undefined,
    timestamp: rc.timestamp, user: rc.user ?? '', comment: rc.comment ?? '', bot: rc.bot ?? false, minor: rc.minor ?? false,
    tags: rc.tags ?? [], sizeDelta: rc.newlen !== undefined && rc.oldlen !== undefined ? rc.newlen - rc.oldlen : undefined,
  }));
}

const allPagesSchema = z.object({
  continue: continueSchema,
  query: z.object({ allpages: z.array(z.object({ title: z.string() })) }),
});

/** Every title of a namespace (list=allpages), 500 (or 50) per call. */
export async function allPageTitles(client: WikiClient, namespace = 0): Promise<string[]> {
  const titles: string[] = [];
  let cont: Record<string, string | number> = { continue: '' };
  for (;;) {
    const raw = await client.request({ action: 'query', list: 'allpages', apnamespace: namespace, aplimit: 'max', ...cont });
    const answer = parseResponse(allPagesSchema, raw, 'list=allpages');
    titles.push(...answer.query.allpages.map((p) => p.title));
    if (!answer.continue) return titles;
    cont = answer.continue;
  }
}
