import type { GatewayContext } from '../context.js';
import { badInput } from './args.js';
import { clamp } from './wiki.js';

interface Hit {
  __typename: 'WikiSearchHit' | 'ModuleSearchHit';
}

export const searchResolvers = {
  Query: {
    /**
     * Unified search: curriculum modules first (they are the path), then wiki pages. When the
     * wiki is down, module hits are still returned alongside the error.
     */
    search: async (_: unknown, { text, limit }: { text: string; limit: number }, ctx: GatewayContext): Promise<Array<Hit | Error>> => {
      const query = text.trim();
      if (query.length < 2) throw badInput('La recherche demande au moins 2 caractères.');
      const max = clamp(limit, 100);
      const modules = ctx.curriculum.search(query, max).map((m) => ({ __typename: 'ModuleSearchHit' as const, ...m }));
      try {
        const wiki = (await ctx.wiki.search(query, max)).map((h) => ({ __typename: 'WikiSearchHit' as const, ...h }));
        return [...modules, ...wiki].slice(0, max);
      } catch (err) {
        // A list item that is an Error becomes null plus a coded error at that path.
        return [...modules.slice(0, max - 1), err as Error];
      }
    },
  },
  SearchResult: {
    __resolveType: (hit: Hit) => hit.__typename,
  },
};
