import { GraphQLError } from 'graphql';
import { AgendaError } from '../../agenda/errors.js';
import type { AgendaSession, PendingRegistration, Registration, SessionInput } from '../../agenda/model.js';
import type { AgendaService } from '../../agenda/service.js';
import { requireRole } from '../../auth/viewer.js';
import type { GatewayContext } from '../context.js';
import { readSessionCursor, sessionCursor, type AgendaDataSource } from '../datasources/agenda.js';
import { badInput } from './args.js';

const STAFF = ['facilitator', 'admin'] as const;

function agendaOf(ctx: GatewayContext): AgendaDataSource {
  // What the answer depends on: a cached answer goes with the next agenda write.
  ctx.storeScopesRead.add('agenda');
  if (!ctx.agenda) throw new GraphQLError('L’agenda n’est pas configuré sur ce serveur Pollen.', { extensions: { code: 'AGENDA_UNAVAILABLE' } });
  return ctx.agenda;
}

const isStaff = (ctx: GatewayContext) => ctx.viewer.role === 'facilitator' || ctx.viewer.role === 'admin';

/**
 * The agenda's refusals keep their code; anything else goes on as it is: a store out of reach is
 * answered STORE_UNAVAILABLE and any other failure a logged internal error (src/graphql/errors.ts).
 */
async function agendaCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof AgendaError) throw new GraphQLError(err.message, { extensions: { code: err.code, ...(err.field ? { field: err.field } : {}) } });
    throw err;
  }
}

function isoArgument(value: string | null | undefined, name: string): string | undefined {
  if (value == null) return undefined;
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) throw badInput(`${name} doit être une date ISO 8601, par exemple 2026-03-01 ou 2026-03-01T00:00:00Z.`);
  return date.toISOString();
}

function sessionInput(input: Record<string, unknown>): SessionInput {
  const { public: isPublic, status, ...rest } = input;
  return { ...(rest as unknown as SessionInput), isPublic: isPublic as boolean | null | undefined, status: typeof status === 'string' ? (status.toLowerCase() as SessionInput['status']) : null };
}

const visible = (session: AgendaSession | undefined, ctx: GatewayContext) => (session && (session.isPublic || isStaff(ctx)) ? session : null);

/** A visitor's request before (or withdrawn before) confirmation, as a GraphQL Registration. */
function pendingView(p: PendingRegistration, status: 'pending' | 'cancelled') {
  return { id: p.id, sessionId: p.sessionId, learnerId: null, name: p.name, email: p.email, status, present: false, createdAt: p.createdAt, updatedAt: p.createdAt };
}

const withService = <T>(ctx: GatewayContext, run: (service: AgendaService) => Promise<T>) => agendaCall(() => run(agendaOf(ctx).service));

