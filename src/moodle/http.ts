import { LOCAL_ERROR_CODES, MoodleUnavailableError, scrubSecrets } from './errors.js';

/** How one form POST to Moodle is sent. */
export interface PostFormOptions {
  fetch: typeof fetch;
  timeoutMs: number;
  /** Extra attempts after a network failure, a timeout or HTTP 502/503/504. 0 for writes. */
  maxRetries: number;
  /** First pause between attempts; doubles each time. */
  retryDelayMs: number;
  /** Strings to scrub from any error text (token, password). */
  secrets: readonly string[];
  /** For messages: the function or endpoint called. */
  label: string;
  /** Called once per HTTP request actually sent (retries included). */
  onRequest?: () => void;
  /** Called when that request ends: ok (a JSON answer, Moodle exceptions included) or unavailable. */
  onDone?: (outcome: 'ok' | 'unavailable', seconds: number) => void;
}

// Gateway errors and overload: the request most likely never reached PHP, or PHP restarted.
const RETRYABLE_STATUSES = new Set([502, 503, 504]);

/**
 * POSTs a form body and returns the decoded JSON answer. Throws MoodleUnavailableError when
 * Moodle cannot be reached, does not answer in time, answers an HTTP error or non-JSON.
 * Moodle's own errors (HTTP 200 with an exception body) are returned as data: the caller
 * decides how to read them.
 */
export async function postForm(url: string, body: string, options: PostFormOptions): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await postOnce(url, body, options);
    } catch (error) {
      const retryable =
        error instanceof MoodleUnavailableError &&
        (error.code !== LOCAL_ERROR_CODES.http || RETRYABLE_STATUSES.has(error.httpStatus ?? 0)) &&
        error.code !== LOCAL_ERROR_CODES.notJson;
      if (!retryable || attempt >= options.maxRetries) throw error;
      await sleep(options.retryDelayMs * 2 ** attempt);
    }
  }
}

async function postOnce(url: string, body: string, options: PostFormOptions): Promise<unknown> {
  options.onRequest?.();
  const started = performance.now();
  try {
    const answer = await postOnceUnobserved(url, body, options);
    options.onDone?.('ok', (performance.now() - started) / 1000);
    return answer;
  } catch (error) {
    options.onDone?.('unavailable', (performance.now() - started) / 1000);
    throw error;
  }
}

async function postOnceUnobserved(url: string, body: string, options: PostFormOptions): Promise<unknown> {
  const { label, secrets } = options;
  let response: Response;
  let text: string;
  try {
    response = await options.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const reason = describeNetworkError(error, secrets);
    throw new MoodleUnavailableError(
      timedOut
        ? `Moodle did not answer ${label} within ${options.timeoutMs} ms. Check that Moodle is up, or raise timeoutMs.`
        : `Moodle could not be reached for ${label} (${reason}). Check MOODLE_URL and that Moodle is up.`,
      { code: timedOut ? LOCAL_ERROR_CODES.timeout : LOCAL_ERROR_CODES.network, wsfunction: label },
    );
  }
  if (response.status !== 200) {
    throw new MoodleUnavailableError(
      `Moodle answered ${label} with HTTP ${response.status}. Check MOODLE_URL and Moodle's server logs.`,
      { code: LOCAL_ERROR_CODES.http, wsfunction: label, httpStatus: response.status },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The body is not quoted: a PHP error page may echo the request, token included.
    throw new MoodleUnavailableError(
      `Moodle answered ${label} with something other than JSON (${text.length} bytes). ` +
        'Moodle may be misconfigured or in maintenance; check its server logs.',
      { code: LOCAL_ERROR_CODES.notJson, wsfunction: label, httpStatus: response.status },
    );
  }
}

// Only the error's name and system code: node's fetch errors never carry the body, but a custom
// fetch might put anything in its message.
function describeNetworkError(error: unknown, secrets: readonly string[]): string {
  if (!(error instanceof Error)) return 'unknown error';
  const cause = error.cause;
  const code =
    typeof cause === 'object' && cause !== null && typeof (cause as { code?: unknown }).code === 'string'
      ? (cause as { code: string }).code
      : undefined;
  return scrubSecrets(code ?? error.message, secrets);
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
