import { GraphQLError } from 'graphql';
import { requireLearner, requireRole, type Viewer } from '../../auth/viewer.js';
import { MoodleError } from '../../moodle/index.js';
import { ProgressError } from '../../progress/errors.js';
import { completableCount, type LearnerProgress, type ModuleProgress, type SyncReport } from '../../progress/model.js';
import type { CohortLearner, ModuleCompletion } from '../../progress/service.js';
import type { GatewayContext } from '../context.js';
import type { ProgressDataSource } from '../datasources/progress.js';
import { upstreamError } from '../errors.js';

function progressOf(ctx: GatewayContext): ProgressDataSource {
  if (!ctx.progress) throw new GraphQLError('Le suivi de progression n’est pas configuré sur ce serveur Pollen.', { extensions: { code: 'PROGRESS_UNAVAILABLE' } });
  return ctx.progress;
}

/** ProgressError keeps its code; Moodle failures become MOODLE_* upstream errors. */
async function reported<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ProgressError) {
      const code = error.code === 'UNKNOWN_MODULE' ? 'BAD_USER_INPUT' : error.code;
      throw new GraphQLError(error.message, { extensions: { code, reason: error.code } });
    }
    if (error instanceof MoodleError) throw upstreamError('moodle', error);
    throw error;
  }
}

export const progressResolvers = {
  Query: {
    cohort: (_: unknown, __: unknown, ctx: GatewayContext) => {
      requireRole(ctx, 'facilitator', 'admin');
      return progressOf(ctx).cohort();
    },
  },
  Me: {
    progress: (viewer: Viewer, _: unknown, ctx: GatewayContext) =>
      viewer.learnerId === null ? null : reported(() => progressOf(ctx).progressOf.load(viewer.learnerId as string)),
  },
  Cohort: {
    modules: (cohort: { modules: ModuleCompletion[] }, _: unknown, ctx: GatewayContext) =>
      cohort.modules.map((m) => ({ ...m, module: ctx.curriculum.module(m.slug) })).filter((m) => m.module !== undefined),
  },
  CohortLearner: {
    id: (row: CohortLearner) => row.learner.id,
    displayName: (row: CohortLearner) => row.learner.displayName,
    username: (row: CohortLearner) => row.learner.username,
  },
  LearnerProgress: {
    completableCount: (progress: LearnerProgress) => completableCount(progress),
    modules: (progress: LearnerProgress, _: unknown, ctx: GatewayContext) =>
      progress.modules.filter((m) => ctx.curriculum.module(m.slug) !== undefined),
  },
  ModuleProgress: {
    module: (m: ModuleProgress, _: unknown, ctx: GatewayContext) => ctx.curriculum.module(m.slug),
    state: (m: ModuleProgress) => m.state.toUpperCase(),
    via: (m: ModuleProgress) => m.via?.toUpperCase() ?? null,
  },
  SyncReport: {
    source: (r: SyncReport) => r.source.toUpperCase(),
  },
  Mutation: {
    markModuleDone: (_: unknown, args: { slug: string; done?: boolean | null }, ctx: GatewayContext) => {
      // The learner is the session's: no argument names whose progress changes.
      const learnerId = requireLearner(ctx);
      const source = progressOf(ctx);
      return reported(async () => {
        const moodleToken = await ctx.deps.auth?.moodleTokenOf(ctx.sessionHash);
        const progress = await source.service.markModuleDone(learnerId, args.slug, args.done ?? true, moodleToken);
        source.progressOf.clear(learnerId).prime(learnerId, progress);
        return progress;
      });
    },
    syncProgress: (_: unknown, __: unknown, ctx: GatewayContext) => {
      requireRole(ctx, 'admin');
      return reported(() => progressOf(ctx).service.sync());
    },
  },
};
