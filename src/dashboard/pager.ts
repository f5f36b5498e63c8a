/**
 * Page links for a long table: previous and next, "Page 3 sur 40", and the page numbers around
 * the current one with the first and the last, so the end of a long list is one click away.
 */
import { escapeHtml } from '../web/format.js';

/** The pages to link: the first, the last, and two either side of the current; null marks a gap. */
export function pageNumbers(page: number, pages: number): Array<number | null> {
  const shown = new Set([1, pages]);
  for (let p = page - 2; p <= page + 2; p++) if (p >= 1 && p <= pages) shown.add(p);
  const sorted = [...shown].sort((a, b) => a - b);
  const out: Array<number | null> = [];
  sorted.forEach((p, i) => {
    if (i > 0 && p - sorted[i - 1]! > 1) out.push(null);
    out.push(p);
  });
  return out;
}

export interface PageNavOptions {
  /** The navigation's accessible name ("Pages de la cohorte"). */
  label: string;
  page: number;
  pages: number;
  /** The link to a page. */
  href: (page: number) => string;
}

/** The navigation, or nothing for a single page. */
export function pageNav(options: PageNavOptions): string {
  const { page, pages, href } = options;
  if (pages <= 1) return '';
  const prev = page > 1 ? `<a rel="prev" href="${escapeHtml(href(page - 1))}">Page précédente</a>` : '';
  const next = page < pages ? `<a rel="next" href="${escapeHtml(href(page + 1))}">Page suivante</a>` : '';
  const numbers = pageNumbers(page, pages)
    .map((p) => {
      if (p === null) return '<li aria-hidden="true">…</li>';
      if (p === page) return `<li><span aria-current="page">${p}</span></li>`;
      return `<li><a href="${escapeHtml(href(p))}" aria-label="Page ${p}">${p}</a></li>`;
    })
    .join('');
  return `<nav class="pages" aria-label="${escapeHtml(options.label)}"><p>${prev} <span>Page ${page} sur ${pages}</span> ${next}</p><ul>${numbers}</ul></nav>`;
}
