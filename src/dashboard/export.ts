/**
 * The cohort grid as CSV for French spreadsheets: UTF-8 with a byte-order mark (so Excel reads
 * the accents), `;` between fields, CRLF line ends, one row per learner, dates as ISO days
 * (2026-03-08: a spreadsheet sorts and filters them as dates). Written page by page as the
 * store hands the cohort over, so a cohort of any size costs the same memory.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { DashboardData, LearnerRow, ModuleColumn } from './data.js';
import { STATE_LABELS } from './charts.js';
import { DASHBOARD_TIME_ZONE } from '../web/format.js';
import { lazily } from '../text/lazily.js';

const BOM = '\uFEFF';

/** A cell of the grid: text, a number, or a day (a Date at midnight UTC of that day in Paris). */
export type GridCell = string | number | Date;

const parisDay = lazily(() => new Intl.DateTimeFormat('en-CA', { timeZone: DASHBOARD_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }));

/** The Paris day of an instant, as a Date at midnight UTC (what a spreadsheet's date cell holds). */
export function dayOf(value: string): Date | '' {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : new Date(`${parisDay().format(date)}T00:00:00Z`);
}

/** One CSV field: quoted when needed; a leading = + - @ is defused so no formula runs on open; a day as YYYY-MM-DD. */
export function csvField(value: GridCell): string {
  let text = value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
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

/**
 * One learner's row of the grid (raw values), shared by the CSV and XLSX exports: a module
 * completed holds its day of completion (a date cell), any other its state in French.
 */
export function gridRow(l: LearnerRow): GridCell[] {
  return [
    l.name,
    l.username,
    l.percent,
    l.doneCount,
    l.lastActivityAt ? dayOf(l.lastActivityAt) : '',
    l.stalled ? 'oui' : 'non',
    ...l.states.map((state, i) => {
      const at = l.completedAt[i];
      return state === 'done' && at ? dayOf(at) || STATE_LABELS[state] : STATE_LABELS[state];
    }),
  ];
}

/** The grid's header and rows (raw values), for a grid already in memory. */
export function cohortGrid(data: Pick<DashboardData, 'modules' | 'learners'>): { header: string[]; rows: GridCell[][] } {
  return { header: gridHeader(data.modules), rows: data.learners.map(gridRow) };
}

function csvLine(row: readonly GridCell[]): string {
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
