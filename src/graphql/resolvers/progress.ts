import { GraphQLError } from 'graphql';
import { requireLearner, requireRole, type Viewer } from '../../auth/viewer.js';
import { MoodleError } from '../../moodle/index.js';
import { ProgressError } from '../../progress/errors.js';
import { completableCount, type LearnerProgress, type ModuleProgress, type SyncReport } from '../../progress/model.js';
import { decodeCohortCursor, type CohortFigures } from '../../progress/cohort-queries.js';
import type { CohortLearner } from '../../progress/service.js';
import type { GatewayContext } from '../context.js';
import type { ProgressDataSource } from '../datasources/progress.js';
import { upstreamError } from '../errors.js';

function progressOf(ctx: GatewayContext): ProgressDataSource {
  if (!ctx.progress) throw new GraphQLError('Le suivi de progression n’est pas configuré sur ce serveur Pollen.', { extensions: { code: 'PROGRESS_UNAVAILABLE' } });
  return ctx.progress;
}

/**
 * ProgressError keeps its code; Moodle failures become MOODLE_* upstream errors. Progress calls
 * Moodle with the site's token (a learner's own token only in markModuleDone, whose refusals
 * come back as ProgressError): a failure caused by a setting names it.
 */
async function reported<T>(ctx: GatewayContext, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ProgressError) {
      const code = error.code === 'UNKNOWN_MODULE' ? 'BAD_USER_INPUT' : error.code;
      throw new GraphQLError(error.message, { extensions: { code, reason: error.code } });
    }
    const moodle = ctx.deps.moodle;
    if (error instanceof MoodleError) throw upstreamError('moodle', error, moodle && { url: moodle.siteUrl, courseId: moodle.courseId });
    throw error;
  }
}

/** What `cohort` resolves to: its fields read their page or figure from here. */
interface CohortRoot {
  source: ProgressDataSource;
  figures: CohortFigures;
}

/** Largest page of the cohort's lists. */
export const COHORT_MAX_PAGE_SIZE = 100;

function pageSize(first: number | null | undefined, fallback: number): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 0 || size > COHORT_MAX_PAGE_SIZE) {
    throw new GraphQLError(`first : entre 0 et ${COHORT_MAX_PAGE_SIZE}.`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return size;
}

/** A learner read with the cohort: their progress is not read again in the same request. */
function primed(source: ProgressDataSource, row: CohortLearner): CohortLearner {
  source.progressOf.prime(row.learner.id, row.progress);
  return row;
}

export const progressResolvers = {
  Query: {
    cohort: async (_: unknown, __: unknown, ctx: GatewayContext): Promise<CohortRoot> => {
      requireRole(ctx, 'facilitator', 'admin');
      const source = progressOf(ctx);
      // The figures are read here: a store that is down fails the field itself, as before.
      return { source, figures: await source.figures() };
    },
  },
  Me: {
    progress: (viewer: Viewer, _: unknown, ctx: GatewayContext) =>
      viewer.learnerId === null ? null : reported(ctx, () => progressOf(ctx).progressOf.load(viewer.learnerId as string)),
  },
  Cohort: {
    learnerConnection: async (root: CohortRoot, args: { first?: number | null; after?: string | null }) => {
      const first = pageSize(args.first, 20);
      const after = args.after ? decodeCohortCursor(args.after) : undefined;
      if (args.after && !after) throw new GraphQLError('Curseur de pagination illisible : reprenez la liste depuis le début.', { extensions: { code: 'BAD_USER_INPUT' } });
      // One more than asked: whether another page follows.
      const rows = await root.source.service.cohortLearnersAfter(first + 1, after);
      const edges = rows.slice(0, first).map((r) => ({ cursor: r.cursor, node: primed(root.source, r.row) }));
      return { totalCount: root.figures.learners, edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
    },
    learners: async (root: CohortRoot, args: { first?: number | null }) =>
      (await root.source.service.cohortLearnersAfter(pageSize(args.first, 100))).map((r) => primed(root.source, r.row)),
    stalled: async (root: CohortRoot, args: { first?: number | null }) => {
      const first = pageSize(args.first, 100);
      return first === 0 ? [] : (await root.source.service.stalledPage(1, first)).rows.map((row) => primed(root.source, row));
    },
    suspendedLearners: (root: CohortRoot, _: unknown, ctx: GatewayContext) => reported(ctx, () => root.source.suspendedLearners()),
    learnerCount: (root: CohortRoot) => root.figures.learners,
    stalledCount: (root: CohortRoot) => root.figures.stalled,
    snapshotAt: (root: CohortRoot) => root.figures.snapshotAt,
    stalledAfterDays: (root: CohortRoot) => root.source.service.tracker.stalledAfterDays,
    modules: (root: CohortRoot, _: unknown, ctx: GatewayContext) =>
      root.source.service.tracker.curriculum
        .map((m) => ({ slug: m.slug, completedCount: root.figures.completedBySlug.get(m.slug) ?? 0, learnerCount: root.figures.learners, module: ctx.curriculum.module(m.slug) }))
        .filter((m) => m.module !== undefined),
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
      return reported(ctx, async () => {
        const moodleToken = await ctx.deps.auth?.moodleTokenOf(ctx.sessionHash);
        const progress = await source.service.markModuleDone(learnerId, args.slug, args.done ?? true, moodleToken);
        source.progressOf.clear(learnerId).prime(learnerId, progress);
        return progress;
      });
    },
    syncProgress: (_: unknown, __: unknown, ctx: GatewayContext) => {
      requireRole(ctx, 'admin');
      return reported(ctx, () => progressOf(ctx).service.sync());
    },
  },
};
