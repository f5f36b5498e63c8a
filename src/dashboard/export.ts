/**
 * The cohort grid as CSV for French spreadsheets: UTF-8 with a byte-order mark (so Excel reads
 * the accents), `;` between fields, CRLF line ends, one row per learner.
 */
import type { DashboardData } from './data.js';
import { STATE_LABELS } from './charts.js';
import { frenchDate } from './format.js';

const BOM = '\uFEFF';

/** One CSV field: quoted when needed; a leading = + - @ is defused so no formula runs on open. */
export function csvField(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[";\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The grid's header and rows (raw values), shared by the CSV and XLSX exports. */
export function cohortGrid(data: Pick<DashboardData, 'modules' | 'learners'>): { header: string[]; rows: (string | number)[][] } {
  const header = [
    'Apprenant·e', 'Identifiant', 'Progression (%)', 'Modules terminés', 'Dernière activité', 'Bloqué·e',
    ...data.modules.map((m) => `${m.order}. ${m.title}`),
  ];
  const rows = data.learners.map((l) => [
    l.name,
    l.username,
    l.percent,
    l.doneCount,
    l.lastActivityAt ? frenchDate(l.lastActivityAt) : '',
    l.stalled ? 'oui' : 'non',
    ...l.states.map((state, i) => {
      const at = l.completedAt[i];
      return state === 'done' && at ? `${STATE_LABELS[state]} le ${frenchDate(at)}` : STATE_LABELS[state];
    }),
  ]);
  return { header, rows };
}

/** The grid: learner, progress, each module's state (and completion date), last activity, stalled. */
export function cohortCsv(data: Pick<DashboardData, 'modules' | 'learners'>): string {
  const { header, rows } = cohortGrid(data);
  return BOM + [header, ...rows].map((row) => row.map(csvField).join(';')).join('\r\n') + '\r\n';
}
