/**
 * The dashboard's cohort part read from the store a page at a time: the figures from SQL
 * aggregates, one page of the grid and one page of the stalled table, so the page costs the
 * same few queries and the same memory at 50 learners or 10,000.
 */
import type { CurriculumModule } from '../curriculum/schema.js';
import type { CohortRowFilter } from '../progress/cohort-queries.js';
import type { ProgressService } from '../progress/service.js';
import { learnerFilter, PAGE_SIZE, type CohortFilter, type CohortPage, type StateFilter } from './cohort-view.js';
import { learnerRow, moduleColumns, stalledRow, type CohortPart, type LearnerRow, type ModuleColumn } from './data.js';
import { percentOf } from '../web/format.js';

/** Rows of the stalled table per page, as the grid. */
export const STALLED_PAGE_SIZE = 50;

const STATES: Record<StateFilter, CohortRowFilter['state']> = {
  tous: undefined,
  termine: 'done',
  'en-cours': 'in_progress',
  bloque: 'stalled',
  echoue: 'failed',
  'pas-commence': 'not_started',
};

/** The cohort part of the dashboard: figures, the grid's page for `filter`, the stalled table's page `stalledPage`. */
export async function cohortFromStore(
  progress: ProgressService, curriculum: readonly CurriculumModule[], filter: CohortFilter, stalledPage: number,
): Promise<CohortPart> {
  const figures = await progress.cohortFigures();
  const modules = moduleColumns(
    curriculum.map((m) => ({ slug: m.slug, completedCount: figures.completedBySlug.get(m.slug) ?? 0, learnerCount: figures.learners })),
    curriculum,
  );
  const grid = await gridPage(progress, modules, filter);
  const stalled = await progress.stalledPage(stalledPage, STALLED_PAGE_SIZE);
  return {
    snapshotAt: figures.snapshotAt,
    stalledAfterDays: progress.tracker.stalledAfterDays,
    modules,
    learners: grid.learners,
    learnerCount: figures.learners,
    grid,
    stalled: stalled.rows.map((row) => stalledRow(row, curriculum)),
    stalledView: { page: stalled.page, pages: stalled.pages, total: stalled.total },
    // The cohort's modules done over the modules it could have done: the same rounding rule.
    averagePercent: percentOf(figures.modulesDone, figures.learners * modules.length),
  };
}

async function gridPage(progress: ProgressService, modules: readonly ModuleColumn[], filter: CohortFilter): Promise<CohortPage> {
  if (filter.q) return scannedPage(progress, modules, filter);
  const slug = modules.some((m) => m.slug === filter.module) ? filter.module : undefined;
  const found = await progress.cohortPage(
    { state: STATES[filter.etat], slug, activeSince: filter.depuis ? `${filter.depuis}T00:00:00` : undefined },
    filter.page, PAGE_SIZE,
  );
  return { learners: found.rows.map((row) => learnerRow(row, modules)), matching: found.total, page: found.page, pages: found.pages, filter: { ...filter, page: found.page } };
}

/**
 * A search by name ignores accents, which the store cannot do on both backends: the cohort is
 * read page by page and only the page asked for (or the last one) is kept. Memory stays flat;
 * the queries grow with the cohort (three per 500 learners).
 */
async function scannedPage(progress: ProgressService, modules: readonly ModuleColumn[], filter: CohortFilter): Promise<CohortPage> {
  const keep = learnerFilter(modules, filter);
  let matching = 0;
  let wanted: LearnerRow[] = [];
  let latest: LearnerRow[] = [];
  for await (const page of progress.cohortLearnerPages(500)) {
    for (const row of page) {
      const l = learnerRow(row, modules);
      if (!keep(l)) continue;
      if (matching % PAGE_SIZE === 0) latest = [];
      latest.push(l);
      matching++;
      if (Math.ceil(matching / PAGE_SIZE) === filter.page) wanted.push(l);
    }
  }
  const pages = Math.max(1, Math.ceil(matching / PAGE_SIZE));
  const page = Math.min(filter.page, pages);
  if (page !== filter.page) wanted = latest;
  return { learners: wanted, matching, page, pages, filter: { ...filter, page } };
}
