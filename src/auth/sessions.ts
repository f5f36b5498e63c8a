import { migrate, type Store } from '../store/db.js';
import type { Viewer } from './viewer.js';
import { hashToken, newSessionToken } from './tokens.js';

const MIGRATIONS = [
  {
    id: 'auth/001-sessions',
    sql: `CREATE TABLE auth_sessions (
      token_hash TEXT PRIMARY KEY,
      role TEXT NOT NULL CHECK (role IN ('learner', 'facilitator', 'admin')),
      learner_id TEXT,
      display_name TEXT,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    );
    CREATE INDEX auth_sessions_expiry ON auth_sessions (expires_at);`,
  },
];

/** A session as handed to its owner at login: the only time the token is seen in clear. */
export interface IssuedSession {
  token: string;
  /** Hash under which the session is stored (for in-memory side data such as a Moodle token). */
  tokenHash: string;
  expiresAt: Date;
  viewer: Viewer;
}

interface SessionRow {
  role: 'learner' | 'facilitator' | 'admin';
  learner_id: string | null;
  display_name: string | null;
  expires_at: number;
}

/**
 * Gateway sessions in the local store, keyed by the SHA-256 of their token: a copy of the store
 * gives no usable token. Expired rows are ignored on read and purged on each new login.
 */
export class SessionStore {
  constructor(
    private readonly db: Store,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    migrate(db, MIGRATIONS);
  }

  create(viewer: Viewer): IssuedSession {
    if (viewer.role === 'anonymous') throw new Error('An anonymous viewer has no session');
    const token = newSessionToken();
    const tokenHash = hashToken(token);
    const createdAt = this.now();
    const expiresAt = createdAt + this.ttlMs;
    this.purgeExpired();
    this.db
      .prepare('INSERT INTO auth_sessions (token_hash, role, learner_id, display_name, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(tokenHash, viewer.role, viewer.learnerId, viewer.displayName, createdAt, expiresAt);
    return { token, tokenHash, expiresAt: new Date(expiresAt), viewer };
  }

  /** The viewer of a live session, or undefined for an unknown or expired token. */
  find(token: string): { viewer: Viewer; tokenHash: string; expiresAt: Date } | undefined {
    const tokenHash = hashToken(token);
    const row = this.db
      .prepare('SELECT role, learner_id, display_name, expires_at FROM auth_sessions WHERE token_hash = ?')
      .get(tokenHash) as SessionRow | undefined;
    if (!row || row.expires_at <= this.now()) return undefined;
    return {
      tokenHash,
      expiresAt: new Date(row.expires_at),
      viewer: { role: row.role, learnerId: row.learner_id, displayName: row.display_name },
    };
  }

  /** Ends a session; true when there was one. */
  delete(token: string): boolean {
    return this.db.prepare('DELETE FROM auth_sessions WHERE token_hash = ?').run(hashToken(token)).changes > 0;
  }

  purgeExpired(): number {
    return this.db.prepare('DELETE FROM auth_sessions WHERE expires_at <= ?').run(this.now()).changes;
  }
}
