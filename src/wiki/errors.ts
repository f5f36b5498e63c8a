/**
 * Typed wiki errors. Callers branch on the class or on `code` (the MediaWiki API error code),
 * never on message text. These errors are built from the API's code and info only: they never
 * carry the request (form, password, CSRF token) that mwbot attaches to its own errors.
 */
export class WikiError extends Error {
  /** MediaWiki API error code (`editconflict`, `maxlag`...) or a Pollen code (`network`, `badresponse`). */
  readonly code: string;
  /** Human-readable explanation from the wiki (or from Pollen). */
  readonly info: string;

  constructor(code: string, info: string, message?: string) {
    super(message ?? `Wiki error ${code}: ${info}`);
    this.name = new.target.name;
    this.code = code;
    this.info = info;
  }

  toJSON(): { name: string; code: string; info: string; message: string } {
    return { name: this.name, code: this.code, info: this.info, message: this.message };
  }
}

/** Login refused or impossible (wrong BotPassword, unknown user, missing grants). */
export class WikiLoginError extends WikiError {
  constructor(user: string, reason: string) {
    super(
      'login-failed',
      reason,
      `Could not log in to the wiki as "${user}": ${reason.replace(/[.\s]+$/, '')}. Check WIKI_BOT_USER (User@appid) and WIKI_BOT_PASSWORD ` +
        '(the BotPassword secret from Special:BotPasswords).',
    );
  }
}

/** Someone saved the page after the revision the edit was based on (`editconflict`). */
export class WikiEditConflictError extends WikiError {
  constructor(readonly title: string, info: string) {
    super('editconflict', info, `Edit conflict on "${title}": the page changed since it was read.`);
  }
}

/** A create-only edit hit an existing page (`articleexists`). */
export class WikiPageExistsError extends WikiError {
  constructor(readonly title: string, info: string) {
    super('articleexists', info, `The page "${title}" already exists.`);
  }
}

/** The page does not exist (`missingtitle`, or an edit with nocreate). */
export class WikiMissingPageError extends WikiError {
  constructor(readonly title: string, info: string) {
    super('missingtitle', info, `The page "${title}" does not exist.`);
  }
}

/** Not allowed: protected page, missing right, or the session is no longer the expected user. */
export class WikiPermissionError extends WikiError {}

/**
 * The wiki cannot serve now and retries did not help: lag (`maxlag`), read-only mode (`readonly`),
 * rate limit (`ratelimited`), network failure (`network`), HTTP 5xx (`http-5xx`), timeout (`timeout`).
 */
export class WikiUnavailableError extends WikiError {
  constructor(code: string, info: string, readonly attempts: number) {
    super(
      code,
      info,
      `The wiki is unavailable (${code}) after ${attempts} attempt${attempts > 1 ? 's' : ''}: ${info}. Try again later.`,
    );
  }
}

/** Codes worth waiting for and retrying. */
export const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  'maxlag', 'readonly', 'ratelimited', 'network', 'timeout', 'http-5xx', 'internal_api_error_DBQueryError',
]);

const PERMISSION_CODES: ReadonlySet<string> = new Set([
  'protectedpage', 'cascadeprotected', 'permissiondenied', 'writeapidenied', 'blocked', 'autoblocked',
  'assertbotfailed', 'assertuserfailed', 'assertnameduserfailed', 'cantcreate', 'noedit', 'readapidenied',
]);

/**
 * Refusals of one page that no retry will change: the text is too big, the title is invalid or
 * blacklisted, a spam or abuse filter matched, the page is protected. Only a person can act
 * (split the note, change the title or the text, ask an administrator).
 */
export const PERMANENT_PAGE_CODES: ReadonlySet<string> = new Set([
  'contenttoobig', 'invalidtitle', 'titleblacklist-forbidden', 'spamblacklist', 'spamdetected', 'abusefilter-disallowed',
  'abusefilter-warning', 'protectedpage', 'cascadeprotected', 'protectedtitle', 'customcssjsprotected', 'bad-content-model',
]);

export function isPermanentPageRefusal(err: unknown): err is WikiError {
  return err instanceof WikiError && PERMANENT_PAGE_CODES.has(err.code);
}

/** A typed error for an API error code. `title` helps the messages of page-level errors. */
export function errorForCode(code: string, info: string, title?: string): WikiError {
  if (code === 'editconflict') return new WikiEditConflictError(title ?? '?', info);
  if (code === 'articleexists') return new WikiPageExistsError(title ?? '?', info);
  if (code === 'missingtitle' || code === 'nocreate-missing') return new WikiMissingPageError(title ?? '?', info);
  if (PERMISSION_CODES.has(code)) return new WikiPermissionError(code, info);
  return new WikiError(code, info);
}

/** Reads `code` and `info` from anything mwbot or fetch threw, dropping everything else. */
export function describeThrown(err: unknown): { code: string; info: string } {
  if (err instanceof WikiError) return { code: err.code, info: err.info };
  if (typeof err === 'object' && err !== null) {
    const e = err as { code?: unknown; info?: unknown; name?: unknown; message?: unknown; cause?: unknown };
    // API errors (mwbot) and HttpFailure carry code + info; Node system errors carry codes like ECONNRESET.
    if (typeof e.code === 'string' && typeof e.info === 'string' && !/^E[A-Z]+$/.test(e.code)) {
      return { code: e.code, info: e.info };
    }
    if (e.name === 'AbortError' || e.name === 'TimeoutError') return { code: 'timeout', info: 'the wiki did not answer in time' };
    if (e.name === 'TypeError' && e.message === 'fetch failed') {
      const cause = e.cause as { code?: unknown } | undefined;
      const detail = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
      return { code: 'network', info: `could not reach the wiki${detail}` };
    }
    if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return { code: 'network', info: `network error (${e.code})` };
  }
  return { code: 'unknown', info: 'unexpected failure while talking to the wiki' };
}
