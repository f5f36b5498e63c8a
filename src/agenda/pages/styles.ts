/** The agenda pages' own rules, on top of the shared stylesheet (src/web/styles.ts). */
import { stylesheet } from '../../web/styles.js';

export const AGENDA_PAGES_CSS = stylesheet(`
ul.sessions { list-style: none; padding: 0; margin: 0; }
ul.sessions > li { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; margin: 0 0 .75rem; overflow-wrap: anywhere; }
ul.sessions h3 { font-size: 1.1rem; margin: 0 0 .25rem; }
ul.sessions p { margin: .15rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0 0 1rem; }
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.seats { font-weight: 600; }
.seats.full { color: var(--warn-line); }
.state-cancelled { color: var(--error-line); font-weight: 600; }
h1, .description { overflow-wrap: anywhere; }
form.register { max-width: 34rem; }
@media (max-width: 640px) {
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin: 0 0 .35rem; }
}
`);
