/**
 * How often one address (or one e-mail address) may send a public form: a registration, a
 * recommendation, a declaration each send a mail, so 40 sign-ups from one address must not
 * send 40 mails. Attempts are counted in a sliding window, in the store when there is one (every
 * replica sees the same counts, as for sign-in failures), else in this process.
 */
import { createHash } from 'node:crypto';
import { LoginLimits } from '../auth/login-limits.js';
import type { StoreDb } from '../store/database.js';
import { addressKey } from '../rate-limit.js';

export interface FormLimitRule {
  /** Which form: `agenda-inscription`, `annuaire-recommandation`… */
  form: string;
  /** Sends per address in the window. */
  perAddress: number;
  /** Sends per e-mail address in the window (when the form names one). */
  perEmail?: number;
}

export interface FormLimits {
  /**
   * Counts one send of `rule.form` from `ip` (and `email`) unless a limit is reached; returns the
   * seconds to wait (0: admitted and counted).
   */
  admit(rule: FormLimitRule, ip: string | undefined, email?: string): Promise<number>;
}

/** One hour: the window of every form limit. */
export const FORM_WINDOW_MS = 60 * 60_000;

function keysOf(rule: FormLimitRule, ip: string | undefined, email: string | undefined): Array<{ key: string; max: number }> {
  const keys = [{ key: `form:${rule.form}:ip:${addressKey(ip)}`, max: rule.perAddress }];
  if (email && rule.perEmail) {
    // The e-mail is hashed: the counters never hold a readable address.
    const digest = createHash('sha256').update(email.trim().toLowerCase()).digest('base64url').slice(0, 22);
    keys.push({ key: `form:${rule.form}:mail:${digest}`, max: rule.perEmail });
  }
  return keys;
}

/** Limits shared by every replica, in the store's sliding-window table (src/auth/login-limits.ts). */
export class StoreFormLimits implements FormLimits {
  readonly #limits: LoginLimits;

  constructor(store: StoreDb, options: { now?: () => number } = {}) {
    this.#limits = new LoginLimits(store, { windowMs: FORM_WINDOW_MS, ...options });
  }

  async admit(rule: FormLimitRule, ip: string | undefined, email?: string): Promise<number> {
    const keys = keysOf(rule, ip, email);
    const wait = await this.#limits.retryAfterSeconds(keys.map((k) => ({ key: k.key, maxFailures: k.max })));
    if (wait > 0) return wait;
    await this.#limits.recordFailure(keys.map((k) => k.key));
    return 0;
  }
}

/** Limits of this process alone (a gateway without a store, specs). */
export class MemoryFormLimits implements FormLimits {
  readonly #sends = new Map<string, number[]>();
  readonly #now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  async admit(rule: FormLimitRule, ip: string | undefined, email?: string): Promise<number> {
    const now = this.#now();
    const keys = keysOf(rule, ip, email);
    let wait = 0;
    for (const { key, max } of keys) {
      const recent = (this.#sends.get(key) ?? []).filter((t) => t > now - FORM_WINDOW_MS);
      this.#sends.set(key, recent);
      if (recent.length >= max) wait = Math.max(wait, Math.ceil((recent[recent.length - max]! + FORM_WINDOW_MS - now) / 1000));
    }
    if (wait > 0) return wait;
    for (const { key } of keys) this.#sends.get(key)!.push(now);
    if (this.#sends.size > 100_000) this.#sends.clear();
    return 0;
  }
}

/** "dans 12 minutes", "dans 1 heure": when a refused form may be sent again. */
export function frenchWait(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `dans ${minutes} minute${minutes > 1 ? 's' : ''}`;
  return 'dans une heure';
}
