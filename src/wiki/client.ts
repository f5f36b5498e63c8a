import { z } from 'zod';
import { describeThrown, errorForCode, RETRYABLE_CODES, WikiError, WikiLoginError, WikiPermissionError, WikiUnavailableError } from './errors.js';
import { resolveOptions, type ResolvedWikiClientOptions, type WikiClientOptions } from './options.js';
import { WikiTransport, encodeParams, type ApiParams } from './transport.js';
import {
  allPageTitles, categoryMembers, getPages, recentChanges, searchPages,
  type GetPagesOptions, type WikiCategoryMember, type WikiPage, type WikiRecentChange, type WikiSearchHit,
} from './pages.js';
import { editPage, type EditParams, type EditResult } from './edit.js';
import { movePage, type MoveParams, type MoveResult } from './move.js';

export interface WikiRequestOptions {
  /** HTTP method. Default: POST (no URL length limit; reads are not cached anyway). */
  method?: 'GET' | 'POST';
  /** Adds the CSRF token (`token`), refreshed and retried once on `badtoken`. Default: false. */
  csrf?: boolean;
  /** Do not send `assert` (login itself). Default: false. */
  noAssert?: boolean;
}

export interface WikiSiteInfo {
  generator: string;
  sitename: string;
  mainPage: string;
  server: string;
  articlePath: string;
  lang: string;
}

const loginTokenSchema = z.object({ query: z.object({ tokens: z.object({ logintoken: z.string() }) }) });
const csrfTokenSchema = z.object({ query: z.object({ tokens: z.object({ csrftoken: z.string() }) }) });
const loginSchema = z.object({
  login: z.object({
    result: z.string(),
    lgusername: z.string().optional(),
    reason: z.union([z.string(), z.object({ text: z.string().optional(), code: z.string().optional() }).loose()]).optional(),
  }),
});
const userInfoSchema = z.object({
  query: z.object({
    userinfo: z.object({ name: z.string(), anon: z.boolean().optional(), rights: z.array(z.string()).default([]) }),
  }),
});
const siteInfoSchema = z.object({
  query: z.object({
    general: z.object({
      generator: z.string(), sitename: z.string(), mainpage: z.string(), server: z.string(),
      articlepath: z.string(), lang: z.string(),
    }),
  }),
});
const tagsSchema = z.object({
  query: z.object({ tags: z.array(z.object({ name: z.string(), defined: z.boolean().optional(), active: z.boolean().optional() })) }),
  continue: z.record(z.string(), z.string()).optional(),
});

/** Validates an upstream answer; a wrong shape is a WikiError `badresponse`, not a crash deep inside. */
export function parseResponse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const where = result.error.issues[0]?.path.join('.') ?? '';
    throw new WikiError('badresponse', `unexpected answer to ${what}${where ? ` (at ${where})` : ''}`);
  }
  return result.data;
}

/**
 * A MediaWiki API client for Pollen, over mwbot. Adds BotPassword login, `formatversion=2`,
 * `maxlag`, `assert`, a descriptive User-Agent, retries with backoff honouring Retry-After,
 * CSRF token refresh on `badtoken`, batched reads with continuation, and typed errors that
 * never contain secrets.
 */
export class WikiClient {
  readonly apiUrl: string;
  /** Live counters: `apiCalls` is every HTTP request sent to api.php (login included). */
  readonly stats = { apiCalls: 0 };
  private readonly options: ResolvedWikiClientOptions;
  private readonly transport: WikiTransport;
  private user: string | undefined;
  private rights: ReadonlySet<string> = new Set();
  private csrf: string | undefined;
  private tagsCache: Promise<Set<string>> | undefined;
  private siteInfoCache: Promise<WikiSiteInfo> | undefined;
  private loginInFlight: Promise<void> | undefined;
  private readonly saveListeners = new Set<(title: string) => void>();
  /** Counts successful logins: a request refused for a lost session logs in again only if none happened since it was sent. */
  private sessionGeneration = 0;

  private constructor(options: ResolvedWikiClientOptions) {
    this.options = options;
    this.apiUrl = options.apiUrl;
    this.transport = new WikiTransport(options.apiUrl, options.userAgent, options.timeout, this.stats, options.onRequest);
  }

  /** A client for the wiki at `opts.apiUrl`, logged in when `username` and `password` are given. */
  static async connect(opts: WikiClientOptions): Promise<WikiClient> {
    const client = WikiClient.lazy(opts);
    await client.ensureLoggedIn();
    return client;
  }

  /**
   * A client that logs in on its first request instead of now: for a gateway that must start
   * while the wiki is down, and come back to it by itself once the wiki answers.
   */
  static lazy(opts: WikiClientOptions): WikiClient {
    if (Boolean(opts.username) !== Boolean(opts.password)) {
      throw new WikiLoginError(opts.username ?? '(none)', 'a user name and a password are both needed');
    }
    return new WikiClient(resolveOptions(opts));
  }

  /** Logs in if the client has credentials and no session yet (one login at a time). */
  async ensureLoggedIn(): Promise<void> {
    if (this.user || !this.canLogin()) return;
    await this.loginOnce();
  }

