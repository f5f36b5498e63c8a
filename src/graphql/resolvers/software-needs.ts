import { GraphQLError } from 'graphql';
import { idOfSlug, type Entry, type NeedKind, type Proposal, type SoftwareNeedsService, type Totals } from '../../software-needs/service.js';
import type { GatewayContext } from '../context.js';
import { badInput } from './args.js';

/**
 * Needed software, public: approved proposals only, confirmed entries only, never an e-mail
 * address (the types have no field for one). Nodes carry their totals and entries, read once
 * for the whole page.
 */
interface NeedNode {
  proposal: Proposal;
  totals: Totals;
  entries: Entry[];
}

function serviceOf(ctx: GatewayContext): SoftwareNeedsService {
  // What the answer depends on: a cached answer goes with the next write to these tables.
  ctx.storeScopesRead.add('software_needs');
  const service = ctx.deps.softwareNeeds;
  if (!service) throw new GraphQLError('Les besoins logiciels ne sont pas configurés sur ce serveur Pollen.', { extensions: { code: 'SOFTWARE_NEEDS_UNAVAILABLE' } });
  return service;
}

async function nodesOf(service: SoftwareNeedsService, proposals: Proposal[]): Promise<NeedNode[]> {
  const ids = proposals.map((p) => p.id);
  const [totals, entries] = await Promise.all([service.totals(ids), service.entries(ids)]);
  return proposals.map((proposal) => ({ proposal, totals: totals.get(proposal.id)!, entries: entries.filter((e) => e.needId === proposal.id) }));
}

export function needCursor(p: Pick<Proposal, 'associationCount' | 'id'>): string {
  return Buffer.from(`${p.associationCount}:${p.id}`).toString('base64url');
}

function readCursor(after: string | null | undefined): { count: number; id: number } | null {
  if (after == null) return null;
  const m = /^(\d{1,9}):(\d{1,12})$/.exec(Buffer.from(after, 'base64url').toString());
  if (!m) throw badInput('after : ce curseur n’est pas valide ; reprenez celui d’une page précédente (pageInfo.endCursor).');
  return { count: Number(m[1]), id: Number(m[2]) };
}

export const softwareNeedsResolvers = {
  Query: {
    softwareNeeds: async (_: unknown, args: { first: number; after?: string | null; kind?: string | null }, ctx: GatewayContext) => {
      const service = serviceOf(ctx);
      if (!Number.isInteger(args.first) || args.first < 1 || args.first > 100) throw badInput('first doit être un entier entre 1 et 100.');
      const page = await service.publicAfter(args.first, readCursor(args.after), args.kind ? (args.kind.toLowerCase() as NeedKind) : undefined);
      const nodes = await nodesOf(service, page.items);
      const edges = nodes.map((node) => ({ node, cursor: needCursor(node.proposal) }));
      return { totalCount: page.total, edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
    },
    softwareNeed: async (_: unknown, { id }: { id: string }, ctx: GatewayContext) => {
      const service = serviceOf(ctx);
      const n = idOfSlug(String(id));
      const p = n === undefined ? undefined : await service.publicProposal(n);
      return p ? (await nodesOf(service, [p]))[0] : null;
    },
  },
  SoftwareNeed: {
    id: (n: NeedNode) => String(n.proposal.id),
    slug: (n: NeedNode) => n.proposal.slug,
    title: (n: NeedNode) => n.proposal.title,
    description: (n: NeedNode) => n.proposal.description,
    kind: (n: NeedNode) => n.proposal.kind.toUpperCase(),
    software: (n: NeedNode) => n.proposal.software,
    associationCount: (n: NeedNode) => n.proposal.associationCount,
    associations: (n: NeedNode) => n.entries.filter((e) => e.role === 'need').map((e) => ({ name: e.name, note: e.note })),
    pledges: (n: NeedNode) => ({ hours: n.totals.hours, euros: n.totals.euros, associations: n.totals.pledges }),
    offers: (n: NeedNode) => n.entries.filter((e) => e.role === 'offer').map((e) => ({ name: e.name, link: e.link, note: e.note })),
    wikiPageTitle: (n: NeedNode) => n.proposal.wikiTitle,
    approvedAt: (n: NeedNode) => n.proposal.decidedAt,
  },
};
