/**
 * The dashboard's own rules, on top of the web layer's stylesheet: each wide chart has a
 * narrow twin that replaces it on a phone (a wide chart shrunk to 390 px had 5 px labels).
 */
import { stylesheet } from '../web/styles.js';

export const DASHBOARD_STYLESHEET = stylesheet(`
.chart-narrow { display: none; }
svg.chart-narrow { max-width: 100%; }
ol.heatmap-narrow { list-style: none; padding: 0; margin: .5rem 0; }
ol.heatmap-narrow li { padding: .35rem 0; border-bottom: 1px solid var(--line); }
ol.heatmap-narrow p { margin: 0 0 .2rem; display: flex; justify-content: space-between; gap: .5rem; overflow-wrap: anywhere; }
ol.heatmap-narrow svg { display: block; max-width: 100%; height: auto; }
svg.history { display: block; max-width: 100%; height: auto; }
form.note-source textarea { min-height: 18rem; font-family: ui-monospace, monospace; }
@media (max-width: 640px) {
  .chart-wide { display: none; }
  .chart-narrow { display: block; }
}
`);
