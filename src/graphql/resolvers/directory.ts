import { GraphQLError } from 'graphql';
import type { Viewer } from '../../auth/viewer.js';
import { groupTitles, type Group } from '../../curriculum/schema.js';
import { CRITERIA, foldText, SERVICES, type CriterionId, type Provider, type Recommendation, type TrainingBadge } from '../../directory/model.js';
import { encodeCursor } from '../../directory/search.js';
import { territory } from '../../directory/territories.js';
import { providerPageTitle } from '../../directory/wiki-pages.js';
import type { GatewayContext } from '../context.js';
import { DirectoryDataSource, fromDirectory } from '../datasources/directory.js';

function directoryOf(ctx: GatewayContext): DirectoryDataSource {
  // What the answer depends on: a cached answer goes with the next directory write.
  ctx.storeScopesRead.add('directory');
  if (!ctx.directory) throw new GraphQLError('L’annuaire n’est pas configuré sur ce serveur.', { extensions: { code: 'DIRECTORY_UNAVAILABLE' } });
  return ctx.directory;
}

/** French refusals with the usual codes (UNAUTHENTICATED, FORBIDDEN). */
function requireSignedIn(ctx: GatewayContext, ...roles: Viewer['role'][]): Viewer {
  if (roles.includes(ctx.viewer.role)) return ctx.viewer;
  if (ctx.viewer.role === 'anonymous') throw new GraphQLError('Connectez-vous d’abord : cette action demande une session ou un jeton.', { extensions: { code: 'UNAUTHENTICATED' } });
  throw new GraphQLError('Cette action est réservée à l’équipe d’animation.', { extensions: { code: 'FORBIDDEN' } });
}
const requireFacilitator = (ctx: GatewayContext) => requireSignedIn(ctx, 'facilitator', 'admin');

const lower = (v: string | null | undefined) => (typeof v === 'string' ? v.toLowerCase() : v);

/** GraphQL enum values (upper case) to the service's ids; everything else goes to zod as is. */
function providerInput(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...input };
  if (typeof input.kind === 'string') out.kind = lower(input.kind);
  if (Array.isArray(input.services)) out.services = input.services.map((s) => lower(String(s)));
  return out;
}

function recommendationInput(input: Record<string, unknown>): Record<string, unknown> {
  const q = (input.questionnaire ?? {}) as Record<string, { answer?: string; comment?: string | null }>;
  return { ...input, questionnaire: Object.fromEntries(Object.entries(q).map(([k, v]) => [k, { ...v, answer: lower(v?.answer) }])) };
}

function filterInput(filter: Record<string, unknown> | null | undefined): Record<string, unknown> {
  if (!filter) return {};
  return { ...filter, kind: lower(filter.kind as string | null), service: lower(filter.service as string | null) };
}

const sees = (ctx: GatewayContext, p: Provider) => Boolean(ctx.directory?.service.canSeePrivate(ctx.viewer, p));
const isFacilitator = (ctx: GatewayContext) => ctx.viewer.role === 'facilitator' || ctx.viewer.role === 'admin';

