import { describe, expect, it } from 'vitest';
import { LoginRateLimiter, SWEEP_ABOVE_KEYS } from '../../src/auth/rate-limit.js';

describe('the login rate limiter', () => {
  it('blocks a key after the allowed failures and frees it when the window has passed', () => {
    let now = 0;
    const limiter = new LoginRateLimiter({ maxFailures: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) limiter.recordFailure(['ip:a']);
    expect(limiter.retryAfterSeconds(['ip:a'])).toBe(60);
    now = 60_001;
    expect(limiter.retryAfterSeconds(['ip:a'])).toBe(0);
  });

  it('does not grow without bound when many usernames are tried: expired ones are swept', () => {
    let now = 0;
    const limiter = new LoginRateLimiter({ windowMs: 1000, now: () => now });
    for (let i = 0; i < SWEEP_ABOVE_KEYS; i++) limiter.recordFailure([`user:${i}`]);
    expect(limiter.size).toBe(SWEEP_ABOVE_KEYS);
    now = 5000; // all of those are out of the window
    limiter.recordFailure(['user:new-1', 'user:new-2']);
    expect(limiter.size).toBe(2);
  });
});
