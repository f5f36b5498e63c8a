/** Helpers shared by the curriculum publisher specs. */
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import type { CurriculumModule } from '../../src/curriculum/schema.js';
import type { WikiClient } from '../../src/wiki/client.js';

export const COURSE_MODULES = fileURLToPath(new URL('../../course-modules/', import.meta.url));

/** The real 17 modules of the repository. */
export function realModules(): Promise<CurriculumModule[]> {
  return loadCurriculum(COURSE_MODULES);
}

export interface ApiCallLog {
  /** Every request's parameters, in order. */
  all: Array<Record<string, unknown>>;
  /** action=edit requests. */
  readonly edits: number;
  /** action=query requests other than token fetches (page reads, tags, site info). */
  readonly reads: number;
  /** Titles of each page read (prop=revisions), one array per call. */
  readonly pageReads: string[][];
  reset(): void;
}

/** Records every API request the client sends (the client's stats only count them all). */
export function recordApiCalls(client: WikiClient): ApiCallLog {
  const all: Array<Record<string, unknown>> = [];
  const original = client.request.bind(client);
  vi.spyOn(client, 'request').mockImplementation((params, opts) => {
    all.push({ ...params });
    return original(params, opts);
  });
  const isTokenQuery = (p: Record<string, unknown>): boolean => p.meta === 'tokens';
  return {
    all,
    get edits() {
      return all.filter((p) => p.action === 'edit').length;
    },
    get reads() {
      return all.filter((p) => p.action === 'query' && !isTokenQuery(p)).length;
    },
    get pageReads() {
      return all.filter((p) => p.action === 'query' && p.titles !== undefined).map((p) => [p.titles].flat() as string[]);
    },
    reset() {
      all.length = 0;
    },
  };
}

/**
 * Rendered HTML of a page (action=parse), with the entities MediaWiki adds decoded: apostrophes
 * (`&#39;`) and the French non-breaking spaces before « : ; ? ! » (`&#160;`), so specs can look
 * for the content's own sentences.
 */
export async function parsedHtml(client: WikiClient, title: string): Promise<string> {
  const raw = (await client.request({ action: 'parse', page: title, prop: 'text' })) as { parse: { text: string } };
  return raw.parse.text.replace(/&#0?39;/g, "'").replace(/&#160;|\u00a0/g, ' ');
}

/** Current wikitext of a page, undefined when it does not exist. */
export async function pageText(client: WikiClient, title: string): Promise<string | undefined> {
  const page = (await client.getPages([title], { content: true })).get(title);
  return page?.exists ? page.content : undefined;
}
