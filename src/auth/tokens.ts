import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh session token: 32 random bytes, base64url. Only its hash is ever stored. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 of a token, hex. Tokens are random and long, so no salt or slow hash is needed. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * API tokens from the configuration, kept only as SHA-256 digests. A presented token is hashed
 * and compared with every digest in constant time (timingSafeEqual on equal-length digests), so
 * neither the match nor the position leaks through timing.
 */
export class ApiTokenSet {
  readonly #digests: Buffer[];

  constructor(tokens: readonly string[]) {
    this.#digests = tokens.filter((t) => t.length > 0).map((t) => createHash('sha256').update(t, 'utf8').digest());
  }

  get size(): number {
    return this.#digests.length;
  }

  has(token: string): boolean {
    const presented = createHash('sha256').update(token, 'utf8').digest();
    let found = false;
    for (const digest of this.#digests) found = timingSafeEqual(presented, digest) || found;
    return found;
  }

  /** Whether a token of this SHA-256 (hex) is in the set: a session opened with it is still valid. */
  hasDigest(hex: string): boolean {
    const presented = Buffer.from(hex, 'hex');
    let found = false;
    for (const digest of this.#digests) found = (presented.length === digest.length && timingSafeEqual(presented, digest)) || found;
    return found;
  }

  toJSON(): string {
    return `[${this.#digests.length} token hashes]`;
  }
}
