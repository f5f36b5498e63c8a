/**
 * What a redirect carries to the next page (post/redirect/get): a notice after an action that
 * worked, or a refused form with what was typed and the error of each field. It travels in the
 * browser itself, sealed (AES-256-GCM, key derived from the shared form key, so every replica
 * opens what another sealed), compressed, in one to three `pollen_flash*` cookies that live ten
 * minutes and are cleared by the page that reads them. Nothing is stored on the server, and a
 * reload of that page never sends the form again.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { z } from 'zod';
import { readCookie } from '../auth/cookie.js';

/** A refused form: which one, what was typed (never passwords), the French error of each field. */
export interface RefusedForm {
  form: string;
  values: Record<string, string>;
  errors: Record<string, string>;
}

export interface Flash {
  notice?: string | undefined;
  refused?: RefusedForm | undefined;
}

const flashSchema = z.object({
  notice: z.string().max(2000).optional(),
  refused: z
    .object({ form: z.string().max(100), values: z.record(z.string(), z.string()), errors: z.record(z.string(), z.string()) })
    .optional(),
  /** When it was sealed (ms): older than FLASH_SECONDS is ignored even if the browser kept it. */
  at: z.number(),
});

export const FLASH_COOKIE = 'pollen_flash';
const FLASH_SECONDS = 600;
/** Cookie values stay under browsers' 4 KB per cookie, and three of them under Node's 16 KB of headers. */
const CHUNK = 3800;
const MAX_CHUNKS = 3;

export class FlashSeal {
  readonly #key: Buffer;

  constructor(formKey: Buffer) {
    this.#key = Buffer.from(hkdfSync('sha256', formKey, Buffer.alloc(0), 'pollen-web-flash', 32));
  }

  /** The `Set-Cookie` values that carry the flash, or undefined if it cannot fit (a form over the body limit). */
  cookies(flash: Flash, secure: boolean, now = Date.now()): string[] | undefined {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(deflateRawSync(Buffer.from(JSON.stringify({ ...flash, at: now })))), cipher.final()]);
    const sealed = Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    const chunks = Math.ceil(sealed.length / CHUNK);
    if (chunks > MAX_CHUNKS) return undefined;
    const cookies: string[] = [];
    for (let i = 0; i < MAX_CHUNKS; i++) {
      const value = sealed.slice(i * CHUNK, (i + 1) * CHUNK);
      cookies.push(flashCookie(`${FLASH_COOKIE}${i}`, value, value ? FLASH_SECONDS : 0, secure));
    }
    return cookies;
  }

  /** The flash the request carries (undefined if none, tampered with or too old). */
  open(cookieHeader: string | undefined, now = Date.now()): Flash | undefined {
    let sealed = '';
    for (let i = 0; i < MAX_CHUNKS; i++) sealed += readCookie(cookieHeader, `${FLASH_COOKIE}${i}`) ?? '';
    if (!sealed) return undefined;
    try {
      const raw = Buffer.from(sealed, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      const plain = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
      const parsed = flashSchema.safeParse(JSON.parse(inflateRawSync(plain, { maxOutputLength: 256 * 1024 }).toString('utf8')));
      if (!parsed.success || now - parsed.data.at > FLASH_SECONDS * 1000) return undefined;
      return { notice: parsed.data.notice, refused: parsed.data.refused };
    } catch {
      return undefined;
    }
  }

  /** True when the request carries any flash cookie (to clear them). */
  static present(cookieHeader: string | undefined): boolean {
    return cookieHeader?.includes(FLASH_COOKIE) ?? false;
  }

  static cleared(secure: boolean): string[] {
    return Array.from({ length: MAX_CHUNKS }, (_, i) => flashCookie(`${FLASH_COOKIE}${i}`, '', 0, secure));
  }
}

function flashCookie(name: string, value: string, maxAge: number, secure: boolean): string {
  // Lax: the cookie must come back on the redirect's GET; HttpOnly: no script reads it.
  return [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAge}`, ...(secure ? ['Secure'] : [])].join('; ');
}
