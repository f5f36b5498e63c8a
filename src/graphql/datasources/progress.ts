import DataLoader from 'dataloader';
import type { LearnerProgress } from '../../progress/model.js';
import type { CohortFigures } from '../../progress/cohort-queries.js';
import type { ProgressService } from '../../progress/service.js';

/**
 * Progress seen from one request: learners' progress goes through one DataLoader (one store read
 * for every learner asked in the same tick), the cohort's figures are read once.
 */
export class ProgressDataSource {
  readonly progressOf: DataLoader<string, LearnerProgress>;
  #figures: Promise<CohortFigures> | undefined;

  constructor(readonly service: ProgressService) {
    this.progressOf = new DataLoader(async (ids) => {
      const latest = await service.learnersProgress(ids);
      return Promise.all(ids.map((id) => latest.get(id) ?? service.learnerProgress(id)));
    });
  }

  #suspended: ReturnType<ProgressService['suspendedLearners']> | undefined;

  /** Learners whose enrolment is suspended in Moodle, read once per request. */
  suspendedLearners(): ReturnType<ProgressService['suspendedLearners']> {
    this.#suspended ??= this.service.suspendedLearners();
    return this.#suspended;
  }

  /** The cohort's figures (SQL aggregates), read once per request. */
  figures(): Promise<CohortFigures> {
    this.#figures ??= this.service.cohortFigures();
    return this.#figures;
  }
}