  /**
   * The account this client writes as, signed in first if it is not yet (a lazy client signs
   * in by itself before its first write). Rejects with WikiPermissionError `notloggedin` when
   * the client has no credentials: writing needs a bot account.
   */
  async requireUser(): Promise<string> {
    await this.ensureLoggedIn();
    if (!this.user) throw new WikiPermissionError('notloggedin', 'writing to the wiki needs a logged-in bot account (WIKI_BOT_USER)');
    return this.user;
  }

  /** One login at a time: concurrent callers share it (each login clears the others' cookies). */
  private loginOnce(): Promise<void> {
    this.loginInFlight ??= this.login().finally(() => {
      this.loginInFlight = undefined;
    });
    return this.loginInFlight;
  }

  /** Name of the logged-in user (`Robot` for `Robot@sync`), undefined when anonymous. */
  get userName(): string | undefined {
    return this.user;
  }

  /** The account may ask for 500 items per query (apihighlimits) instead of 50. */
  get hasApiHighLimits(): boolean {
    return this.rights.has('apihighlimits');
  }

  /** The account has the bot right (its edits can be flagged bot). */
  get isBot(): boolean {
    return this.rights.has('bot');
  }

  /** The session's rights (from meta=userinfo), e.g. to check `applychangetags`. */
  hasRight(right: string): boolean {
    return this.rights.has(right);
  }

  /** Titles per query for this account: 500 with apihighlimits, else 50. */
  get batchSize(): number {
    return this.hasApiHighLimits ? 500 : 50;
  }

  /**
   * One API request with Pollen's defaults, retried with exponential backoff (Retry-After wins
   * when longer) on maxlag, readonly, ratelimited, HTTP 5xx and network failures. Resolves with
   * the JSON answer; rejects with a WikiError subclass.
   */
  async request(params: ApiParams, opts: WikiRequestOptions = {}): Promise<unknown> {
    const { maxRetries, retryBaseMs, maxRetryDelayMs, maxRetryAfterMs, sleep, logger } = this.options;
    // A lazy client logs in first (the login's own requests pass noAssert and skip this).
    if (!opts.noAssert) await this.ensureLoggedIn();
    let retries = 0;
    let tokenRefreshed = false;
    let reloggedIn = false;
    for (;;) {
      const generation = this.sessionGeneration;
      const form = encodeParams({ ...this.defaultParams(opts), ...params });
      if (opts.csrf) form.token = await this.csrfToken();
      try {
        const response = await this.transport.request(form, { method: opts.method ?? 'POST' });
        if (typeof response === 'object' && response !== null && 'warnings' in response) {
          logger?.debug({ action: params.action, warnings: (response as { warnings: unknown }).warnings }, 'wiki API warnings');
        }
        return response;
      } catch (err) {
        const { code, info } = describeThrown(err);
        if (code === 'badtoken' && opts.csrf && !tokenRefreshed) {
          tokenRefreshed = true;
          this.csrf = undefined;
          logger?.warn({ action: params.action }, 'wiki CSRF token refused, fetching a new one');
          continue;
        }
        if ((code === 'assertbotfailed' || code === 'assertuserfailed') && !reloggedIn && this.canLogin()) {
          // The session expired: log in again once (unless a concurrent request already did), then retry.
          reloggedIn = true;
          if (generation === this.sessionGeneration) {
            logger?.warn({ action: params.action, code }, 'wiki session lost, logging in again');
            await this.loginOnce();
          }
          continue;
        }
        if (RETRYABLE_CODES.has(code)) {
          if (retries >= maxRetries) throw new WikiUnavailableError(code, info, retries + 1);
          const backoff = Math.min(retryBaseMs * 2 ** retries, maxRetryDelayMs);
          const retryAfter = this.transport.retryAfterOf(err) ?? 0;
          if (retryAfter > maxRetryAfterMs) throw new WikiUnavailableError(code, info, retries + 1);
          const delayMs = Math.max(backoff, retryAfter);
          retries += 1;
          logger?.warn({ action: params.action, code, retry: retries, delayMs }, 'wiki unavailable, retrying');
          await sleep(delayMs);
          continue;
        }
        throw errorForCode(code, info, typeof params.title === 'string' ? params.title : undefined);
      }
    }
  }

  /** Pages by title, batched 50/500 per call; the map is keyed by the titles as requested. */
  getPages(titles: readonly string[], opts: GetPagesOptions = {}): Promise<Map<string, WikiPage>> {
    return getPages(this, titles, opts);
  }

  /** Full-text search (list=search, srwhat=text). Default limit: 10. */
  searchPages(text: string, limit = 10): Promise<WikiSearchHit[]> {
    return searchPages(this, text, limit);
  }

  /** Members of a category (`Catégorie:X`, `Category:X` or just `X`). Default limit: 500. */
  categoryMembers(category: string, limit = 500): Promise<WikiCategoryMember[]> {
    return categoryMembers(this, category, limit);
  }

  /** Latest edits and page creations, newest first. Default limit: 50. */
  recentChanges(limit = 50): Promise<WikiRecentChange[]> {
    return recentChanges(this, limit);
  }

