import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../log.js';
import { MoodleClient, MoodleLoginError, MoodleUnavailableError, requestLoginToken } from '../moodle/index.js';
import type { LearnerStore } from '../progress/learners.js';
import type { StoreDb } from '../store/database.js';
import { readCookie, SESSION_COOKIE } from './cookie.js';
import { AuthError, loginFailed } from './errors.js';
import { decoyPasswordHash, verifyPassword } from './passwords.js';
import { LoginLimits, type LimitRule } from './login-limits.js';
import { SessionStore, type IssuedSession } from './sessions.js';
import type { StoredApiTokens } from './api-tokens.js';
import { plural } from '../cli/format.js';
import { ApiTokenSet, hashToken } from './tokens.js';
import { ANONYMOUS, type Viewer } from './viewer.js';
import { sharedKey } from './keys.js';
import { SecretBox } from './secrets.js';

/** API tokens at least this long (e.g. `openssl rand -hex 24`) are out of reach of guessing. */
export const HIGH_ENTROPY_TOKEN_LENGTH = 24;

/** The refusal after too many failures, in French, with the wait. */
function rateLimited(waitSeconds: number): AuthError {
  const minutes = Math.max(1, Math.ceil(waitSeconds / 60));
  return new AuthError(
    'LOGIN_RATE_LIMITED',
    `Trop de tentatives de connexion échouées. Réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}.`,
    { retryAfterSeconds: waitSeconds },
  );
}

/** Everything sign-in needs, with defaults. */
export interface AuthServiceOptions {
  store: StoreDb;
  learners: LearnerStore;
  /** POLLEN_FACILITATOR_TOKENS; hashed at once, the clear values are not kept. */
  facilitatorTokens?: readonly string[];
  /** POLLEN_ADMIN_TOKENS; hashed at once. */
  adminTokens?: readonly string[];
  /** Tokens kept in the store (`npm run token`, first start), beside the configured ones. */
  storedTokens?: StoredApiTokens | undefined;
  /** Session lifetime. Default 120 minutes. */
  sessionTtlMinutes?: number;
  /** Failed logins per account (username) in the window. Default 5 in 15 minutes. */
  loginMaxFailures?: number;
  /** Failed logins per client address in the window. Default 50. */
  loginMaxFailuresPerAddress?: number;
  loginWindowMinutes?: number;
  /** Set: learners sign in with their Moodle account. Unset: local accounts (embedded mode). */
  moodle?: { url: string; service?: string; fetch?: typeof fetch; timeoutMs?: number } | undefined;
  logger?: Logger | undefined;
  /**
   * POLLEN_SECRET_KEY (32 bytes). Set: learners' Moodle tokens are sealed in the store beside
   * their session, and the dashboard's form key is derived from it. Unset: Moodle tokens stay in
   * this process's memory, and the form key is a random one kept in the store.
   */
  secretKey?: Buffer | undefined;
  /** Clock in ms, for tests. */
  now?: () => number;
}

/** What a sign-in is told about the request. */
export interface SignInOptions {
  ip?: string | undefined;
  /** The session token the browser already held (its cookie): ended once the new session is open. */
  replacing?: string | undefined;
}

/** The minimum of a request sign-in reads: its headers and the client's address. */
export interface RequestLike {
  headers: IncomingHttpHeaders;
  ip?: string | undefined;
}

/**
 * Sign-in and sessions.
 *
 * Learners' Moodle tokens: core_completion_update_activity_completion_status_manually acts for
 * the token's user, so marking a module done in Moodle needs the learner's own token. With
 * POLLEN_SECRET_KEY, it is sealed (AES-256-GCM, a key derived for this use, the session hash as
 * associated data) in the session's row: it survives a restart, works on every replica, and goes
 * with the session (logout, expiry). Without the key, it is kept in this process's memory only
 * (a Map keyed by the session hash). Either way it is never logged nor answered; when it is gone
 * (restart without the key, another replica, a key changed) markModuleDone answers
 * MOODLE_SESSION_EXPIRED: sign in again. Passwords are never kept.
 */
export class AuthService {
  readonly sessions: SessionStore;
  readonly sessionTtlMs: number;
  readonly #learners: LearnerStore;
  readonly #facilitators: ApiTokenSet;
  readonly #admins: ApiTokenSet;
  readonly #limits: LoginLimits;
  readonly #maxPerAccount: number;
  readonly #maxPerAddress: number;
  readonly #stored: StoredApiTokens | undefined;
  readonly #moodle: AuthServiceOptions['moodle'];
  readonly #logger: Logger | undefined;
  readonly #now: () => number;
  readonly #moodleTokens = new Map<string, { token: string; expiresAt: number }>();
  readonly #store: StoreDb;
  readonly #secretKey: Buffer | undefined;
  readonly #tokenBox: SecretBox | undefined;
  #csrfKey: Promise<Buffer> | undefined;

