/** The learner space's own rules, on top of the shared stylesheet (src/web/styles.ts). */
import { stylesheet } from '../web/styles.js';

export const LEARNER_STYLESHEET = stylesheet(`
.module-list { list-style: none; padding: 0; margin: 0; }
.module-list > li { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .6rem .9rem; margin: 0 0 .5rem; overflow-wrap: anywhere; }
.module-list .state { display: inline-block; margin-left: .35rem; }
.state.done { color: #1b5e20; }
.state.todo { color: var(--muted); }
.lesson { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; margin: 0 0 1.25rem; overflow-wrap: anywhere; }
.lesson img, .lesson table, .lesson pre { max-width: 100%; }
.lesson pre { overflow-x: auto; }
.pager { display: flex; flex-wrap: wrap; justify-content: space-between; gap: .5rem 1rem; margin: 1rem 0; }
progress { width: 100%; max-width: 30rem; height: 1.25rem; }
.result-right { color: #1b5e20; font-weight: 600; }
.result-wrong { color: var(--error-line); font-weight: 600; }
ol.questions > li { margin: 0 0 1rem; }
`);
