/** Minimal logger the wiki layer writes to; a pino Logger fits. */
export interface WikiLogger {
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/** One HTTP request to api.php, as reported to `onRequest` (for metrics). */
export interface WikiRequestReport {
  /** The API `action` (query, edit, login, parse…). */
  action: string;
  /** ok: a JSON answer without `error`; error: the API refused; unavailable: network, timeout, HTTP 5xx. */
  outcome: 'ok' | 'error' | 'unavailable';
  seconds: number;
}

/** How a WikiClient talks to one wiki. Every field but `apiUrl` has a default. */
export interface WikiClientOptions {
  /** The wiki's api.php URL, e.g. `https://wiki.example.org/w/api.php`. Required. */
  apiUrl: string;
  /** BotPassword user name, `User@appid` (e.g. `Robot@sync`). Default: none (anonymous, read-only). */
  username?: string;
  /** BotPassword secret. Never logged nor put in an error. Default: none. */
  password?: string;
  /** Contact put in the User-Agent (URL or e-mail), as bot etiquette asks. Default: `https://pollen.example.org/contact`. */
  contact?: string;
  /** Full User-Agent, overriding the one built from `contact`. Default: `Pollen/0.1 (<contact>)`. */
  userAgent?: string;
  /** Retries after a retryable failure (maxlag, readonly, ratelimited, network, HTTP 5xx). Default: 5. */
  maxRetries?: number;
  /** First backoff delay in ms, doubled on each retry; a Retry-After header wins when longer. Default: 1000. */
  retryBaseMs?: number;
  /** Ceiling of the exponential backoff in ms (Retry-After is honoured even above it). Default: 60000. */
  maxRetryDelayMs?: number;
  /**
   * Longest Retry-After (ms) worth waiting for; a longer one (MediaWiki asks 5 s on maxlag) gives
   * up at once with WikiUnavailableError. For callers a person waits on. Default: no limit.
   */
  maxRetryAfterMs?: number;
  /** `maxlag` sent with every request, in seconds; `false` to not send it. Default: 5. */
  maxlag?: number | false;
  /**
   * `assert` sent with every request once logged in. `'auto'`: `bot` when the account has the bot
   * right, else `user`. `false`: never sent. Default: `'auto'`.
   */
  assert?: 'auto' | 'bot' | 'user' | false;
  /** Timeout of one HTTP request in ms. Default: 30000. */
  timeout?: number;
  /** Where retries and warnings are logged. Default: nowhere. */
  logger?: WikiLogger;
  /** Told of every HTTP request sent to api.php, retries and logins included. Default: nobody. */
  onRequest?: (report: WikiRequestReport) => void;
  /** Waits between retries; tests inject a recording one. Default: setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

export type ResolvedWikiClientOptions = Required<Omit<WikiClientOptions, 'username' | 'password' | 'logger' | 'onRequest'>> &
  Pick<WikiClientOptions, 'username' | 'password' | 'logger' | 'onRequest'>;

export const DEFAULT_CONTACT = 'https://pollen.example.org/contact';

export function resolveOptions(opts: WikiClientOptions): ResolvedWikiClientOptions {
  const contact = opts.contact ?? DEFAULT_CONTACT;
  return {
    apiUrl: opts.apiUrl,
    username: opts.username,
    password: opts.password,
    contact,
    userAgent: opts.userAgent ?? `Pollen/0.1 (${contact})`,
    maxRetries: opts.maxRetries ?? 5,
    retryBaseMs: opts.retryBaseMs ?? 1000,
    maxRetryDelayMs: opts.maxRetryDelayMs ?? 60_000,
    maxRetryAfterMs: opts.maxRetryAfterMs ?? Number.POSITIVE_INFINITY,
    maxlag: opts.maxlag ?? 5,
    assert: opts.assert ?? 'auto',
    timeout: opts.timeout ?? 30_000,
    logger: opts.logger,
    onRequest: opts.onRequest,
    sleep: opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  };
}
