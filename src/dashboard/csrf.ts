/**
 * Cross-site request forgery defences for the dashboard's forms, on top of the SameSite=Strict
 * session cookie: every POST must come from this origin (Origin, else Referer), and forms made
 * for a session carry a token derived from that session (HMAC with a per-process key), so a
 * token is useless with another session and needs no storage.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export class CsrfTokens {
  readonly #key: Buffer;

  constructor(key: Buffer = randomBytes(32)) {
    this.#key = key;
  }

  /** The form token of a session (its cookie value). */
  tokenFor(sessionToken: string): string {
    return createHmac('sha256', this.#key).update(`pollen-dashboard-csrf:${sessionToken}`).digest('base64url');
  }

  /** True when `token` is the form token of this session; constant time. */
  verify(sessionToken: string, token: unknown): boolean {
    if (typeof token !== 'string' || token.length === 0 || token.length > 100) return false;
    const expected = Buffer.from(this.tokenFor(sessionToken));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

/**
 * True when a POST comes from the page's own origin: the Origin header (sent by browsers on
 * every POST) or, failing that, the Referer must name the host the request was sent to.
 * A request with neither, or with `Origin: null` (sandboxed frames, privacy redirects), is refused:
 * browsers send a real origin on a form submission from our own page.
 */
export function isSameOrigin(headers: IncomingHttpHeaders, protocol: string): boolean {
  const host = headers.host;
  if (!host) return false;
  const expected = `${protocol}://${host}`;
  const origin = headers.origin;
  if (typeof origin === 'string') return origin === expected;
  const referer = headers.referer;
  if (typeof referer === 'string') {
    try {
      return new URL(referer).origin === expected;
    } catch {
      return false;
    }
  }
  return false;
}
