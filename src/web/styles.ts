/**
 * The one stylesheet of every page (public pages, learner space, dashboard), and each concept's
 * own, served by Pollen itself (no CDN) at an address that carries its hash: a browser fetches
 * each once and keeps it (a year, immutable), instead of reading 10 KB of rules in every page. Colours meet WCAG AA on their backgrounds:
 * text #1a1a1a / #4a4a4a on white or #f6f7f9, links #0b57d0 (6.4:1 on white), notices on pale fills.
 */
import { createHash } from 'node:crypto';

export const WEB_CSS = `
:root { color-scheme: light; --text: #1a1a1a; --muted: #4a4a4a; --line: #c9ced6; --bg: #f6f7f9; --card: #ffffff;
  --link: #0b57d0; --accent: #1f5f8b; --warn-bg: #fff4e0; --warn-line: #8a4b00; --error-bg: #fdecea; --error-line: #a4161a; }
* { box-sizing: border-box; }
html { font-size: 100%; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--text); background: var(--bg); line-height: 1.5; }
a { color: var(--link); }
/* Focus: a dark ring (12:1 on white and on the page background) with a white halo; white on the dark header. */
a:focus-visible, button:focus-visible, summary:focus-visible, input:focus-visible, select:focus-visible, [tabindex]:focus-visible { outline: 3px solid #12355b; outline-offset: 2px; box-shadow: 0 0 0 5px #fff; }
header.top a:focus-visible, header.top button:focus-visible { outline-color: #fff; box-shadow: 0 0 0 5px #12355b; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: 1rem; }
header.top { background: #12355b; color: #fff; }
header.top .inner { max-width: 1200px; margin: 0 auto; padding: .75rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; justify-content: space-between; }
header.top h1 { font-size: 1.35rem; margin: 0; }
header.top p { margin: 0; }
header.top a { color: #fff; }
header.top form { margin: 0; }
nav.sections { max-width: 1200px; margin: 0 auto; padding: .5rem 1rem 0; }
nav.sections ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: 0; margin: 0; }
main { max-width: 1200px; margin: 0 auto; padding: 1rem; }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; margin: 0 0 1.25rem; }
section.card h2 { font-size: 1.2rem; margin: 0 0 .5rem; }
.meta { color: var(--muted); margin: 0 0 .75rem; }
.summary { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: .75rem; margin: 0 0 1.25rem; padding: 0; }
.summary div { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; }
.summary dt { color: var(--muted); font-size: .9rem; }
.summary dd { margin: 0; font-size: 1.6rem; font-weight: 700; }
.scroll { overflow-x: auto; max-width: 100%; }
.scroll-hint { display: none; color: var(--muted); font-size: .9rem; margin: .25rem 0; }
svg.chart { display: block; max-width: none; height: auto; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; padding: 0; margin: .5rem 0; }
.legend li { display: flex; align-items: center; gap: .4rem; }
details { margin: .75rem 0 0; }
summary { cursor: pointer; color: var(--link); font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: .95rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #eef1f5; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.grid td { text-align: center; white-space: nowrap; }
table.grid th[scope=row] { white-space: nowrap; }
.badge { display: inline-block; white-space: nowrap; padding: 0 .45rem; border-radius: 999px; font-size: .85rem; font-weight: 600; border: 1px solid currentColor; }
.badge.bot { color: #4a4a4a; }
.badge.human { color: #1b5e20; }
.badge.state-conflict, .badge.state-failed { color: var(--error-line); }
.badge.state-published { color: #1b5e20; }
.badge.state-queued, .badge.state-publishing { color: #12355b; }
.notice { border-left: 5px solid var(--warn-line); background: var(--warn-bg); padding: .6rem .9rem; margin: .5rem 0; }
.error { border-left: 5px solid var(--error-line); background: var(--error-bg); padding: .6rem .9rem; margin: .5rem 0; }
.empty { color: var(--muted); font-style: italic; }
button, .button { font: inherit; font-weight: 600; border-radius: 6px; padding: .45rem .9rem; border: 2px solid #12355b; background: #fff; color: #12355b; cursor: pointer; }
header.top button { border-color: #fff; background: transparent; color: #fff; }
button.primary { background: #12355b; color: #fff; }
form.signin { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1.25rem; max-width: 34rem; }
form.filters { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: flex-end; margin: .5rem 0; }
form.filters p { margin: 0; }
form.filters label { display: block; font-weight: 600; font-size: .92rem; }
form.filters input, form.filters select { font: inherit; padding: .35rem; border: 2px solid #6b6b6b; border-radius: 6px; max-width: 100%; }
.actions { display: flex; flex-wrap: wrap; gap: .35rem; }
.actions form { margin: 0; }
.actions button, .actions .button { padding: .2rem .6rem; font-size: .9rem; text-decoration: none; }
textarea { font: inherit; font-family: ui-monospace, monospace; width: 100%; padding: .5rem; border: 2px solid #6b6b6b; border-radius: 6px; }
textarea:focus-visible { outline: 3px solid #12355b; outline-offset: 2px; }
nav.pages p { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; }
nav.pages ul { list-style: none; display: flex; flex-wrap: wrap; gap: .35rem; padding: 0; margin: .35rem 0; }
nav.pages li a, nav.pages li span { display: inline-block; min-width: 2.25rem; padding: .3rem .5rem; text-align: center; border: 1px solid var(--line); border-radius: 6px; }
nav.pages li span[aria-current] { background: #12355b; border-color: #12355b; color: #fff; font-weight: 700; }
form.signin label { display: block; font-weight: 600; margin: 0 0 .35rem; }
form.signin input { font: inherit; width: 100%; padding: .5rem; border: 2px solid #6b6b6b; border-radius: 6px; margin: 0 0 .35rem; }
.hint { color: var(--muted); font-size: .92rem; margin: 0 0 1rem; }
/* Site navigation (every page) */
nav.site { background: #0d2845; }
nav.site ul { list-style: none; max-width: 1200px; margin: 0 auto; padding: .25rem 1rem; display: flex; flex-wrap: wrap; gap: .15rem 1rem; }
nav.site a { color: #fff; display: inline-block; padding: .3rem .1rem; }
nav.site a[aria-current] { font-weight: 700; text-decoration-thickness: 3px; }
nav.site a:focus-visible { outline-color: #fff; box-shadow: 0 0 0 5px #0d2845; }
footer.site { max-width: 1200px; margin: 2rem auto 0; padding: 1rem; color: var(--muted); border-top: 1px solid var(--line); font-size: .92rem; }
.lead { font-size: 1.1rem; max-width: 48rem; }
.ok { border-left: 5px solid #1b5e20; background: #e8f5e9; padding: .6rem .9rem; margin: .5rem 0; }
.cards { list-style: none; padding: 0; margin: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 16rem), 1fr)); gap: .75rem; }
.cards > li { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; overflow-wrap: anywhere; }
.cards h3 { margin: 0 0 .25rem; font-size: 1.05rem; }
/* Forms of the public pages: one field per line, label above, hint and error under it. */
form.stack { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; max-width: 40rem; }
form.stack .field { margin: 0 0 1rem; }
form.stack label, form.stack legend { display: block; font-weight: 600; margin: 0 0 .25rem; }
form.stack fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 1rem; padding: .5rem .9rem; }
form.stack .choice { display: flex; gap: .5rem; align-items: flex-start; margin: .25rem 0; }
form.stack .choice label { font-weight: 400; margin: 0; }
form.stack .choice input { margin-top: .3rem; width: auto; }
form.stack input, form.stack select, form.stack textarea { font: inherit; width: 100%; max-width: 100%; padding: .45rem; border: 2px solid #6b6b6b; border-radius: 6px; background: #fff; }
form.stack textarea { font-family: inherit; min-height: 6rem; }
form.stack [aria-invalid=true] { border-color: var(--error-line); }
.field-error { color: var(--error-line); font-weight: 600; margin: .15rem 0 .25rem; }
.trap { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
@media (max-width: 900px) and (min-width: 641px) { .scroll-hint { display: block; } }
@media (max-width: 640px) {
  main { padding: .5rem; }
  section.card { padding: .75rem; }
  header.top h1 { font-size: 1.15rem; }
  th, td { padding: .3rem .35rem; }
  .summary dd { font-size: 1.3rem; }
  /* Charts shrink to the screen instead of needing a horizontal swipe; the tables carry the detail. */
  svg.chart { max-width: 100%; }
  .scroll-hint { display: none; }
  form.filters { display: block; }
  form.filters input, form.filters select { width: 100%; }
  /* Wide tables become one block per row, each value labelled (data-label), instead of scrolling. */
  table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.stack, table.stack caption, table.stack tbody, table.stack tr, table.stack th[scope=row], table.stack td { display: block; width: 100%; }
  table.stack tr { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 .5rem; padding: .35rem .5rem; }
  table.stack th[scope=row], table.stack td { border: none; padding: .15rem 0; text-align: left; }
  table.stack td[data-label]::before { content: attr(data-label) " : "; font-weight: 600; color: var(--muted); }
}
`;

/** A stylesheet and where it is served. */
export interface Stylesheet {
  readonly text: string;
  /** `/styles/<hash>.css`: new rules are a new address, so a kept copy is never stale. */
  readonly href: string;
}

const served = new Map<string, string>();

/** A page's extra stylesheet (a concept's own rules), hashed and registered once when its module loads. */
export function stylesheet(text: string): Stylesheet {
  const href = `/styles/${createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16)}.css`;
  served.set(href, text);
  return { text, href };
}

/** The rules served at `href` (a path under /styles/), or undefined. */
export function servedStylesheet(href: string): string | undefined {
  return served.get(href);
}

export const WEB_STYLESHEET = stylesheet(WEB_CSS);
