/**
 * Issue 29, item 1: both exports of a 10,000-learner cohort from a gateway started as `npm start`
 * starts it (its 128 MB heap), read back complete, and the gateway still serving afterwards.
 * Memory figures are the bench's (`npm run bench -- scale`); here: it survives and the files are whole.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import type { CurriculumModule } from '../../src/curriculum/schema.js';
import { seedCohort, seededName } from '../support/cohort-seed.js';
import { sqliteBackend } from '../support/postgres.js';
import { killAll, ROOT, startGateway, stop, type Gateway } from '../support/processes.js';
import { openTestStore } from '../support/store.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';

const LEARNERS = 10_000;
const TOKEN = 'export-scale-facilitator-token-0123456789';
const asFacilitator = { authorization: `Bearer ${TOKEN}` };

let wiki: LocalWiki;
let work: string;
let gateway: Gateway;
let curriculum: CurriculumModule[];

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'pollen-export-scale-'));
  const file = path.join(work, 'pollen.sqlite');
  curriculum = await loadCurriculum(path.join(ROOT, 'course-modules'));
  const store = await openTestStore(sqliteBackend, file);
  try {
    await seedCohort(store, { count: LEARNERS, curriculum, now: new Date() });
  } finally {
    await store.close();
  }
  wiki = await startWiki();
  gateway = await startGateway('npm start', work, {
    WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword,
    POLLEN_STORE_PATH: file, POLLEN_FACILITATOR_TOKENS: TOKEN,
  });
}, 300_000);

afterAll(async () => {
  if (gateway) await stop(gateway);
  killAll();
  await wiki?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The process has not exited and still answers its liveness probe. */
async function expectAlive(): Promise<void> {
  expect(gateway.child.exitCode, gateway.output().slice(-2000)).toBeNull();
  expect(gateway.child.signalCode).toBeNull();
  expect((await fetch(`${gateway.url}/livez`)).status).toBe(200);
}

describe('exporting a 10,000-learner cohort under the start command\'s heap', () => {
  it('streams the XLSX: every learner in the "Cohorte" sheet, and the gateway is still up', async () => {
    const response = await fetch(`${gateway.url}/dashboard/export.xlsx`, { headers: asFacilitator });
    expect(response.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.getWorksheet('Cohorte');
    expect(sheet?.rowCount).toBe(LEARNERS + 1);
    const cell = (row: number, col: number) => String(sheet?.getRow(row).getCell(col).value ?? '');
    expect(cell(1, 1)).toBe('Apprenant·e');
    expect(cell(1, 7)).toBe(`1. ${curriculum[0]!.title}`);
    expect(sheet?.getRow(1).getCell(1).font?.bold).toBe(true);
    // In display order, each learner once.
    expect(cell(2, 1)).toBe(seededName(1));
    expect(cell(LEARNERS + 1, 1)).toBe(seededName(LEARNERS));
    const usernames = new Set<string>();
    for (let r = 2; r <= LEARNERS + 1; r++) usernames.add(cell(r, 2));
    expect(usernames.size).toBe(LEARNERS);
    await expectAlive();
  });

  it('streams the CSV (no Content-Length: sent as it is read): every learner, and the gateway is still up', async () => {
    const response = await fetch(`${gateway.url}/dashboard/export.csv`, { headers: asFacilitator });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBeNull();
    const rows = parse(await response.text(), { bom: true, delimiter: ';' }) as string[][];
    expect(rows).toHaveLength(LEARNERS + 1);
    expect(rows[0]?.slice(0, 2)).toEqual(['Apprenant·e', 'Identifiant']);
    expect(rows[1]?.[0]).toBe(seededName(1));
    expect(rows.at(-1)?.[0]).toBe(seededName(LEARNERS));
    expect(new Set(rows.slice(1).map((r) => r[1])).size).toBe(LEARNERS);
    await expectAlive();
  });

  it('keeps only the rows the filters keep, across the store\'s pages', async () => {
    // Learners 1..9 ("Apprenant·e 0000x") match "e 0000": nine rows, however the pages fall.
    const csv = parse(await (await fetch(`${gateway.url}/dashboard/export.csv?q=e%200000`, { headers: asFacilitator })).text(), { bom: true, delimiter: ';' }) as string[][];
    expect(csv.slice(1).map((r) => r[1])).toEqual(Array.from({ length: 9 }, (_, i) => `apprenant-${i + 1}`));
    const finished = parse(await (await fetch(`${gateway.url}/dashboard/export.csv?etat=termine`, { headers: asFacilitator })).text(), { bom: true, delimiter: ';' }) as string[][];
    // Learner i has done i modulo (modules + 1): finished when that is every module.
    const expected = Array.from({ length: LEARNERS }, (_, i) => i + 1).filter((i) => i % (curriculum.length + 1) === curriculum.length).length;
    expect(finished).toHaveLength(expected + 1);
    expect(finished.slice(1).every((r) => r[2] === '100')).toBe(true);
    await expectAlive();
  });
});
