/**
 * The cohort grid as an XLSX workbook (exceljs): one sheet "Cohorte", the same header and rows
 * as the CSV export, header row bold. Cells are plain values (strings and numbers), never
 * formulas, so a name that looks like a formula is stored and shown as text.
 */
import type { DashboardData } from './data.js';
import { cohortGrid } from './export.js';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export async function cohortXlsx(data: Pick<DashboardData, 'modules' | 'learners'>): Promise<Buffer> {
  const { header, rows } = cohortGrid(data);
  // Loaded on the first export, not at start: exceljs costs the gateway's every process about
  // 20 MB of resident memory (code and heap) for a page a facilitator opens now and then.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Pollen';
  const sheet = workbook.addWorksheet('Cohorte', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow(header).font = { bold: true };
  for (const row of rows) sheet.addRow(row);
  sheet.columns.forEach((column, i) => {
    column.width = Math.min(40, Math.max(12, (header[i] ?? '').length + 2));
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
