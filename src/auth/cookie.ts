/** Name of the session cookie the dashboard uses. */
export const SESSION_COOKIE = 'pollen_session';

/** The value of one cookie in a `Cookie` header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * `Set-Cookie` value for a session: HttpOnly (no script reads it), SameSite=Strict (never sent
 * by another site's form or link), Path=/, Secure when served over HTTPS.
 */
export function sessionCookie(token: string, maxAgeSeconds: number, options: { secure?: boolean } = {}): string {
  const parts = [`${SESSION_COOKIE}=${encodeURIComponent(token)}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/** `Set-Cookie` value that removes the session cookie. */
export function clearedSessionCookie(options: { secure?: boolean } = {}): string {
  return sessionCookie('', 0, options);
}
