/** Failed-login counting per key (a username, an IP address), in a sliding window. */
export interface LoginRateLimitOptions {
  /** Failures allowed in the window; the next attempt is refused. Default 5. */
  maxFailures?: number;
  /** Window length in ms. Default 15 minutes. */
  windowMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * In-memory, per process: the gateway runs as one process on a modest host. A failure counts
 * against the username and the IP; a success clears the username's failures (not the IP's, so
 * one valid account cannot be used to reset a spray of guesses from the same address).
 */
/** Above this many remembered keys, expired ones are swept on the next failure. */
export const SWEEP_ABOVE_KEYS = 1000;

export class LoginRateLimiter {
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #failures = new Map<string, number[]>();
  #lastSweep = Number.NEGATIVE_INFINITY;

  constructor(options: LoginRateLimitOptions = {}) {
    this.#maxFailures = options.maxFailures ?? 5;
    this.#windowMs = options.windowMs ?? 15 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** Seconds until the first of `keys` may try again, or 0 when none is blocked. */
  retryAfterSeconds(keys: readonly string[]): number {
    let wait = 0;
    for (const key of keys) {
      const recent = this.#recent(key);
      if (recent.length >= this.#maxFailures) {
        const oldest = recent[recent.length - this.#maxFailures] ?? this.#now();
        wait = Math.max(wait, Math.ceil((oldest + this.#windowMs - this.#now()) / 1000));
      }
    }
    return wait;
  }

  recordFailure(keys: readonly string[]): void {
    for (const key of keys) this.#failures.set(key, [...this.#recent(key), this.#now()]);
    // Sweeping is O(keys): at most once a second, so a spray from many addresses cannot turn
    // every failed login into a full scan.
    if (this.#failures.size > SWEEP_ABOVE_KEYS && this.#now() - this.#lastSweep >= 1000) this.#sweep();
  }

  /** Keys currently remembered (for tests and metrics). */
  get size(): number {
    return this.#failures.size;
  }

  /** Forgets keys whose failures are all out of the window: memory stays bounded by the window's traffic. */
  #sweep(): void {
    this.#lastSweep = this.#now();
    for (const key of [...this.#failures.keys()]) this.#recent(key);
  }

  clear(key: string): void {
    this.#failures.delete(key);
  }

  #recent(key: string): number[] {
    const since = this.#now() - this.#windowMs;
    const recent = (this.#failures.get(key) ?? []).filter((t) => t > since);
    if (recent.length === 0) this.#failures.delete(key);
    else this.#failures.set(key, recent);
    return recent;
  }
}
