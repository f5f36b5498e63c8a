/**
 * Cross-site request forgery defences for every form, on top of the SameSite cookies: every POST
 * must come from this origin (Origin, else Referer), and forms carry a token derived (HMAC) from
 * what binds them to one browser: its session, or for visitors without one the `pollen_form`
 * cookie (src/web/web.tsx), so a token is useless in another browser and needs no storage. The HMAC key is shared by every process (see
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

  /** The key itself, once ready (other secrets of the web layer are derived from it). */
  key(): Buffer {
    return this.#keyOrThrow();
  }

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
export function isSameOrigin(headers: IncomingHttpHeaders, protocol: string, requestHost: string | undefined = headers.host, publicOrigin?: string): boolean {
  // Express's req.host: the Host header, or X-Forwarded-Host behind a proxy it trusts (POLLEN_TRUST_PROXY).
  const host = requestHost;
  const expected = new Set<string>();
  if (host) expected.add(`${protocol}://${host}`);
  // POLLEN_PUBLIC_URL: the address people use, whatever Host the proxy in front passes on.
  if (publicOrigin) expected.add(publicOrigin);
  if (expected.size === 0) return false;
  const origin = headers.origin;
  if (typeof origin === 'string') return expected.has(origin);
  const referer = headers.referer;
  if (typeof referer === 'string') {
    try {
      return expected.has(new URL(referer).origin);
    } catch {
      return false;
    }
  }
  return false;
}

/** The origin of POLLEN_PUBLIC_URL (`https://pollen.example.org`), or undefined. */
export function originOf(publicUrl: string | undefined): string | undefined {
  if (!publicUrl) return undefined;
  try {
    return new URL(publicUrl).origin;
  } catch {
    return undefined;
  }
}
