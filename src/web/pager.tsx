/**
 * Page links for a long table: previous and next, "Page 3 sur 40", and the page numbers around
 * the current one with the first and the last, so the end of a long list is one click away.
 */

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

export interface PageNavProps {
  /** The navigation's accessible name ("Pages de la cohorte"). */
  label: string;
  page: number;
  pages: number;
  /** The link to a page. */
  href: (page: number) => string;
}

/** The navigation, or nothing for a single page. */
export function PageNav(props: PageNavProps) {
  const { page, pages, href } = props;
  if (pages <= 1) return null;
  return (
    <nav class="pages" aria-label={props.label}>
      <p>
        {page > 1 ? <a rel="prev" href={href(page - 1)}>Page précédente</a> : null}
        {' '}<span>{`Page ${page} sur ${pages}`}</span>{' '}
        {page < pages ? <a rel="next" href={href(page + 1)}>Page suivante</a> : null}
      </p>
      <ul>
        {pageNumbers(page, pages).map((p) =>
          p === null ? <li aria-hidden="true">…</li>
            : p === page ? <li><span aria-current="page">{p}</span></li>
            : <li><a href={href(p)} aria-label={`Page ${p}`}>{p}</a></li>,
        )}
      </ul>
    </nav>
  );
}