export const directoryResolvers = {
  Query: {
    providers: (_: unknown, args: { filter?: Record<string, unknown> | null; first: number; after?: string | null }, ctx: GatewayContext) =>
      fromDirectory(async () => {
        const page = await directoryOf(ctx).service.providers(filterInput(args.filter), args.first, args.after);
        const edges = page.providers.map((node, i) => ({ node, cursor: i === page.providers.length - 1 && page.endCursor ? page.endCursor : cursorOf(node) }));
        return { totalCount: page.totalCount, edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor } };
      }),
    provider: (_: unknown, { slug }: { slug: string }, ctx: GatewayContext) =>
      fromDirectory(async () => {
        const p = await directoryOf(ctx).service.provider(slug);
        return p && (p.listed || sees(ctx, p)) ? p : null;
      }),
    directoryModeration: (_: unknown, __: unknown, ctx: GatewayContext) => {
      requireFacilitator(ctx);
      return fromDirectory(async () => {
        const queue = await directoryOf(ctx).service.moderationQueue();
        return { pendingProviders: queue.providers, pendingRecommendations: queue.recommendations };
      });
    },
  },
  Mutation: {
    declareProvider: (_: unknown, { input }: { input: Record<string, unknown> }, ctx: GatewayContext) => {
      const viewer = requireSignedIn(ctx, 'learner', 'facilitator', 'admin');
      return fromDirectory(() => directoryOf(ctx).service.declare(viewer, providerInput(input), ctx.req?.ip));
    },
    updateProvider: (_: unknown, { slug, input }: { slug: string; input: Record<string, unknown> }, ctx: GatewayContext) => {
      const viewer = requireSignedIn(ctx, 'learner', 'facilitator', 'admin');
      return fromDirectory(() => directoryOf(ctx).service.update(viewer, slug, providerInput(input)));
    },
    withdrawProvider: (_: unknown, { slug, reason }: { slug: string; reason?: string | null }, ctx: GatewayContext) => {
      const viewer = requireSignedIn(ctx, 'learner', 'facilitator', 'admin');
      return fromDirectory(() => directoryOf(ctx).service.withdraw(viewer, slug, reason));
    },
    recommendProvider: (_: unknown, { input }: { input: Record<string, unknown> }, ctx: GatewayContext) =>
      fromDirectory(async () => {
        const r = await directoryOf(ctx).service.recommend(ctx.viewer, recommendationInput(input), ctx.req?.ip);
        return { id: r.id, status: r.status, message: 'Merci : votre recommandation est enregistrée. L’équipe d’animation va contacter votre association pour la vérifier avant de la publier.' };
      }),
    approveProvider: (_: unknown, { slug, reason }: { slug: string; reason?: string | null }, ctx: GatewayContext) => {
      const viewer = requireFacilitator(ctx);
      return fromDirectory(() => directoryOf(ctx).service.approveProvider(viewer, slug, reason));
    },
    rejectProvider: (_: unknown, { slug, reason }: { slug: string; reason: string }, ctx: GatewayContext) => {
      const viewer = requireFacilitator(ctx);
      return fromDirectory(() => directoryOf(ctx).service.rejectProvider(viewer, slug, reason));
    },
    verifyRecommendation: (_: unknown, { id, reason }: { id: string; reason?: string | null }, ctx: GatewayContext) => {
      const viewer = requireFacilitator(ctx);
      return fromDirectory(() => directoryOf(ctx).service.verifyRecommendation(viewer, Number(id), reason));
    },
    rejectRecommendation: (_: unknown, { id, reason }: { id: string; reason: string }, ctx: GatewayContext) => {
      const viewer = requireFacilitator(ctx);
      return fromDirectory(() => directoryOf(ctx).service.rejectRecommendation(viewer, Number(id), reason));
    },
  },
  Provider: {
    kind: (p: Provider) => p.kind.toUpperCase(),
    services: (p: Provider) => p.services.map((id) => ({ id: id.toUpperCase(), label: SERVICES[id] })),
    territories: (p: Provider) => p.territories.flatMap((id) => {
      const t = territory(id);
      return t ? [{ id: t.id, kind: t.kind.toUpperCase(), name: t.name }] : [];
    }),
    verifiedRecommendationCount: (p: Provider) => p.verifiedCount,
    publicContact: (p: Provider) => p.publicContact,
    wikiPageTitle: (p: Provider) => providerPageTitle(p),
    quotes: async (p: Provider, _: unknown, ctx: GatewayContext) =>
      (await directoryOf(ctx).verifiedOf.load(p.id)).flatMap((r) => (r.quote && r.quoteConsent ? [{ associationName: r.associationName, quote: r.quote, periodStart: r.periodStart }] : [])),
    status: (p: Provider, _: unknown, ctx: GatewayContext) => (sees(ctx, p) ? p.status.toUpperCase() : null),
    recommendations: (p: Provider, _: unknown, ctx: GatewayContext) => {
      requireFacilitator(ctx);
      return directoryOf(ctx).allOf.load(p.id);
    },
    history: (p: Provider, _: unknown, ctx: GatewayContext) => {
      requireFacilitator(ctx);
      return directoryOf(ctx).providerHistory.load(p.id);
    },
  },
  TrainingBadge: {
    partTitles: (t: TrainingBadge) => t.parts.map((g) => groupTitles[g as Group] ?? g),
  },
  Recommendation: {
    afterProject: (r: Recommendation) => r.projectId !== null,
    verificationContact: (r: Recommendation, _: unknown, ctx: GatewayContext) => {
      requireFacilitator(ctx);
      return r.verificationContact;
    },
    status: (r: Recommendation) => r.status.toUpperCase(),
    questionnaire: (r: Recommendation) =>
      (Object.keys(CRITERIA) as CriterionId[]).map((c) => ({ criterion: c, label: CRITERIA[c], answer: r.questionnaire[c].answer.toUpperCase(), comment: r.questionnaire[c].comment })),
    provider: (r: Recommendation, _: unknown, ctx: GatewayContext) => directoryOf(ctx).providerById.load(r.providerId),
    history: (r: Recommendation, _: unknown, ctx: GatewayContext) => {
      requireFacilitator(ctx);
      return directoryOf(ctx).recommendationHistory.load(r.id);
    },
  },
  RecommendationReceipt: {
    status: (r: { status: string }) => r.status.toUpperCase(),
  },
};

function cursorOf(p: Provider): string {
  return encodeCursor({ nameKey: foldText(p.name), id: p.id });
}
