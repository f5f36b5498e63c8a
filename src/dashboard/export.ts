/**
 * The cohort grid as CSV for French spreadsheets: UTF-8 with a byte-order mark (so Excel reads
 * the accents), `;` between fields, CRLF line ends, one row per learner. Written page by page
 * as the store hands the cohort over, so a cohort of any size costs the same memory.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { DashboardData, LearnerRow, ModuleColumn } from './data.js';
import { STATE_LABELS } from './charts.js';
import { frenchDate } from '../web/format.js';

const BOM = '\uFEFF';

/** One CSV field: quoted when needed; a leading = + - @ is defused so no formula runs on open. */
export function csvField(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[";\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The grid's header (raw values), shared by the CSV and XLSX exports. */
export function gridHeader(modules: readonly Pick<ModuleColumn, 'order' | 'title'>[]): string[] {
  return [
    'Apprenant·e', 'Identifiant', 'Progression (%)', 'Modules terminés', 'Dernière activité', 'Bloqué·e',
    ...modules.map((m) => `${m.order}. ${m.title}`),
  ];
}

/** One learner's row of the grid (raw values), shared by the CSV and XLSX exports. */
export function gridRow(l: LearnerRow): (string | number)[] {
  return [
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
  ];
}

/** The grid's header and rows (raw values), for a grid already in memory. */
export function cohortGrid(data: Pick<DashboardData, 'modules' | 'learners'>): { header: string[]; rows: (string | number)[][] } {
  return { header: gridHeader(data.modules), rows: data.learners.map(gridRow) };
}

function csvLine(row: readonly (string | number)[]): string {
  return `${row.map(csvField).join(';')}\r\n`;
}

/** The grid as one CSV text (a grid already in memory). */
export function cohortCsv(data: Pick<DashboardData, 'modules' | 'learners'>): string {
  const { header, rows } = cohortGrid(data);
  return BOM + [header, ...rows].map(csvLine).join('');
}

/** Resolves once `out` has drained its buffer (or is closed: a cancelled download). */
export async function drained(out: Writable): Promise<void> {
  if (!out.writableNeedDrain || out.destroyed) return;
  await Promise.race([once(out, 'drain'), once(out, 'close')]);
}

/**
 * Writes the CSV to `out` page by page as `pages` yields them, then ends it. Stops early (false)
 * when `out` is closed by the reader (a download cancelled).
 */
export async function writeCohortCsv(out: Writable, modules: readonly ModuleColumn[], pages: AsyncIterable<readonly LearnerRow[]>): Promise<boolean> {
  out.write(BOM + csvLine(gridHeader(modules)));
  for await (const page of pages) {
    if (out.destroyed) return false;
    out.write(page.map((l) => csvLine(gridRow(l))).join(''));
    await drained(out);
  }
  out.end();
  return true;
}
