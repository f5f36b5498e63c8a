/**
 * The directory's mailed links and the structures' sessions, with no password: a link confirms a
 * public recommendation or declaration, or signs a structure in to manage its fiche. Tokens are
 * random, kept only hashed, short-lived and single-use (the update that uses one is the check, so
 * two concurrent uses cannot both succeed). A sign-in link opens a session (its own cookie, its
 * own table) that only manages that structure's fiche.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { DirectoryDb, DirectoryTx } from './store.js';

export type LinkPurpose = 'confirm-recommendation' | 'confirm-declaration' | 'sign-in';

/** How long each kind of link stays valid. */
export const LINK_LIFETIME_MS: Record<LinkPurpose, number> = {
  'confirm-recommendation': 7 * 86_400_000,
  'confirm-declaration': 7 * 86_400_000,
  'sign-in': 30 * 60_000,
};

/** How long a structure stays signed in after opening its link. */
export const MANAGER_SESSION_MS = 2 * 3_600_000;

/** The cookie of a structure's session (path /annuaire: sent nowhere else). */
export const MANAGER_COOKIE = 'pollen_annuaire';

export function tokenHash(token: string): string {
  return createHash('sha256').update(`pollen-directory-link:${token}`).digest('hex');
}

function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Writes a link for `subjectId` (inside the caller's transaction, with the mail that carries it); returns its token. */
export async function createLink(trx: DirectoryDb | DirectoryTx, purpose: LinkPurpose, subjectId: number, now: Date): Promise<string> {
  const token = newToken();
  await trx.insertInto('directory_links').values({
    token_hash: tokenHash(token), purpose, subject_id: subjectId, expires_at: new Date(now.getTime() + LINK_LIFETIME_MS[purpose]).toISOString(), used_at: null, created_at: now.toISOString(),
  }).execute();
  return token;
}

/** What a token is for, if it can still be used (GET pages show a button; nothing is used). */
export async function peekLink(db: DirectoryDb, token: string, now: Date): Promise<{ purpose: LinkPurpose; subjectId: number } | undefined> {
  if (!token || token.length > 100) return undefined;
  const row = await db.selectFrom('directory_links').selectAll().where('token_hash', '=', tokenHash(token)).executeTakeFirst();
  if (!row || row.used_at !== null || row.expires_at <= now.toISOString()) return undefined;
  return { purpose: row.purpose as LinkPurpose, subjectId: Number(row.subject_id) };
}

/** Uses a token once: its subject, or undefined when unknown, expired, already used or for another purpose. */
export async function useLink(trx: DirectoryDb | DirectoryTx, token: string, purposes: readonly LinkPurpose[], now: Date): Promise<{ purpose: LinkPurpose; subjectId: number } | undefined> {
  if (!token || token.length > 100) return undefined;
  const hash = tokenHash(token);
  const at = now.toISOString();
  const done = await trx.updateTable('directory_links').set({ used_at: at })
    .where('token_hash', '=', hash).where('used_at', 'is', null).where('expires_at', '>', at).where('purpose', 'in', [...purposes]).executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) return undefined;
  const row = await trx.selectFrom('directory_links').select(['purpose', 'subject_id']).where('token_hash', '=', hash).executeTakeFirstOrThrow();
  return { purpose: row.purpose as LinkPurpose, subjectId: Number(row.subject_id) };
}

/** Opens a structure's session; returns the cookie's value. Expired sessions and links are dropped as we go. */
export async function openManagerSession(db: DirectoryDb, providerId: number, now: Date): Promise<string> {
  const token = newToken();
  const at = now.toISOString();
  await db.deleteFrom('directory_provider_sessions').where('expires_at', '<=', at).execute();
  await db.deleteFrom('directory_links').where('expires_at', '<=', new Date(now.getTime() - 86_400_000).toISOString()).execute();
  await db.insertInto('directory_provider_sessions').values({ token_hash: tokenHash(token), provider_id: providerId, expires_at: new Date(now.getTime() + MANAGER_SESSION_MS).toISOString() }).execute();
  return token;
}

/** The provider a session cookie manages, while it lasts. */
export async function managerSession(db: DirectoryDb, token: string | undefined, now: Date): Promise<number | undefined> {
  if (!token || token.length > 100) return undefined;
  const row = await db.selectFrom('directory_provider_sessions').select('provider_id').where('token_hash', '=', tokenHash(token)).where('expires_at', '>', now.toISOString()).executeTakeFirst();
  return row ? Number(row.provider_id) : undefined;
}

export async function closeManagerSession(db: DirectoryDb, token: string | undefined): Promise<void> {
  if (token) await db.deleteFrom('directory_provider_sessions').where('token_hash', '=', tokenHash(token)).execute();
}

export function managerCookie(value: string, secure: boolean): string {
  return [`${MANAGER_COOKIE}=${value}`, 'Path=/annuaire', 'HttpOnly', 'SameSite=Lax', `Max-Age=${value ? MANAGER_SESSION_MS / 1000 : 0}`, ...(secure ? ['Secure'] : [])].join('; ');
}
