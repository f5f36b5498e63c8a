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

/** Roles as people read them. */
const ROLE_LABELS: Record<Role, string> = { anonymous: 'visiteur·se', learner: 'apprenant·e', facilitator: 'animateur·rice', admin: 'administrateur·rice' };

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
        ? 'Votre session a expiré, reconnectez-vous (ou le jeton n’est pas reconnu).'
        : 'Connectez-vous d’abord : ce champ demande une session ou un jeton d’accès.',
    );
  }
  throw new AuthError('FORBIDDEN', `Ce champ n’est pas accessible au rôle ${ROLE_LABELS[viewer.role]}.`);
}

/** The learner id of a learner viewer, or the same denials as requireRole. */
export function requireLearner(ctx: { viewer: Viewer; credentialRejected?: boolean }): string {
  const viewer = requireRole(ctx, 'learner');
  if (viewer.learnerId === null) throw new AuthError('FORBIDDEN', 'Cette session n’est liée à aucun·e apprenant·e.');
  return viewer.learnerId;
}
