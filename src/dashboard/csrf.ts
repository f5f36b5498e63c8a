/**
 * Cross-site request forgery defences for the dashboard's forms, on top of the SameSite=Strict
 * session cookie: every POST must come from this origin (Origin, else Referer), and forms made
 * for a session carry a token derived from that session (HMAC), so a token is useless with
 * another session and needs no storage. The HMAC key is shared by every process (see
 * AuthService.csrfKey: derived from POLLEN_SECRET_KEY, else a random key kept once in the store),
 * so a form rendered by one gateway replica is accepted by another, and after a restart.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

export class CsrfTokens {
  #key: Buffer | undefined;
  readonly #load: (() => Promise<Buffer>) | undefined;
  #loading: Promise<void> | undefined;

  /**
   * `key`: the HMAC key, or a function that fetches it (once; again after a failure).
   * Default: a random key for this process alone (for a dashboard without sign-in, and tests).
   */
  constructor(key: Buffer | (() => Promise<Buffer>) = randomBytes(32)) {
    if (Buffer.isBuffer(key)) this.#key = key;
    else this.#load = key;
  }

  /** Resolves once the key is known; tokenFor and verify need it. */
  ready(): Promise<void> {
    if (this.#key) return Promise.resolve();
    this.#loading ??= this.#load!().then(
      (key) => {
        this.#key = key;
      },
      (error: unknown) => {
        this.#loading = undefined;
        throw error;
      },
    );
    return this.#loading;
  }

  /** Express middleware: the key is loaded before any route of the router runs. */
  readonly middleware = (_req: Request, _res: Response, next: NextFunction): void => {
    this.ready().then(() => next(), next);
  };

  #keyOrThrow(): Buffer {
    if (!this.#key) throw new Error('CsrfTokens used before ready()');
    return this.#key;
  }

  /** The form token of a session (its cookie value). */
  tokenFor(sessionToken: string): string {
    return createHmac('sha256', this.#keyOrThrow()).update(`pollen-dashboard-csrf:${sessionToken}`).digest('base64url');
  }

  /** True when `token` is the form token of this session; constant time. */
  verify(sessionToken: string, token: unknown): boolean {
    if (typeof token !== 'string' || token.length === 0 || token.length > 100) return false;
    const expected = Buffer.from(this.tokenFor(sessionToken));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

/** The dashboard's form tokens for a sign-in service: its shared key, else a per-process one. */
export function csrfTokensFor(auth: { csrfKey(): Promise<Buffer> } | undefined): CsrfTokens {
  return auth ? new CsrfTokens(() => auth.csrfKey()) : new CsrfTokens();
}

/**
 * True when a POST comes from the page's own origin: the Origin header (sent by browsers on
 * every POST) or, failing that, the Referer must name the host the request was sent to.
 * A request with neither, or with `Origin: null` (sandboxed frames, privacy redirects), is refused:
 * browsers send a real origin on a form submission from our own page.
 */
export function isSameOrigin(headers: IncomingHttpHeaders, protocol: string, requestHost: string | undefined = headers.host): boolean {
  // Express's req.host: the Host header, or X-Forwarded-Host behind a proxy it trusts (POLLEN_TRUST_PROXY).
  const host = requestHost;
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
