/** Every page the parcours publishes, rendered: the template, the index, one page per module. */
import type { CurriculumModule } from '../schema.js';
import { INDEX_TITLE, NAVIGATION_TEMPLATE_TITLE } from './names.js';
import { renderIndexPage } from './render-index.js';
import { renderModulePage } from './render-module.js';
import { renderNavigationTemplate } from './render-template.js';
import { assertValidTitle } from './wikitext.js';

export type CurriculumPageKind = 'template' | 'index' | 'module';

export interface CurriculumPage {
  kind: CurriculumPageKind;
  title: string;
  text: string;
  /** For module pages. */
  module?: { slug: string; order: number };
}

/**
 * Renders the whole parcours, in publishing order: the template first (pages use it), then the
 * index, then the modules in the learner's order. Pure and deterministic.
 */
export function renderCurriculumPages(modules: readonly CurriculumModule[]): CurriculumPage[] {
  const ordered = [...modules].sort((a, b) => a.order - b.order);
  const bySlug = new Map(ordered.map((m) => [m.slug, m]));
  const titles = new Set<string>([NAVIGATION_TEMPLATE_TITLE, INDEX_TITLE]);
  const pages: CurriculumPage[] = [
    { kind: 'template', title: NAVIGATION_TEMPLATE_TITLE, text: renderNavigationTemplate() },
    { kind: 'index', title: INDEX_TITLE, text: renderIndexPage(ordered) },
  ];
  ordered.forEach((module, i) => {
    const title = assertValidTitle(module.wikiPage);
    if (titles.has(title)) throw new Error(`${module.file}: the wiki page "${title}" is already used by another page of the parcours`);
    titles.add(title);
    const text = renderModulePage(module, { previous: ordered[i - 1], next: ordered[i + 1], total: ordered.length, bySlug });
    pages.push({ kind: 'module', title, text, module: { slug: module.slug, order: module.order } });
  });
  return pages;
}
