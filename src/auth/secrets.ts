/**
 * Secrets derived from POLLEN_SECRET_KEY, and the sealed box learners' Moodle tokens are stored in.
 *
 * Each use gets its own key, derived with HKDF-SHA256 under a distinct `info` string, so a key
 * never serves two purposes. Sealing is AES-256-GCM with a fresh random 96-bit nonce per value and
 * associated data chosen by the caller (the session hash): a sealed value copied to another row
 * does not open. Nothing here logs, and no error carries a clear value.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** POLLEN_SECRET_KEY's length, in bytes. */
export const SECRET_KEY_BYTES = 32;

/** The purposes a key is derived for; each is a distinct HKDF `info`. */
export type KeyPurpose = 'moodle-token' | 'dashboard-csrf';

const HKDF_SALT = Buffer.from('pollen-secret-key-v1');

/** A 32-byte key for one purpose, derived from the configured secret key. */
export function deriveKey(secretKey: Buffer, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', secretKey, HKDF_SALT, `pollen/${purpose}/v1`, 32));
}

/** How a generated key is written: what the README and the configuration error suggest. */
export const SECRET_KEY_HINT =
  "créez-en une avec « openssl rand -base64 32 » ou « node -e \"console.log(require('node:crypto').randomBytes(32).toString('base64'))\" »";

/**
 * POLLEN_SECRET_KEY's value: 32 bytes written in base64 (44 characters, or 43 without padding;
 * base64url accepted) or in hex (64 characters). Undefined when unset or blank.
 * @throws Error whose message names the setting and the expected form, never the value.
 */
export function parseSecretKey(value: string | undefined): Buffer | undefined {
  const v = value?.trim() ?? '';
  if (v === '') return undefined;
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(v)) {
    const bytes = Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === SECRET_KEY_BYTES) return bytes;
  }
  throw new Error(
    `doit valoir ${SECRET_KEY_BYTES} octets aléatoires écrits en base64 (44 caractères) ou en hexadécimal (64 caractères) : ${SECRET_KEY_HINT}`,
  );
}

const VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM with associated data, for small secrets stored as text. */
export class SecretBox {
  readonly #key: Buffer;

  constructor(secretKey: Buffer, purpose: KeyPurpose) {
    this.#key = deriveKey(secretKey, purpose);
  }

  /** `v1.` + base64url(nonce ‖ tag ‖ ciphertext); a new nonce every call. */
  seal(plaintext: string, associatedData: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([nonce, cipher.getAuthTag(), ciphertext]).toString('base64url')}`;
  }

  /**
   * The clear value, or undefined when the sealed value does not open: another key, other
   * associated data, a damaged or unknown format.
   */
  open(sealed: string, associatedData: string): string | undefined {
    const prefix = `${VERSION}.`;
    if (!sealed.startsWith(prefix)) return undefined;
    const raw = Buffer.from(sealed.slice(prefix.length), 'base64url');
    if (raw.length < NONCE_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, NONCE_BYTES));
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(raw.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
