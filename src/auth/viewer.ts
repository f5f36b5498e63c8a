import { AuthError } from './errors.js';

/** What a signed-in (or anonymous) caller may do, from least to most. */
export type Role = 'anonymous' | 'learner' | 'facilitator' | 'admin';

/** Who is asking. Resolvers read it from `ctx.viewer`; it never carries a secret. */
export interface Viewer {
  role: Role;
  /** The learner's id in the progress store (`moodle-3`, `local-alice`); null for other roles. */
  learnerId: string | null;
  /** Name to greet the person with; null when anonymous. */
  displayName: string | null;
}

export const ANONYMOUS: Viewer = Object.freeze({ role: 'anonymous', learnerId: null, displayName: null });

/**
 * Throws unless the viewer has one of `roles`: UNAUTHENTICATED when nobody is signed in,
 * FORBIDDEN when the signed-in role is not allowed. Admins are not implicitly allowed
 * everything: list them where they are.
 */
export function requireRole(ctx: { viewer: Viewer; credentialRejected?: boolean }, ...roles: Role[]): Viewer {
  const { viewer } = ctx;
  if (roles.includes(viewer.role)) return viewer;
  if (viewer.role === 'anonymous') {
    throw new AuthError(
      'UNAUTHENTICATED',
      ctx.credentialRejected
        ? 'The session has expired or the token is not recognised: sign in again.'
        : 'Sign in first: this field needs a session or an API token.',
    );
  }
  throw new AuthError('FORBIDDEN', `This is not available to the ${viewer.role} role.`);
}

/** The learner id of a learner viewer, or the same denials as requireRole. */
export function requireLearner(ctx: { viewer: Viewer; credentialRejected?: boolean }): string {
  const viewer = requireRole(ctx, 'learner');
  if (viewer.learnerId === null) throw new AuthError('FORBIDDEN', 'This session has no learner attached.');
  return viewer.learnerId;
}
