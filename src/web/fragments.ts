/**
 * Parts of a page that many requests render alike (a map's drawing, a filter form with the same
 * choices), rendered once by the same JSX renderer as the rest of the page (escaping included)
 * and kept as HTML, to be set as an element's content with `dangerouslySetInnerHTML`. Nothing
 * typed by a person goes in unrendered: only what `renderToString` produced is kept.
 */
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/**
 * The HTML as one flat string. `renderToString` returns a rope of thousands of small strings;
 * kept as such, every page it goes into walks the whole rope again when it is encoded for the
 * socket (9 ms for the dashboard's 0.6 MB heatmap, on every load). Copied once into a flat
 * string, it is one piece.
 */
function flat(html: string): string {
  return Buffer.from(html, 'utf8').toString('utf8');
}

/** Fragments by key, the oldest dropped past `max`. */
export class Fragments {
  readonly #kept = new Map<string, string>();

  constructor(readonly max: number) {}

  get(key: string, render: () => VNode): string {
    let html = this.#kept.get(key);
    if (html === undefined) {
      html = flat(renderToString(render()));
      if (this.#kept.size >= this.max) this.#kept.delete(this.#kept.keys().next().value!);
      this.#kept.set(key, html);
    }
    return html;
  }
}

/** A fragment per object (a kept summary, a plan): rendered once for as long as the object lives. */
export class FragmentsOf<T extends object> {
  readonly #kept = new WeakMap<T, string>();

  get(of: T, render: () => VNode): string {
    let html = this.#kept.get(of);
    if (html === undefined) {
      html = flat(renderToString(render()));
      this.#kept.set(of, html);
    }
    return html;
  }
}

/** The HTML of `vnode`, rendered now (for what is drawn once at start). */
export const rendered = (vnode: VNode): string => flat(renderToString(vnode));
