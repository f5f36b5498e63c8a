import { contributionPage, type CurriculumModule, type Group, type QuizQuestion } from '../../curriculum/schema.js';
import type { GatewayContext } from '../context.js';

export const curriculumResolvers = {
  Query: {
    curriculum: () => ({}),
    module: (_: unknown, { slug }: { slug: string }, ctx: GatewayContext) => ctx.curriculum.module(slug) ?? null,
  },
  Curriculum: {
    modules: (_: unknown, __: unknown, ctx: GatewayContext) => ctx.curriculum.modules,
    groups: (_: unknown, __: unknown, ctx: GatewayContext) => ctx.curriculum.groups(),
    moduleCount: (_: unknown, __: unknown, ctx: GatewayContext) => ctx.curriculum.modules.length,
    totalMinutes: (_: unknown, __: unknown, ctx: GatewayContext) => ctx.curriculum.totalMinutes(),
  },
  CurriculumModule: {
    group: (m: CurriculumModule, _: unknown, ctx: GatewayContext) => ctx.curriculum.group(m.group as Group),
    prerequisites: (m: CurriculumModule, _: unknown, ctx: GatewayContext) =>
      m.prerequisites.map((slug) => ctx.curriculum.module(slug)).filter((x) => x !== undefined),
    activities: (m: CurriculumModule) =>
      m.activities.map((a) => ({
        ...a,
        type: a.type.toUpperCase(),
        wikiPageTitle: a.type === 'contribute' ? contributionPage(m, a) : null,
      })),
    wikiPageTitle: (m: CurriculumModule) => m.wikiPage,
    wikiPage: (m: CurriculumModule, _: unknown, ctx: GatewayContext) => ctx.wiki.page(m.wikiPage),
    moodleActivity: (m: CurriculumModule, _: unknown, ctx: GatewayContext) => {
      if (ctx.moodle) return ctx.moodle.activityFor(ctx.curriculum.moodleMapping(m));
      return ctx.curriculum.embeddedActivity(m);
    },
    previous: (m: CurriculumModule, _: unknown, ctx: GatewayContext) => ctx.curriculum.neighbour(m, -1) ?? null,
    next: (m: CurriculumModule, _: unknown, ctx: GatewayContext) => ctx.curriculum.neighbour(m, 1) ?? null,
  },
  QuizQuestion: {
    answer: (q: QuizQuestion) => (q.multiple ? null : q.answers[0]),
  },
};
