/**
 * Diagnostics and accompaniment projects over GraphQL, with the directory's privacy rules: a
 * diagnostic to whoever holds its private link and to facilitators; a project to either side of
 * the pair (through its own private link) and to facilitators. Refusals carry a code
 * (UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, BAD_USER_INPUT, MATCHMAKING_UNAVAILABLE).
 */
import { GraphQLError } from 'graphql';
import { territoryLabel } from '../../directory/territories.js';
import { MILESTONES, milestoneStatus, eventLabel, PROJECT_STATES, type MilestoneId, type Project, type ProjectState, type Side } from '../../matchmaking/projects/model.js';
import type { ProjectService } from '../../matchmaking/projects/service.js';
import { namedNeeds, SIZES, type Diagnostic, type MatchmakingService } from '../../matchmaking/service.js';
import type { GatewayContext } from '../context.js';

const isStaff = (ctx: GatewayContext) => ctx.viewer.role === 'facilitator' || ctx.viewer.role === 'admin';

function requireStaff(ctx: GatewayContext, what: string): void {
  if (isStaff(ctx)) return;
  if (ctx.viewer.role === 'anonymous') throw new GraphQLError(`Connectez-vous avec un jeton d’animation pour ${what}.`, { extensions: { code: 'UNAUTHENTICATED' } });
  throw new GraphQLError(`${what[0]!.toUpperCase()}${what.slice(1)} : réservé à l’équipe d’animation.`, { extensions: { code: 'FORBIDDEN' } });
}

function services(ctx: GatewayContext): { diagnostics: MatchmakingService; projects: ProjectService } {
  const { matchmaking, projects } = ctx.deps;
  if (!matchmaking || !projects) throw new GraphQLError('Les diagnostics ne sont pas configurés sur ce serveur.', { extensions: { code: 'MATCHMAKING_UNAVAILABLE' } });
  return { diagnostics: matchmaking, projects };
}

function idOf(id: string): number {
  if (!/^\d{1,12}$/.test(id)) throw new GraphQLError('Identifiant invalide : un nombre est attendu.', { extensions: { code: 'BAD_USER_INPUT' } });
  return Number(id);
}

type DiagnosticNode = { id: number; diagnostic: Diagnostic; createdAt: string; labels: (need: string) => string };
type ProjectNode = Project & { viewerSide: Side | null };

function diagnosticNode(ctx: GatewayContext, found: { id: number; diagnostic: Diagnostic; createdAt: string }): DiagnosticNode {
  const needs = ctx.deps.projects?.deps.needs ?? [];
  return { ...found, labels: (need) => needs.find((n) => n.id === need)?.label ?? need };
}

export const matchmakingResolvers = {
  Query: {
    diagnostic: async (_: unknown, args: { token?: string | null; id?: string | null }, ctx: GatewayContext) => {
      const { diagnostics } = services(ctx);
      if (args.token) {
        const found = await diagnostics.findWithId(args.token);
        if (!found) throw new GraphQLError('Aucun diagnostic ne correspond à ce lien.', { extensions: { code: 'NOT_FOUND' } });
        return diagnosticNode(ctx, found);
      }
      requireStaff(ctx, 'lire un diagnostic sans son lien privé');
      if (!args.id) throw new GraphQLError('Donnez le jeton du diagnostic ou son identifiant.', { extensions: { code: 'BAD_USER_INPUT' } });
      const found = await diagnostics.byId(idOf(args.id));
      return found ? diagnosticNode(ctx, found) : null;
    },
    diagnostics: async (_: unknown, args: { first: number }, ctx: GatewayContext) => {
      requireStaff(ctx, 'lister les diagnostics');
      return (await services(ctx).diagnostics.latest(args.first)).map((d) => diagnosticNode(ctx, d));
    },
    project: async (_: unknown, args: { id?: string | null; token?: string | null }, ctx: GatewayContext): Promise<ProjectNode | null> => {
      const { projects } = services(ctx);
      if (args.token) {
        const found = await projects.byToken(args.token);
        if (!found || (args.id && String(found.project.id) !== args.id)) {
          throw new GraphQLError('Ce lien ne donne pas accès à ce projet.', { extensions: { code: 'FORBIDDEN' } });
        }
        return { ...found.project, viewerSide: found.side };
      }
      requireStaff(ctx, 'lire un projet sans son lien privé');
      if (!args.id) throw new GraphQLError('Donnez l’identifiant du projet ou le jeton de son lien privé.', { extensions: { code: 'BAD_USER_INPUT' } });
      const project = await projects.byId(idOf(args.id));
      return project ? { ...project, viewerSide: null } : null;
    },
    projects: async (_: unknown, args: { state?: string | null; first: number }, ctx: GatewayContext) => {
      requireStaff(ctx, 'lister les projets');
      const state = args.state ? (args.state.toLowerCase() as ProjectState) : undefined;
      return (await services(ctx).projects.list(args.first, state)).map((p) => ({ ...p, viewerSide: null }));
    },
    matchmakingOverview: async (_: unknown, __: unknown, ctx: GatewayContext) => {
      requireStaff(ctx, 'lire les chiffres des diagnostics');
      const o = await services(ctx).projects.overview();
      return { diagnostics: o.diagnostics, byTerritory: o.byTerritory, needs: o.needs, projectsByState: o.byState.map((s) => ({ ...s, state: s.state.toUpperCase() })) };
    },
  },
  Diagnostic: {
    id: (d: DiagnosticNode) => String(d.id),
    associationName: (d: DiagnosticNode) => d.diagnostic.associationName,
    territory: (d: DiagnosticNode) => d.diagnostic.territory,
    territoryLabel: (d: DiagnosticNode) => territoryLabel(d.diagnostic.territory),
    size: (d: DiagnosticNode) => SIZES[d.diagnostic.size],
    volunteers: (d: DiagnosticNode) => d.diagnostic.volunteers,
    staff: (d: DiagnosticNode) => d.diagnostic.staff,
    tools: (d: DiagnosticNode) => Object.entries(d.diagnostic.tools).map(([need, state]) => ({ need, label: d.labels(need), state: state.toUpperCase() })),
    needs: (d: DiagnosticNode) => namedNeeds(d.diagnostic),
    bothers: (d: DiagnosticNode) => d.diagnostic.bothers,
    bothersText: (d: DiagnosticNode) => d.diagnostic.bothersText,
    createdAt: (d: DiagnosticNode) => d.createdAt,
  },
  Project: {
    id: (p: ProjectNode) => String(p.id),
    state: (p: ProjectNode) => p.state.toUpperCase(),
    stateLabel: (p: ProjectNode) => PROJECT_STATES[p.state],
    viewerSide: (p: ProjectNode) => p.viewerSide?.toUpperCase() ?? null,
    // The structure sees the association's address only when the association chose to share it.
    associationEmail: (p: ProjectNode) => (p.viewerSide === 'structure' && !p.shareEmail ? null : p.associationEmail),
    milestones: (p: ProjectNode) => {
      const status = milestoneStatus(p);
      return (Object.keys(MILESTONES) as MilestoneId[]).map((id) => ({ id, label: MILESTONES[id], reachedOn: status[id]?.onDate ?? null, note: status[id]?.note ?? null }));
    },
    history: (p: ProjectNode) => p.events.map((e) => ({ ...e, label: eventLabel(e), side: e.side.toUpperCase() })),
  },
};
