/**
 * The cohort grid as an XLSX workbook (exceljs's streaming writer): one sheet "Cohorte", the
 * same header and rows as the CSV export, header row bold. Each row is committed (written to
 * the zip on its way to the browser) as soon as it is added, so memory does not grow with the
 * cohort. Cells are plain values (strings, numbers and dates: real date cells, shown
 * 08/03/2026), never formulas, so a name that looks like a formula is stored and shown as text.
 */
import type { Writable } from 'node:stream';
import type { LearnerRow, ModuleColumn } from './data.js';
import { drained, gridHeader, gridRow } from './export.js';

/** How a day shows in the sheet (the cell holds a date: sorting and filtering work as dates). */
const DATE_FORMAT = 'dd/mm/yyyy';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Writes the workbook to `out` page by page as `pages` yields them; the writer ends `out`.
 * Stops early (false) when `out` is closed by the reader (a download cancelled).
 */
export async function writeCohortXlsx(out: Writable, modules: readonly ModuleColumn[], pages: AsyncIterable<readonly LearnerRow[]>): Promise<boolean> {
  // Loaded on the first export, not at start: exceljs costs the gateway's every process about
  // 20 MB of resident memory (code and heap) for a page a facilitator opens now and then.
  const { default: ExcelJS } = await import('exceljs');
  // Inline strings: a shared-strings table would hold every name until the end.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Pollen';
  const header = gridHeader(modules);
  const sheet = workbook.addWorksheet('Cohorte', { views: [{ state: 'frozen', ySplit: 1 }] });
  // Widths before the first row: the streaming writer writes the columns out with it.
  sheet.columns = header.map((title) => ({ width: Math.min(40, Math.max(12, title.length + 2)) }));
  const head = sheet.addRow(header);
  head.font = { bold: true };
  head.commit();
  for await (const page of pages) {
    if (out.destroyed) return false;
    for (const learner of page) {
      const row = sheet.addRow(gridRow(learner));
      row.eachCell((cell) => {
        if (cell.value instanceof Date) cell.numFmt = DATE_FORMAT;
      });
      row.commit();
    }
    // The zip is piped into `out`: let the reader catch up before the next page is read.
    await drained(out);
  }
  sheet.commit();
  await workbook.commit();
  return true;
}