  constructor(options: AuthServiceOptions) {
    this.#now = options.now ?? Date.now;
    this.sessionTtlMs = (options.sessionTtlMinutes ?? 120) * 60_000;
    this.sessions = new SessionStore(options.store, this.sessionTtlMs, this.#now);
    this.#learners = options.learners;
    this.#facilitators = new ApiTokenSet(options.facilitatorTokens ?? []);
    this.#admins = new ApiTokenSet(options.adminTokens ?? []);
    this.#limits = new LoginLimits(options.store, { windowMs: (options.loginWindowMinutes ?? 15) * 60_000, now: this.#now });
    this.#maxPerAccount = options.loginMaxFailures ?? 5;
    this.#maxPerAddress = options.loginMaxFailuresPerAddress ?? 50;
    this.#stored = options.storedTokens;
    this.#moodle = options.moodle;
    this.#logger = options.logger;
    this.#store = options.store;
    this.#secretKey = options.secretKey;
    this.#tokenBox = options.secretKey ? new SecretBox(options.secretKey, 'moodle-token') : undefined;
  }

  /** Where learners' Moodle tokens are kept: `store` (sealed, with POLLEN_SECRET_KEY) or `memory`. */
  get moodleTokenKeeping(): 'store' | 'memory' {
    return this.#tokenBox ? 'store' : 'memory';
  }

  /** Moodle tokens held in this process's memory (no POLLEN_SECRET_KEY): live sessions only. */
  get moodleTokensInMemory(): number {
    return this.#moodleTokens.size;
  }

  /**
   * The dashboard's form (CSRF) key, the same in every process: derived from POLLEN_SECRET_KEY,
   * else the store's random one (created by the first process that asks). Read once per process.
   */
  csrfKey(): Promise<Buffer> {
    this.#csrfKey ??= sharedKey(this.#store, this.#secretKey, 'dashboard-csrf').catch((error: unknown) => {
      this.#csrfKey = undefined; // the store was unreachable: ask again next time
      throw error;
    });
    return this.#csrfKey;
  }

  /** `embedded` when learners have local accounts, `moodle` when they sign in with Moodle. */
  get learnerSignIn(): 'moodle' | 'embedded' {
    return this.#moodle ? 'moodle' : 'embedded';
  }

  /** The credential a request carries: `Authorization: Bearer …`, else the pollen_session cookie. */
  credentialOf(req: RequestLike): string | undefined {
    const header = req.headers.authorization;
    if (typeof header === 'string') {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (m) return m[1];
    }
    return readCookie(req.headers.cookie, SESSION_COOKIE) || undefined;
  }

  /**
   * Who sent this request: an API token from the configuration (facilitator, admin), a live
   * session (bearer or cookie), else anonymous. A wrong or expired credential is anonymous, so
   * public fields still answer and protected ones say UNAUTHENTICATED.
   */
  async viewerFromRequest(req: RequestLike): Promise<Viewer> {
    return (await this.#resolve(this.credentialOf(req)))?.viewer ?? ANONYMOUS;
  }

  /** The viewer and, for sessions, the session's hash (to reach its in-memory Moodle token). */
  async authenticate(req: RequestLike): Promise<{ viewer: Viewer; sessionHash: string | null; credentialRejected: boolean }> {
    const credential = this.credentialOf(req);
    const found = await this.#resolve(credential);
    if (found) return { ...found, credentialRejected: false };
    // A credential came but matched nothing: an expired session or a mistyped token.
    return { viewer: ANONYMOUS, sessionHash: null, credentialRejected: credential !== undefined };
  }

  async #resolve(credential: string | undefined): Promise<{ viewer: Viewer; sessionHash: string | null } | undefined> {
    if (!credential) return undefined;
    const apiViewer = this.#apiTokenViewer(credential);
    if (apiViewer) return { viewer: apiViewer, sessionHash: null };
    const session = await this.sessions.find(credential);
    if (!session) return undefined;
    // Opened with an API token since revoked (by `npm run token`, refreshed every 10 s) or taken
    // out of the configuration: the session ends with it.
    if (session.apiTokenHash && !(await this.#apiTokenHashLive(session.apiTokenHash))) {
      await this.sessions.deleteByHash(session.tokenHash);
      return undefined;
    }
    return { viewer: session.viewer, sessionHash: session.tokenHash };
  }

  /** A configured token (memory), else a live stored one (memory, then the store for one created since the last refresh). */
  async #apiTokenHashLive(hash: string): Promise<boolean> {
    const admin = this.#admins.hasDigest(hash);
    const facilitator = this.#facilitators.hasDigest(hash);
    if (admin || facilitator) return true;
    return (await this.#stored?.isLive(hash)) ?? false;
  }

  #apiTokenViewer(token: string): Viewer | undefined {
    // Both sets are always checked: the time taken does not depend on which one matches.
    const admin = this.#admins.has(token);
    const facilitator = this.#facilitators.has(token);
    const stored = this.#stored?.viewerFor(token);
    if (admin) return { role: 'admin', learnerId: null, displayName: 'Admin' };
    if (facilitator) return { role: 'facilitator', learnerId: null, displayName: 'Animateur·rice' };
    return stored;
  }

  /** Reloads the stored tokens (one created or revoked by `npm run token` in another process). */
  async refreshStoredTokens(): Promise<void> {
    await this.#stored?.refresh();
  }

  /**
   * Exchanges a facilitator or admin API token (typed into a sign-in form) for a short-lived
   * session, whose token goes into the pollen_session cookie; the API token itself never does.
   *
   * A right high-entropy token (HIGH_ENTROPY_TOKEN_LENGTH characters or more) is never refused
   * because others mistyped from the same address (a workshop room behind one NAT): nobody
   * guesses such a token, so the limit only slows down wrong ones. Wrong tokens are counted per
   * address, apart from learners' passwords.
   * @throws AuthError LOGIN_FAILED (unknown token), LOGIN_RATE_LIMITED.
   */
  async loginWithApiToken(token: string, options: SignInOptions = {}): Promise<IssuedSession> {
    const rules: LimitRule[] = options.ip ? [{ key: `token-ip:${options.ip}`, maxFailures: this.#maxPerAddress }] : [];
    const viewer = this.#apiTokenViewer(token);
    if (!viewer || token.length < HIGH_ENTROPY_TOKEN_LENGTH) await this.#checkRate(rules);
    if (!viewer) {
      await this.#limits.recordFailure(rules.map((r) => r.key));
      this.#logger?.warn({ event: 'login_failed', kind: 'api-token', ip: options.ip }, 'Sign-in refused');
      throw loginFailed();
    }
    this.#logger?.info({ event: 'login', role: viewer.role, ip: options.ip }, 'Signed in with an API token');
    const session = await this.sessions.create(viewer, { apiTokenHash: hashToken(token) });
    await this.#endReplaced(options.replacing, session);
    return session;
  }

  /**
   * A sign-in never keeps the session the browser came with (session fixation: a session id
   * planted before sign-in must not become the signed-in one): the new session has a fresh id,
   * and the one the browser held is ended in the store, with its Moodle token.
   */
  async #endReplaced(previous: string | undefined, issued: IssuedSession): Promise<void> {
    if (!previous || previous === issued.token) return;
    await this.logout(previous);
  }

  /**
   * Signs a learner in: with Moodle (/login/token.php, then the token's user from
   * core_webservice_get_site_info) or, in embedded mode, against the local scrypt hash.
   * Unknown username and wrong password give the same LOGIN_FAILED.
   * @throws AuthError LOGIN_FAILED, LOGIN_RATE_LIMITED, LOGIN_UNAVAILABLE (Moodle down).
   */
  async loginLearner(username: string, password: string, options: SignInOptions = {}): Promise<IssuedSession> {
    const name = username.trim();
    // Per account and per address, with different thresholds: a few mistypes on one account
    // block that account, not the room it is typed from.
    const rules: LimitRule[] = [
      { key: `user:${name.toLowerCase()}`, maxFailures: this.#maxPerAccount },
      ...(options.ip ? [{ key: `ip:${options.ip}`, maxFailures: this.#maxPerAddress }] : []),
    ];
    const keys = rules.map((r) => r.key);
    await this.#checkRate(rules);
    if (name.length === 0 || name.length > 100 || password.length === 0 || password.length > 1024) {
      await this.#limits.recordFailure(keys);
      throw loginFailed();
    }
    const outcome = this.#moodle ? await this.#checkWithMoodle(this.#moodle, name, password) : await this.#checkLocally(name, password);
    if (!outcome) {
      await this.#limits.recordFailure(keys);
      this.#logger?.warn({ event: 'login_failed', kind: 'learner', ip: options.ip }, 'Sign-in refused');
      throw loginFailed();
    }
    await this.#limits.clear(keys[0] as string);
    const { moodleToken } = outcome;
    const box = this.#tokenBox;
    const session = await this.sessions.create(
      outcome.viewer,
      moodleToken && box ? { sealMoodleToken: (tokenHash) => box.seal(moodleToken, tokenHash) } : {},
    );
    if (moodleToken && !box) {
      // Sessions that simply expire are never looked up again: drop theirs here, so the map holds live sessions only.
      const now = this.#now();
      for (const [hash, entry] of this.#moodleTokens) if (entry.expiresAt <= now) this.#moodleTokens.delete(hash);
      this.#moodleTokens.set(session.tokenHash, { token: moodleToken, expiresAt: session.expiresAt.getTime() });
    }
    await this.#endReplaced(options.replacing, session);
    this.#logger?.info({ event: 'login', role: 'learner', learnerId: outcome.viewer.learnerId, ip: options.ip }, 'Learner signed in');
    return session;
  }

  /**
   * The learner's Moodle token for a live session: from the store (sealed) with POLLEN_SECRET_KEY,
   * else from memory. Undefined when none is known here (restart or another replica without the
   * key, a sealed token that does not open with this key): the learner must sign in again.
   */
  async moodleTokenOf(sessionHash: string | null): Promise<string | undefined> {
    if (!sessionHash) return undefined;
    if (this.#tokenBox) {
      const sealed = await this.sessions.sealedMoodleToken(sessionHash);
      if (sealed === undefined) return undefined;
      const token = this.#tokenBox.open(sealed, sessionHash);
      if (token === undefined) {
        this.#logger?.warn(
          { event: 'moodle_token_unreadable' },
          "A learner's stored Moodle token does not decrypt (POLLEN_SECRET_KEY changed, or the row was altered): the learner is asked to sign in again",
        );
      }
      return token;
    }
    const entry = this.#moodleTokens.get(sessionHash);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#moodleTokens.delete(sessionHash);
      return undefined;
    }
    return entry.token;
  }

  /** Ends the session a token opened (and forgets its Moodle token). API tokens are not sessions. */
  async logout(token: string | undefined): Promise<boolean> {
    if (!token) return false;
    const session = await this.sessions.find(token);
    if (session) this.#moodleTokens.delete(session.tokenHash);
    return this.sessions.delete(token);
  }

  async #checkRate(rules: readonly LimitRule[]): Promise<void> {
    const wait = await this.#limits.retryAfterSeconds(rules);
    if (wait > 0) throw rateLimited(wait);
  }

  async #checkLocally(username: string, password: string): Promise<{ viewer: Viewer; moodleToken?: string } | undefined> {
    const account = await this.#learners.localAccount(username);
    // Hash something even for an unknown user, so timing does not tell whether it exists.
    const ok = await verifyPassword(password, account?.passwordHash ?? (await decoyPasswordHash()));
    if (!ok || !account || !account.learner.active) return undefined;
    return { viewer: { role: 'learner', learnerId: account.learner.id, displayName: account.learner.displayName } };
  }

  async #checkWithMoodle(
    moodle: NonNullable<AuthServiceOptions['moodle']>,
    username: string,
    password: string,
  ): Promise<{ viewer: Viewer; moodleToken: string } | undefined> {
    const httpOptions = { fetch: moodle.fetch, timeoutMs: moodle.timeoutMs };
    try {
      const { token } = await requestLoginToken(moodle.url, username, password, moodle.service ?? 'moodle_mobile_app', httpOptions);
      const client = new MoodleClient({ url: moodle.url, token, ...(moodle.fetch ? { fetch: moodle.fetch } : {}), retryDelayMs: 100 });
      const site = await client.getSiteInfo();
      const learner = await this.#learners.upsertMoodleLearner({ id: site.userid, username: site.username, fullname: site.fullname });
      return { viewer: { role: 'learner', learnerId: learner.id, displayName: learner.displayName }, moodleToken: token };
    } catch (error) {
      if (error instanceof MoodleLoginError) return undefined;
      const code = error instanceof MoodleUnavailableError ? error.code : (error as { code?: unknown }).code;
      this.#logger?.error({ event: 'login_error', upstreamCode: code }, 'Moodle sign-in failed');
      throw new AuthError('LOGIN_UNAVAILABLE', 'La connexion par Moodle est impossible pour le moment. Réessayez dans quelques minutes.');
    }
  }
}
