import type { GatewayContext } from '../context.js';
import type { WikiPageView } from '../datasources/wiki.js';
import { summarizeWikitext, summaryOfRevision } from '../../wiki/summary.js';
import { badInput } from './args.js';

const MAX_TITLES = 500;
/** MediaWiki's limit on a title's length. */
const MAX_TITLE_BYTES = 255;

export const wikiResolvers = {
  Query: {
    wikiPage: (_: unknown, { title }: { title: string }, ctx: GatewayContext) => ctx.wiki.page(requireTitle(title)),
    wikiPages: (_: unknown, { titles }: { titles: string[] }, ctx: GatewayContext) => {
      if (titles.length > MAX_TITLES) throw badInput(`Demandez ${MAX_TITLES} titres au plus à la fois (reçus : ${titles.length}).`);
      return ctx.wiki.pagesByTitle(titles.map(requireTitle));
    },
    category: (_: unknown, { name, limit }: { name: string; limit: number }, ctx: GatewayContext) => {
      const bare = requireTitle(name).replace(/^(Catégorie|Category)\s*:\s*/i, '');
      return { name: bare, limit: clamp(limit, 500) };
    },
    recentChanges: (_: unknown, { limit }: { limit: number }, ctx: GatewayContext) =>
      ctx.wiki.recentChanges(clamp(limit, 500)).then((changes) => changes.map((c) => ({ ...c, revisionId: c.revid ?? null }))),
  },
  Category: {
    members: (cat: { name: string; limit: number }, _: unknown, ctx: GatewayContext) => ctx.wiki.categoryMembers(cat.name, cat.limit),
  },
  WikiPage: {
    // Computed only when asked for: it is the one costly field of a page.
    summary: (page: WikiPageView) => {
      if (page.content === undefined) return null;
      const revid = page.lastRevision?.revid;
      return revid === undefined ? summarizeWikitext(page.content) : summaryOfRevision(`${page.url}#${revid}`, page.content);
    },
    contributors: (page: WikiPageView) => page.contributors ?? [],
    categories: (page: WikiPageView) => page.categories ?? [],
    lastRevision: (page: WikiPageView) =>
      page.lastRevision ? { id: page.lastRevision.revid, ...page.lastRevision } : null,
  },
  WikiSearchHit: {
    page: (hit: { title: string }, _: unknown, ctx: GatewayContext) => ctx.wiki.page(hit.title),
  },
};

function requireTitle(title: string): string {
  const trimmed = title.trim();
  if (!trimmed) throw badInput('Un titre de page du wiki ne peut pas être vide.');
  if (/[#<>[\]|{}]/.test(trimmed)) throw badInput(`« ${trimmed} » n’est pas un titre de page valide : il contient l’un des caractères # < > [ ] | { }.`);
  if (Buffer.byteLength(trimmed, 'utf8') > MAX_TITLE_BYTES) throw badInput(`Un titre de page fait ${MAX_TITLE_BYTES} octets au plus (UTF-8) ; celui-ci en fait ${Buffer.byteLength(trimmed, 'utf8')}.`);
  return trimmed;
}

export function clamp(n: number, max: number): number {
  if (!Number.isInteger(n) || n < 1) throw badInput(`limit doit être un entier positif (reçu : ${n}).`);
  return Math.min(n, max);
}
