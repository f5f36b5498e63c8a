/** The training badge: which parts of the path a provider's linked learner completed. */
import { groups, type CurriculumModule } from '../curriculum/schema.js';
import type { LearnerProgress } from '../progress/model.js';
import type { TrainingBadge } from './model.js';

/** Latest progress of many learners (ProgressService.learnersProgress satisfies it). */
export type ProgressReader = (learnerIds: readonly string[]) => Promise<Map<string, LearnerProgress>>;

export function trainingBadge(progress: LearnerProgress, curriculum: readonly CurriculumModule[]): TrainingBadge {
  const done = new Set(progress.modules.filter((m) => m.state === 'done').map((m) => m.slug));
  const parts = groups.filter((g) => {
    const modules = curriculum.filter((m) => m.group === g);
    return modules.length > 0 && modules.every((m) => done.has(m.slug));
  });
  return { parts: [...parts], percent: progress.percent, complete: curriculum.length > 0 && curriculum.every((m) => done.has(m.slug)) };
}

/** The directory's `training` setting, from progress (Moodle or embedded) and the curriculum. */
export function trainingFromProgress(read: ProgressReader, curriculum: readonly CurriculumModule[]) {
  return async (learnerIds: readonly string[]): Promise<Map<string, TrainingBadge>> => {
    const latest = await read(learnerIds);
    return new Map([...latest].map(([id, p]) => [id, trainingBadge(p, curriculum)]));
  };
}
