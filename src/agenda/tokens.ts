/** Registration tokens: given to the person (in a mail, or once in the answer), kept hashed. */
import { createHash, randomBytes } from 'node:crypto';

export function newRegistrationToken(): string {
  return randomBytes(24).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
