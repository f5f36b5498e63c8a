import MWBot from 'mwbot';
import type { WikiRequestReport } from './options.js';

/** A value of an API parameter. `false`, `undefined` and `null` are omitted (MediaWiki reads any present flag as true). */
export type ApiParamValue = string | number | boolean | undefined | null | readonly (string | number)[];
export type ApiParams = Record<string, ApiParamValue>;

/** Turns API parameters into form values: drops false/undefined/null, `true` → "1", lists joined by `|`. */
export function encodeParams(params: ApiParams): Record<string, string> {
  const form: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === false || value === undefined || value === null) continue;
    if (value === true) form[key] = '1';
    else if (Array.isArray(value)) {
      const items = value.map(String);
      // MediaWiki's rule for values that contain the separator: prefix with U+001F and use it instead.
      form[key] = items.some((item) => item.includes('|')) ? `\u001f${items.join('\u001f')}` : items.join('|');
    } else form[key] = String(value);
  }
  return form;
}

/**
 * An `application/x-www-form-urlencoded` body, as URLSearchParams would write it for MediaWiki
 * (lone surrogates become U+FFFD), with the engine's own encodeURIComponent: URLSearchParams
 * percent-encodes in JavaScript, which held the event loop for 30 to 90 ms on a 500 KB page.
 */
export function encodeForm(fields: ReadonlyArray<readonly [string, string]>): string {
  return fields.map(([key, value]) => `${encodeComponent(key)}=${encodeComponent(value)}`).join('&');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function encodeComponent(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    // URIError: a lone surrogate, which UTF-8 cannot carry.
    return encodeURIComponent(text.replace(LONE_SURROGATE, '\uFFFD'));
  }
}

interface HttpMeta {
  status: number;
  retryAfterMs?: number;
}

/** Thrown by the transport when the answer is not JSON and the HTTP status says the server failed. */
export class HttpFailure extends Error {
  readonly code = 'http-5xx';
  readonly info: string;
  constructor(status: number, readonly retryAfterMs: number | undefined) {
    super(`HTTP ${status}`);
    this.info = `the wiki answered HTTP ${status}`;
  }
}

function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * mwbot with a transport that does what its own lacks: counts every HTTP request, keeps the
 * HTTP status and Retry-After of each answer (for backoff), supports GET, and reports HTTP 5xx
 * pages as failures instead of "invalid JSON". mwbot keeps the cookie jar (session), the form
 * handling and the mapping of `{ error }` answers to rejections.
 */
export class WikiTransport extends MWBot {
  private readonly httpMeta = new WeakMap<object, HttpMeta>();

  constructor(
    apiUrl: string,
    userAgent: string,
    timeoutMs: number,
    /** Shared, live counters: every HTTP request to api.php adds one to `apiCalls`. */
    readonly stats: { apiCalls: number },
    private readonly onRequest?: (report: WikiRequestReport) => void,
  ) {
    super({ apiUrl, silent: true }, { headers: { 'User-Agent': userAgent, 'Api-User-Agent': userAgent }, timeout: timeoutMs });
  }

  /** Retry-After (ms) of the answer behind a rejection, when the wiki sent one. */
  retryAfterOf(err: unknown): number | undefined {
    if (err instanceof HttpFailure) return err.retryAfterMs;
    if (typeof err === 'object' && err !== null && 'response' in err) {
      const response = (err as { response?: unknown }).response;
      if (typeof response === 'object' && response !== null) return this.httpMeta.get(response)?.retryAfterMs;
    }
    return undefined;
  }

  override async rawRequest(requestOptions: MWBot.RequestOptions): Promise<unknown> {
    if (!requestOptions.uri) throw new Error('No wiki API URL configured');
    const method = (requestOptions.method ?? 'POST').toUpperCase();
    const query = new URLSearchParams(requestOptions.qs ?? {});
    const headers: Record<string, string> = { ...(requestOptions.headers ?? {}) };
    let body: string | FormData | undefined;
    let formAction: string | undefined;
    if (requestOptions.formData instanceof FormData) {
      body = requestOptions.formData;
      formAction = body.get('action')?.toString();
    } else if (requestOptions.form && Object.keys(requestOptions.form).length > 0) {
      const form = Object.entries(requestOptions.form).map(([key, value]) => [key, String(value)] as const);
      formAction = form.find(([key]) => key === 'action')?.[1];
      if (method === 'GET') for (const [key, value] of form) query.append(key, value);
      else {
        body = encodeForm(form);
        headers['Content-Type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
      }
    }
    const queryString = query.toString();
    const url = queryString ? `${requestOptions.uri}?${queryString}` : requestOptions.uri;
    const cookies = this.cookieJar.getCookieStringSync(url);
    if (cookies) headers.Cookie = cookies;

    this.stats.apiCalls += 1;
    const action = query.get('action') ?? formAction ?? 'unknown';
    const started = performance.now();
    const report = (outcome: WikiRequestReport['outcome']) => this.onRequest?.({ action, outcome, seconds: (performance.now() - started) / 1000 });
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(requestOptions.timeout ?? 30_000),
      });
      for (const cookie of response.headers.getSetCookie()) this.cookieJar.setCookieSync(cookie, url);
      text = await response.text();
    } catch (err) {
      report('unavailable');
      throw err;
    }
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      report(response.status >= 500 ? 'unavailable' : 'error');
      if (response.status >= 500) throw new HttpFailure(response.status, retryAfterMs);
      return text;
    }
    report(typeof parsed === 'object' && parsed !== null && 'error' in parsed ? 'error' : 'ok');
    if (typeof parsed === 'object' && parsed !== null) {
      this.httpMeta.set(parsed, { status: response.status, retryAfterMs });
    }
    return parsed;
  }
}
