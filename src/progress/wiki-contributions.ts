import { contributionPage, type CurriculumModule } from '../curriculum/schema.js';
import type { Learner } from './learners.js';

/** Which registered users edited each page. */
export interface WikiContributionsSource {
  /** title -> user names who edited it (missing pages: empty). Batched by the wiki layer. */
  contributorsOf(titles: readonly string[]): Promise<Map<string, Set<string>>>;
}

/** The wiki operation the default source uses; `WikiClient.getPages` provides it. */
export interface WikiPagesReader {
  getPages(
    titles: string[],
    opts?: { contributors?: boolean },
  ): Promise<Map<string, { exists: boolean; contributors?: string[]; lastRevision?: { user: string } }>>;
}

/**
 * Contributors through `prop=contributors` (50 or 500 titles per call), plus each page's last
 * editor in case the wiki leaves it out of the list.
 */
export function wikiContributions(wiki: WikiPagesReader): WikiContributionsSource {
  return {
    async contributorsOf(titles) {
      const pages = await wiki.getPages([...titles], { contributors: true });
      const result = new Map<string, Set<string>>();
      for (const title of titles) {
        const page = pages.get(title);
        const users = new Set(page?.exists ? (page.contributors ?? []) : []);
        if (page?.exists && page.lastRevision?.user) users.add(page.lastRevision.user);
        result.set(title, new Set([...users].map(normaliseWikiUser)));
      }
      return result;
    },
  };
}

/** MediaWiki's user name normalisation: underscores are spaces, the first letter is uppercase. */
export function normaliseWikiUser(name: string): string {
  const spaced = name.replace(/_/g, ' ').trim().replace(/\s+/g, ' ');
  return spaced.charAt(0).toLocaleUpperCase('fr') + spaced.slice(1);
}

/**
 * A learner's wiki account. In order: the learner's own `wiki_user` in the store
 * (`progress:sync set-wiki-user`), the POLLEN_WIKI_USER_MAP entry for their username, else
 * their username as MediaWiki would spell it (first letter uppercased: `learner1` -> `Learner1`).
 */
export function wikiUserOf(learner: Pick<Learner, 'username' | 'wikiUser'>, overrides: ReadonlyMap<string, string>): string {
  return normaliseWikiUser(learner.wikiUser ?? overrides.get(learner.username) ?? learner.username);
}

/** The page of each module's contribute activities (`contributionPage`: its contributions subpage by default). */
export function contributionPages(modules: readonly CurriculumModule[]): Map<string, string[]> {
  const pages = new Map<string, string[]>();
  for (const module of modules) {
    const titles = module.activities.filter((a) => a.type === 'contribute').map((a) => contributionPage(module, a));
    if (titles.length > 0) pages.set(module.slug, [...new Set(titles)]);
  }
  return pages;
}

/** Slugs of the modules whose contribute page `wikiUser` edited (any of the pages counts). */
export function modulesContributedBy(
  wikiUser: string,
  pagesBySlug: ReadonlyMap<string, readonly string[]>,
  contributors: ReadonlyMap<string, ReadonlySet<string>>,
): Set<string> {
  const done = new Set<string>();
  for (const [slug, titles] of pagesBySlug) {
    if (titles.some((t) => contributors.get(t)?.has(wikiUser))) done.add(slug);
  }
  return done;
}
