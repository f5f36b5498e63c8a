/**
 * The one rounding rule for every percentage Pollen shows (a learner's progress, a module's
 * completion, the cohort's average): to the nearest whole percent, except that something
 * started never reads 0 % and something unfinished never reads 100 %.
 */
export function wholePercent(part: number, total: number): number {
  if (total <= 0 || part <= 0) return 0;
  if (part >= total) return 100;
  return Math.min(99, Math.max(1, Math.round((part * 100) / total)));
}
