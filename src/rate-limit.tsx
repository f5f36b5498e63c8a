import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { authenticateOnce } from './auth/request-auth.js';
import type { AuthService } from './auth/service.js';
import type { Web } from './web/web.js';

/** A token bucket: `burst` requests at once, then `perSecond` on average; perSecond 0: no limit. */
export interface BucketSettings {
  perSecond: number;
  burst: number;
}

export interface RateLimitSettings {
  /** Per client address (`req.ip`; an IPv6 /64): anonymous visitors, learners, rejected credentials. */
  anonymous: BucketSettings;
  /** Per signed-in facilitator or admin (their API token or session), wherever they connect from. */
  facilitator: BucketSettings;
  /**
   * A refused request is answered after up to this long (ms, default 5000, never more than its
   * Retry-After; each one between half of that and all of it): a client that retries at once on
   * each of its connections then sends a request per connection every few seconds instead of
   * keeping the process busy writing refusals. 0: refuse at once.
   */
  refusalDelayMs?: number;
  /** Most buckets kept per kind (addresses seen recently); default 100,000 (about 10 MB). */
  maxBuckets?: number;
}

/** Idle buckets (full again) are dropped at most this often. */
const SWEEP_EVERY_MS = 60_000;

/**
 * Token buckets by key, in this process's memory. Not in the store, on purpose: a bucket is
 * read and written on every request, the flood's included, and the store would cost more than
 * the request it guards. Measured on the 2-core development machine (loaded): a take costs
 * 0.4–1 µs in memory (bench/fairness.ts prints it), 27–59 µs as an upsert in a SQLite file (WAL;
 * also printed there), 3.3 ms as an upsert in PostgreSQL 15 on loopback with its default
 * durability (one-off measure, 5,000 takes), where the whole curriculum query answers in about
 * 5 ms (p50). With N replicas behind a balancer, an address gets N times the budget at most;
 * the budget is about fairness within a process, which is what a flood takes away.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep: number;

  constructor(
    private readonly settings: BucketSettings,
    private readonly maxBuckets = 100_000,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lastSweep = now();
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Takes a token for `key`: 0 when one was there, else the seconds until one will be. */
  take(key: string): number {
    const t = this.now();
    const { perSecond, burst } = this.settings;
    if (t - this.lastSweep > SWEEP_EVERY_MS || this.buckets.size >= this.maxBuckets) this.sweep(t);
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = { tokens: burst, at: t }));
    else {
      bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
      bucket.at = t;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    // A refused request costs a token too (down to -burst): a client that keeps sending while
    // refused stays refused until it slows down, and its Retry-After says how long (at most
    // (burst + 1) / perSecond seconds).
    bucket.tokens = Math.max(-burst, bucket.tokens - 1);
    return (1 - bucket.tokens) / perSecond;
  }

  /** Drops the buckets that are full again (they hold nothing a new bucket would not), then the oldest if still too many. */
  private sweep(t: number): void {
    this.lastSweep = t;
    const { perSecond, burst } = this.settings;
    for (const [key, b] of this.buckets) if (b.tokens + ((t - b.at) / 1000) * perSecond >= burst) this.buckets.delete(key);
    for (const key of this.buckets.keys()) {
      if (this.buckets.size < this.maxBuckets * 0.9) break;
      this.buckets.delete(key);
    }
  }
}

/**
 * The budget key of a client address: IPv4 as is (also when IPv4-mapped), IPv6 by its /64, which
 * one subscriber usually holds whole.
 */
