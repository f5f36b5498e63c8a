import DataLoader from 'dataloader';
import type { LearnerProgress } from '../../progress/model.js';
import type { CohortFigures } from '../../progress/cohort-queries.js';
import type { CohortSummary, ProgressService } from '../../progress/service.js';

/**
 * Progress seen from one request: learners' progress goes through one DataLoader (one store read
 * for every learner asked in the same tick), the cohort summary is computed once.
 */
export class ProgressDataSource {
  readonly progressOf: DataLoader<string, LearnerProgress>;
  #cohort: Promise<CohortSummary> | undefined;
  #figures: Promise<CohortFigures> | undefined;

  constructor(readonly service: ProgressService) {
    this.progressOf = new DataLoader(async (ids) => {
      const latest = await service.learnersProgress(ids);
      return Promise.all(ids.map((id) => latest.get(id) ?? service.learnerProgress(id)));
    });
  }

  /** The cohort's figures (SQL aggregates), read once per request. */
  figures(): Promise<CohortFigures> {
    this.#figures ??= this.service.cohortFigures();
    return this.#figures;
  }

  /** The whole cohort in memory: for small cohorts and the specs; the `cohort` field pages instead. */
  cohort(): Promise<CohortSummary> {
    this.#cohort ??= this.service.cohortSummary().then((cohort) => {
      for (const row of cohort.learners) this.progressOf.prime(row.learner.id, row.progress);
      return cohort;
    });
    return this.#cohort;
  }
}
