import { GraphQLError } from 'graphql';

/**
 * Codes of sign-in and access errors. Clients branch on them, never on the message.
 * LOGIN_FAILED is the same for an unknown user and a wrong password, on purpose.
 */
export type AuthErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'LOGIN_FAILED'
  | 'LOGIN_RATE_LIMITED'
  | 'LOGIN_UNAVAILABLE'
  | 'MOODLE_SESSION_EXPIRED';

/** A coded GraphQL error; the message never holds a secret nor says whether a username exists. */
export class AuthError extends GraphQLError {
  readonly code: AuthErrorCode;
  constructor(code: AuthErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
    this.name = 'AuthError';
    this.code = code;
  }
}

/** The one answer to a refused login, whatever the reason. */
export function loginFailed(): AuthError {
  return new AuthError('LOGIN_FAILED', 'Identifiant inconnu ou mot de passe erroné.');
}