  /** Every page title of a namespace (default: main), following continuation. */
  allPageTitles(namespace = 0): Promise<string[]> {
    return allPageTitles(this, namespace);
  }

  /** Saves a page. Conflicts (with `baseRevId`) reject with WikiEditConflictError. */
  async edit(params: EditParams): Promise<EditResult> {
    const result = await editPage(this, params);
    if (result.result !== 'nochange') for (const listener of this.saveListeners) listener(result.title);
    return result;
  }

  /** Renames a page (action=move), leaving a redirect unless `noRedirect`. Both titles count as saved. */
  async move(params: MoveParams): Promise<MoveResult> {
    const result = await movePage(this, params);
    for (const listener of this.saveListeners) {
      listener(result.from);
      listener(result.to);
    }
    return result;
  }

  /** Calls `listener` with the title of every page this client saves (read caches drop it). Returns an unsubscribe. */
  onPageSaved(listener: (title: string) => void): () => void {
    this.saveListeners.add(listener);
    return () => this.saveListeners.delete(listener);
  }

  /** General site information, cached. */
  siteInfo(): Promise<WikiSiteInfo> {
    this.siteInfoCache ??= this.request({ action: 'query', meta: 'siteinfo', siprop: 'general' }).then((raw) => {
      const g = parseResponse(siteInfoSchema, raw, 'meta=siteinfo').query.general;
      return { generator: g.generator, sitename: g.sitename, mainPage: g.mainpage, server: g.server, articlePath: g.articlepath, lang: g.lang };
    });
    this.siteInfoCache.catch(() => (this.siteInfoCache = undefined));
    return this.siteInfoCache;
  }

  /** Change tags that are defined and active on the wiki (list=tags), cached. */
  definedTags(): Promise<Set<string>> {
    this.tagsCache ??= (async () => {
      const tags = new Set<string>();
      let cont: Record<string, string> = {};
      for (;;) {
        const raw = await this.request({ action: 'query', list: 'tags', tglimit: 'max', tgprop: ['defined', 'active'], ...cont });
        const page = parseResponse(tagsSchema, raw, 'list=tags');
        for (const tag of page.query.tags) if (tag.defined && tag.active) tags.add(tag.name);
        if (!page.continue) return tags;
        cont = page.continue;
      }
    })();
    this.tagsCache.catch(() => (this.tagsCache = undefined));
    return this.tagsCache;
  }

  /** Test hook: replaces the cached CSRF token (e.g. with a stale one) to exercise `badtoken` recovery. */
  setCsrfTokenForTesting(token: string): void {
    this.csrf = token;
  }

  private defaultParams(opts: WikiRequestOptions): ApiParams {
    const { maxlag, assert } = this.options;
    const params: ApiParams = { formatversion: 2 };
    if (maxlag !== false) params.maxlag = maxlag;
    if (this.user && assert !== false && !opts.noAssert) params.assert = assert === 'auto' ? (this.isBot ? 'bot' : 'user') : assert;
    return params;
  }

  private canLogin(): boolean {
    return Boolean(this.options.username && this.options.password);
  }

  private async csrfToken(): Promise<string> {
    if (this.csrf) return this.csrf;
    const raw = await this.request({ action: 'query', meta: 'tokens', type: 'csrf' });
    this.csrf = parseResponse(csrfTokenSchema, raw, 'meta=tokens').query.tokens.csrftoken;
    return this.csrf;
  }

  private async login(): Promise<void> {
    const username = this.options.username ?? '';
    const password = this.options.password ?? '';
    this.user = undefined;
    this.rights = new Set();
    this.csrf = undefined;
    // A new login must start from a fresh session: MediaWiki refuses action=login inside a BotPassword session.
    this.transport.cookieJar.removeAllCookiesSync();
    const tokenRaw = await this.request({ action: 'query', meta: 'tokens', type: 'login' }, { noAssert: true });
    const lgtoken = parseResponse(loginTokenSchema, tokenRaw, 'meta=tokens&type=login').query.tokens.logintoken;
    let loginRaw: unknown;
    try {
      loginRaw = await this.request({ action: 'login', lgname: username, lgpassword: password, lgtoken }, { noAssert: true });
    } catch (err) {
      if (err instanceof WikiUnavailableError) throw err;
      throw new WikiLoginError(username, describeThrown(err).info);
    }
    const login = parseResponse(loginSchema, loginRaw, 'action=login').login;
    if (login.result !== 'Success' || !login.lgusername) {
      const reason = typeof login.reason === 'string' ? login.reason : (login.reason?.text ?? login.result);
      throw new WikiLoginError(username, reason);
    }
    const infoRaw = await this.request({ action: 'query', meta: 'userinfo', uiprop: 'rights' }, { noAssert: true });
    const info = parseResponse(userInfoSchema, infoRaw, 'meta=userinfo').query.userinfo;
    if (info.anon) throw new WikiLoginError(username, 'the wiki did not keep the session (cookies refused?)');
    this.user = info.name;
    this.rights = new Set(info.rights);
    this.sessionGeneration += 1;
  }
}
