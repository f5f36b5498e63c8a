/** Sign-in, sessions and roles. */
export { ANONYMOUS, requireLearner, requireRole, type Role, type Viewer } from './viewer.js';
export { AuthError, loginFailed, type AuthErrorCode } from './errors.js';
export { AuthService, type AuthServiceOptions, type RequestLike, type SignInOptions } from './service.js';
export { SessionStore, sessionMigrations, type IssuedSession } from './sessions.js';
export { SESSION_COOKIE, clearedSessionCookie, readCookie, sessionCookie } from './cookie.js';
export { hashPassword, verifyPassword } from './passwords.js';
export { ApiTokenSet, hashToken, newSessionToken } from './tokens.js';
export { LoginLimits, loginLimitMigrations, type LimitRule, type LoginLimitsOptions } from './login-limits.js';
export { authMigrations } from './migrations.js';