export const agendaResolvers = {
  Query: {
    sessions: async (_: unknown, args: { from?: string | null; to?: string | null; module?: string | null; first: number; after?: string | null }, ctx: GatewayContext) => {
      const first = Math.min(Math.max(args.first, 1), 200);
      const after = args.after ? readSessionCursor(args.after) : undefined;
      if (args.after && !after) throw badInput('Curseur « after » invalide : reprenez celui d’une page précédente (pageInfo.endCursor).');
      const query = { from: isoArgument(args.from, 'from'), to: isoArgument(args.to, 'to'), moduleSlug: args.module ?? undefined, includePrivate: isStaff(ctx), after };
      const { sessions, total } = await withService(ctx, (s) => s.list({ ...query, limit: first + 1 }));
      const nodes = sessions.slice(0, first);
      const last = nodes.at(-1);
      return { nodes, totalCount: total, pageInfo: { hasNextPage: sessions.length > first, endCursor: last ? sessionCursor(last) : null } };
    },
    session: async (_: unknown, { id }: { id: number }, ctx: GatewayContext) => visible(await agendaCall(() => agendaOf(ctx).session(id)), ctx),
    sessionsMissingMinutes: (_: unknown, { first }: { first: number }, ctx: GatewayContext) => {
      requireRole(ctx, ...STAFF);
      return withService(ctx, (s) => s.missingMinutes(Math.min(Math.max(first, 1), 200)));
    },
  },
  Mutation: {
    createSession: (_: unknown, { input }: { input: Record<string, unknown> }, ctx: GatewayContext) => {
      requireRole(ctx, ...STAFF);
      return withService(ctx, (s) => s.createSession(sessionInput(input)));
    },
    updateSession: (_: unknown, { id, input }: { id: number; input: Record<string, unknown> }, ctx: GatewayContext) => {
      requireRole(ctx, ...STAFF);
      return withService(ctx, (s) => s.updateSession(id, sessionInput(input)));
    },
    cancelSession: (_: unknown, { id }: { id: number }, ctx: GatewayContext) => {
      requireRole(ctx, ...STAFF);
      return withService(ctx, (s) => s.cancelSession(id));
    },
    registerForSession: (_: unknown, args: { sessionId: number; name?: string | null; email?: string | null }, ctx: GatewayContext) => {
      const viewer = ctx.viewer;
      if (viewer.role === 'learner' && viewer.learnerId) {
        const learner = { id: viewer.learnerId, name: viewer.displayName ?? viewer.learnerId };
        return withService(ctx, (s) => s.registerLearner(args.sessionId, learner));
      }
      if (args.name == null || args.email == null) throw badInput('Pour vous inscrire sans compte, donnez votre nom et votre adresse e-mail.');
      // Double opt-in: the visitor's request is PENDING until they confirm (mailed link, or confirmRegistration).
      return withService(ctx, async (s) => {
        const { pending, token } = await s.registerVisitor(args.sessionId, { name: args.name!, email: args.email! });
        return { registration: pendingView(pending, 'pending'), waitingPosition: null, token };
      });
    },
    confirmRegistration: (_: unknown, { token }: { token: string }, ctx: GatewayContext) => withService(ctx, (s) => s.confirmRegistration(token)),
    cancelRegistration: (_: unknown, { token }: { token: string }, ctx: GatewayContext) => withService(ctx, async (s) => {
      // An unconfirmed request is withdrawn (it held nothing); else the registration is cancelled.
      const withdrawn = await s.cancelPending(token);
      return withdrawn ? pendingView(withdrawn, 'cancelled') : (await s.cancelRegistration(token)).registration;
    }),
    markAttendance: (_: unknown, args: { registrationId: number; present: boolean }, ctx: GatewayContext) => {
      requireRole(ctx, ...STAFF);
      return withService(ctx, (s) => s.markAttendance(args.registrationId, args.present));
    },
  },
  Session: {
    module: (s: AgendaSession, _: unknown, ctx: GatewayContext) => (s.moduleSlug ? ctx.curriculum.module(s.moduleSlug) ?? null : null),
    public: (s: AgendaSession) => s.isPublic,
    status: (s: AgendaSession) => s.status.toUpperCase(),
    minutesPageTitle: (s: AgendaSession) => s.minutesTitle,
    icsUrl: (s: AgendaSession, _: unknown, ctx: GatewayContext) => agendaOf(ctx).service.icsUrl(s),
    confirmedCount: async (s: AgendaSession, _: unknown, ctx: GatewayContext) => (await agendaOf(ctx).countsOf.load(s.id)).confirmed,
    waitingCount: async (s: AgendaSession, _: unknown, ctx: GatewayContext) => (await agendaOf(ctx).countsOf.load(s.id)).waiting,
    seatsLeft: async (s: AgendaSession, _: unknown, ctx: GatewayContext) => Math.max(0, s.capacity - (await agendaOf(ctx).countsOf.load(s.id)).confirmed),
    presentCount: async (s: AgendaSession, _: unknown, ctx: GatewayContext) => {
      requireRole(ctx, ...STAFF);
      return (await agendaOf(ctx).countsOf.load(s.id)).present;
    },
    registrations: (s: AgendaSession, _: unknown, ctx: GatewayContext) => {
      requireRole(ctx, ...STAFF);
      return agendaCall(() => agendaOf(ctx).registrationsOf.load(s.id));
    },
  },
  Registration: {
    status: (r: Pick<Registration, 'id'> & { status: string }) => r.status.toUpperCase(),
    // Personal data: only facilitators and admins see it, never in an anonymous answer.
    email: (r: Registration, _: unknown, ctx: GatewayContext) => (isStaff(ctx) ? r.email : null),
    learnerId: (r: Registration, _: unknown, ctx: GatewayContext) => (isStaff(ctx) ? r.learnerId : null),
  },
};