export function addressKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const bare = ip.split('%')[0]!;
  if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(bare)) return bare.slice(7);
  if (!bare.includes(':')) return bare;
  const [head = '', tail] = bare.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => (Number.parseInt(g, 16) || 0).toString(16)).join(':')}::/64`;
}

/** Paths the limit leaves alone: operators' probes and scrapers. */
const EXEMPT = new Set(['/health', '/metrics', '/livez', '/readyz']);

export interface RateLimit {
  /**
   * Express middleware: each request takes a token from its bucket (the signed-in facilitator's
   * or admin's own, else its address's); an empty bucket answers 429 with Retry-After and a
   * French body, JSON (`RATE_LIMITED`) for API clients, a page for browsers (drawn by `web`).
   */
  middleware: RequestHandler;
  /**
   * For a request with no credential seen before Express (the answer cache's front): takes its
   * token from the bucket of `address` (the client address, as `req.ip` would be) and returns the
   * seconds to wait, 0 when admitted. The middleware then follows that decision instead of
   * taking a second token.
   */
  admitAnonymous(req: IncomingMessage, address: string | undefined): number;
}

export function rateLimit(settings: RateLimitSettings, auth: AuthService | undefined, web: Web): RateLimit {
  const anonymous = settings.anonymous.perSecond > 0 ? new TokenBuckets(settings.anonymous, settings.maxBuckets) : undefined;
  const facilitator = settings.facilitator.perSecond > 0 ? new TokenBuckets(settings.facilitator, settings.maxBuckets) : undefined;
  const delayMs = settings.refusalDelayMs ?? 5000;
  /** Decisions already taken for a request, before Express. */
  const decided = new WeakMap<IncomingMessage, number>();

  const admit = (buckets: TokenBuckets | undefined, key: string, req: Request, res: Response, next: NextFunction): void => {
    settle(buckets ? buckets.take(key) : 0, req, res, next);
  };
  const settle = (wait: number, req: Request, res: Response, next: NextFunction): void => {
    if (wait === 0) return next();
    const retryAfter = Math.max(1, Math.ceil(wait));
    const refuse = () => {
      if (!res.headersSent && !res.destroyed) tooManyRequests(web, req, res, retryAfter);
    };
    // Spread over the second half of the delay: connections refused together (a flood's first
    // burst) do not all come back in the same instant, in step, every time.
    if (delayMs > 0) setTimeout(refuse, Math.min(delayMs, retryAfter * 1000) * (0.5 + Math.random() / 2)).unref();
    else refuse();
  };

  const middleware: RequestHandler = (req, res, next) => {
    const earlier = decided.get(req);
    if (earlier !== undefined) return settle(earlier, req, res, next);
    if (EXEMPT.has(req.path)) return next();
    const credential = auth?.credentialOf(req);
    if (!auth || credential === undefined) return admit(anonymous, addressKey(req.ip), req, res, next);
    authenticateOnce(auth, req).then(
      ({ viewer }) => {
        if (viewer.role === 'facilitator' || viewer.role === 'admin') {
          admit(facilitator, `c:${createHash('sha256').update(credential).digest('base64url').slice(0, 22)}`, req, res, next);
        } else admit(anonymous, addressKey(req.ip), req, res, next);
      },
      // The store is out of reach: the address's budget applies, and the request says STORE_UNAVAILABLE itself.
      () => admit(anonymous, addressKey(req.ip), req, res, next),
    );
  };
  return {
    middleware,
    admitAnonymous(req, address) {
      const wait = anonymous ? anonymous.take(addressKey(address)) : 0;
      decided.set(req, wait);
      return wait;
    },
  };
}

function refusalMessage(retryAfter: number): string {
  return `Trop de requêtes depuis votre adresse : Pollen sert aussi les autres personnes. Réessayez dans ${retryAfter} s.`;
}

/** The JSON refusals, by Retry-After, built once: a flood is answered without serialising anything. */
const jsonRefusals = new Map<number, Buffer>();

function tooManyRequests(web: Web, req: Request, res: Response, retryAfter: number): void {
  const message = refusalMessage(retryAfter);
  if (req.accepts(['application/json', 'text/html']) !== 'text/html') {
    let body = jsonRefusals.get(retryAfter);
    if (!body) {
      body = Buffer.from(JSON.stringify({ errors: [{ message, extensions: { code: 'RATE_LIMITED', retryAfterSeconds: retryAfter } }] }));
      if (jsonRefusals.size < 1000) jsonRefusals.set(retryAfter, body);
    }
    res.writeHead(429, { 'Retry-After': String(retryAfter), 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length }).end(body);
    return;
  }
  res.setHeader('Retry-After', String(retryAfter));
  web.send(res, 429, {
    title: 'Trop de requêtes',
    section: 'autre',
    children: (
      <>
        <p>{message}</p>
        <p>Les animateur·rices connecté·es ont leur propre budget, plus large.</p>
      </>
    ),
  });
}
