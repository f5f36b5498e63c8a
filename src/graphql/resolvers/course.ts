import type { GatewayContext } from '../context.js';
import type { ActivityView, CourseView } from '../datasources/moodle.js';
import { matchActivities, type ActivityMatch } from '../../progress/activity-match.js';
import { checkHealth } from '../health.js';

/** One round of probes per request, however many aliases ask (src/graphql/upstream-budget.ts counts it once). */
const healthOf = new WeakMap<GatewayContext, ReturnType<typeof checkHealth>>();

/** How the course's activities and the curriculum meet (Moodle mode; the embedded course is the curriculum). */
function courseMatch(course: CourseView, ctx: GatewayContext): ActivityMatch & { byCmid: Map<number, ActivityView> } {
  const activities = course.sections.flatMap((s) => s.activities);
  const match = matchActivities(
    ctx.deps.curriculum,
    activities.map((a) => ({ cmid: a.id, idnumber: a.idnumber, name: a.name, completion: a.manualCompletion ? 1 : a.tracksCompletion ? 2 : 0 })),
    ctx.deps.moodleActivityMap,
  );
  return { ...match, byCmid: new Map(activities.map((a) => [a.id, a])) };
}

export const courseResolvers = {
  Course: {
    unmatchedActivities: (course: CourseView, _: unknown, ctx: GatewayContext): ActivityView[] => {
      if (course.source !== 'MOODLE') return [];
      const match = courseMatch(course, ctx);
      return match.unmatchedActivities.map((a) => match.byCmid.get(a.cmid)).filter((a): a is ActivityView => a !== undefined);
    },
    modulesWithoutActivity: (course: CourseView, _: unknown, ctx: GatewayContext) => {
      if (course.source !== 'MOODLE') return [];
      const missing = new Set(courseMatch(course, ctx).modulesWithoutActivity);
      return ctx.deps.curriculum.filter((m) => missing.has(m.slug));
    },
  },
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
