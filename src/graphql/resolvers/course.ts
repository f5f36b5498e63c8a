import type { GatewayContext } from '../context.js';
import type { CourseView } from '../datasources/moodle.js';
import { checkHealth } from '../health.js';

/** One round of probes per request, however many aliases ask (src/graphql/upstream-budget.ts counts it once). */
const healthOf = new WeakMap<GatewayContext, ReturnType<typeof checkHealth>>();

export const courseResolvers = {
  Query: {
    course: (_: unknown, __: unknown, ctx: GatewayContext): Promise<CourseView | null> | CourseView =>
      ctx.moodle ? ctx.moodle.course() : ctx.curriculum.asCourse(),
    health: (_: unknown, __: unknown, ctx: GatewayContext) => {
      let health = healthOf.get(ctx);
      if (!health) healthOf.set(ctx, (health = checkHealth(ctx.deps)));
      return health;
    },
  },
};
