import type { GatewayContext } from '../context.js';
import type { CourseView } from '../datasources/moodle.js';
import { checkHealth } from '../health.js';

export const courseResolvers = {
  Query: {
    course: (_: unknown, __: unknown, ctx: GatewayContext): Promise<CourseView | null> | CourseView =>
      ctx.moodle ? ctx.moodle.course() : ctx.curriculum.asCourse(),
    health: (_: unknown, __: unknown, ctx: GatewayContext) => checkHealth(ctx.deps),
  },
};
