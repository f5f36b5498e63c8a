import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addLearner } from '../../bots/progress-sync.js';
import { FACILITATOR_TOKEN, LOGIN, startGateway, type TestGateway } from '../progress/support.js';

/** Every row of the workbook's "Cohorte" sheet, as the text a spreadsheet shows. */
async function readSheet(bytes: ArrayBuffer): Promise<{ rows: string[][]; boldHeader: boolean; sheets: string[] }> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes);
  const sheet = workbook.getWorksheet('Cohorte');
  const rows: string[][] = [];
  sheet?.eachRow((row) => {
    const values = row.values as unknown[];
    rows.push(values.slice(1).map((v) => (v === null || v === undefined ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : String(v))));
  });
  return { rows, boldHeader: sheet?.getRow(1).getCell(1).font?.bold === true, sheets: workbook.worksheets.map((w) => w.name) };
}

describe('the cohort grid as XLSX (over HTTP)', () => {
  let gw: TestGateway;
  let origin: string;
  let clock = new Date('2026-03-01T09:00:00Z');
  const asFacilitator = { authorization: `Bearer ${FACILITATOR_TOKEN}` };

  beforeAll(async () => {
    gw = await startGateway({ now: () => clock });
    origin = new URL(gw.url).origin;
    await addLearner(gw.store, { username: 'zoe', displayName: 'Zoé Lefèvre; "la doyenne"', password: 'zoe-password-1' });
    await addLearner(gw.store, { username: 'malo', displayName: '=HYPERLINK("x")', password: 'malo-password-1' });
    await gw.runtime.progress.sync();
    clock = new Date('2026-03-08T10:30:00Z');
    await gw.runtime.progress.markModuleDone('local-zoe', 'bienvenue', true);
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('downloads a workbook whose "Cohorte" sheet has the CSV\'s header and rows, header in bold', async () => {
    const response = await fetch(`${origin}/dashboard/export.xlsx`, { headers: asFacilitator });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="pollen-cohorte-\d{4}-\d{2}-\d{2}\.xlsx"$/);
    const { rows, boldHeader, sheets } = await readSheet(await response.arrayBuffer());
    expect(sheets).toEqual(['Cohorte']);
    expect(boldHeader).toBe(true);

    const csv = parse(await (await fetch(`${origin}/dashboard/export.csv`, { headers: asFacilitator })).text(), { bom: true, delimiter: ';' }) as string[][];
    expect(rows[0]).toEqual(csv[0]);
    expect(rows[0]?.[6]).toBe('1. Module bienvenue');
    const zoe = rows.find((r) => r[1] === 'zoe');
    expect(zoe).toEqual(csv.find((r) => r[1] === 'zoe'));
    expect(zoe?.slice(0, 7)).toEqual(['Zoé Lefèvre; "la doyenne"', 'zoe', '14', '1', '2026-03-08', 'non', '2026-03-08']);
    // A name that looks like a formula is a plain text cell: nothing to defuse, nothing runs.
    expect(rows.find((r) => r[1] === 'malo')?.[0]).toBe('=HYPERLINK("x")');
    expect(rows).toHaveLength(csv.length);
  });

  it('writes days as real date cells with a date format (issue 28 item 9: they were French text a spreadsheet cannot sort)', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await (await fetch(`${origin}/dashboard/export.xlsx?q=zo%C3%A9`, { headers: asFacilitator })).arrayBuffer());
    const row = workbook.getWorksheet('Cohorte')!.getRow(2);
    for (const column of [5, 7]) {
      const cell = row.getCell(column);
      expect(cell.value, `column ${column}`).toBeInstanceOf(Date);
      expect((cell.value as Date).toISOString()).toBe('2026-03-08T00:00:00.000Z');
      expect(cell.numFmt).toMatch(/d+.m+.y+/);
    }
  });

  it('keeps only the rows the filters keep, as the CSV does', async () => {
    const { rows } = await readSheet(await (await fetch(`${origin}/dashboard/export.xlsx?q=zo%C3%A9`, { headers: asFacilitator })).arrayBuffer());
    const csv = parse(await (await fetch(`${origin}/dashboard/export.csv?q=zo%C3%A9`, { headers: asFacilitator })).text(), { bom: true, delimiter: ';' }) as string[][];
    expect(rows.map((r) => r[1])).toEqual(['Identifiant', 'zoe']);
    expect(rows).toEqual(csv);
  });

  it('is linked next to the CSV on the dashboard, with the same filters', async () => {
    const html = await (await fetch(`${origin}/dashboard?q=zo%C3%A9`, { headers: asFacilitator })).text();
    expect(html).toMatch(/<a href="\/dashboard\/export\.csv\?q=zo%C3%A9" download>Exporter ces lignes \(CSV pour tableur\)<\/a> · <a href="\/dashboard\/export\.xlsx\?q=zo%C3%A9" download>Exporter en XLSX \(tableur\)<\/a>/);
  });

  it('is for facilitators only: anonymous to sign-in like the CSV, learner 403', async () => {
    const anonymous = await fetch(`${origin}/dashboard/export.xlsx`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/dashboard/connexion');
    const csv = await fetch(`${origin}/dashboard/export.csv`, { redirect: 'manual' });
    expect(anonymous.headers.get('location')).toBe(csv.headers.get('location'));
    const learner = (await gw.gql(LOGIN, { u: 'zoe', p: 'zoe-password-1' })).body.data?.login.token as string;
    expect((await fetch(`${origin}/dashboard/export.xlsx`, { headers: { authorization: `Bearer ${learner}` } })).status).toBe(403);
  });
});
