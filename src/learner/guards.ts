/** What every learner page needs: who is signed in, and where to send visitors who are not. */
import type { Request, Response } from 'express';
import type { PageContext } from '../web/shell.js';
import type { Web } from '../web/web.js';

/** A path of this site to come back to after sign-in: `/…` but never `//host` (an open redirect). */
export function safeReturnPath(value: unknown): string | undefined {
  return typeof value === 'string' && /^\/(?![/\\])[\w\-/.~%?=&#]*$/.test(value) && value.length <= 300 ? value : undefined;
}

/** The signed-in learner's id, or a redirect to the sign-in page (which comes back here) and undefined. */
export function learnerOrSignIn(req: Request, res: Response, web: Web, context: PageContext): string | undefined {
  if (context.viewer.role === 'learner' && context.viewer.learnerId) return context.viewer.learnerId;
  const back = safeReturnPath(req.originalUrl);
  web.redirect(req, res, back ? `/connexion?suite=${encodeURIComponent(back)}` : '/connexion', {
    notice: context.viewer.role === 'anonymous' ? 'Connectez-vous pour retrouver votre parcours.' : 'Cette page est celle des apprenant·es : connectez-vous avec un compte d’apprenant·e.',
  });
  return undefined;
}
