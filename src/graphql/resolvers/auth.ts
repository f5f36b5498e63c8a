import { AuthError } from '../../auth/errors.js';
import { clearedSessionCookie, readCookie, SESSION_COOKIE, sessionCookie } from '../../auth/cookie.js';
import type { AuthService } from '../../auth/service.js';
import { requireRole, type Viewer } from '../../auth/viewer.js';
import type { GatewayContext } from '../context.js';

function authOf(ctx: GatewayContext): AuthService {
  if (!ctx.deps.auth) throw new AuthError('LOGIN_UNAVAILABLE', 'La connexion n’est pas configurée sur ce serveur Pollen.');
  return ctx.deps.auth;
}

export const authResolvers = {
  Query: {
    me: (_: unknown, __: unknown, ctx: GatewayContext): Viewer => requireRole(ctx, 'learner', 'facilitator', 'admin'),
  },
  Me: {
    role: (viewer: Viewer) => viewer.role.toUpperCase(),
  },
  Mutation: {
    login: async (_: unknown, args: { username: string; password: string }, ctx: GatewayContext) => {
      const auth = authOf(ctx);
      // The session cookie this client held (if any) ends with this sign-in: never a fixed session id.
      const session = await auth.loginLearner(args.username, args.password, { ip: ctx.req?.ip, replacing: readCookie(ctx.req?.headers.cookie, SESSION_COOKIE) });
      ctx.res?.append('Set-Cookie', sessionCookie(session.token, auth.sessionTtlMs / 1000, { secure: ctx.req?.secure ?? false }));
      // Later fields of this operation act as the new learner.
      ctx.viewer = session.viewer;
      ctx.sessionHash = session.tokenHash;
      return { token: session.token, expiresAt: session.expiresAt.toISOString(), me: session.viewer };
    },
    logout: async (_: unknown, __: unknown, ctx: GatewayContext): Promise<boolean> => {
      const auth = authOf(ctx);
      const ended = ctx.req ? await auth.logout(auth.credentialOf(ctx.req)) : false;
      ctx.res?.append('Set-Cookie', clearedSessionCookie({ secure: ctx.req?.secure ?? false }));
      return ended;
    },
  },
};
