import { z } from 'zod';
import { warningsSchema } from './common.js';

/** One automatic-completion rule and whether it is met (`status` 1) or not (0). */
export const completionRuleSchema = z.object({
  rulename: z.string(),
  rulevalue: z.object({ status: z.number(), description: z.string() }),
});

/**
 * Completion state of one activity for one user, as in core_course_get_contents'
 * `completiondata`. `state`: 0 incomplete, 1 complete, 2 complete pass, 3 complete fail.
 */
export const completionDataSchema = z.object({
  state: z.number(),
  timecompleted: z.number(),
  overrideby: z.number().nullable(),
  valueused: z.boolean(),
  hascompletion: z.boolean(),
  isautomatic: z.boolean(),
  istrackeduser: z.boolean(),
  uservisible: z.boolean(),
  details: z.array(completionRuleSchema),
  isoverallcomplete: z.boolean(),
});
export type MoodleCompletionData = z.infer<typeof completionDataSchema>;

/** core_completion_get_activities_completion_status. `tracking`: 1 manual, 2 automatic. */
export const activityCompletionStatusSchema = completionDataSchema.extend({
  cmid: z.number(),
  modname: z.string(),
  instance: z.number(),
  tracking: z.number(),
});
export type MoodleActivityCompletionStatus = z.infer<typeof activityCompletionStatusSchema>;

export const activitiesCompletionSchema = z.object({
  statuses: z.array(activityCompletionStatusSchema),
  warnings: warningsSchema,
});
export type MoodleActivitiesCompletion = z.infer<typeof activitiesCompletionSchema>;

/** core_completion_get_course_completion_status: the course's criteria and the user's state. */
export const courseCompletionSchema = z.object({
  completionstatus: z.object({
    completed: z.boolean(),
    /** 1: all criteria required, 2: any. */
    aggregation: z.number(),
    completions: z.array(
      z.object({
        type: z.number(),
        title: z.string(),
        status: z.string(),
        complete: z.boolean(),
        timecompleted: z.number().nullable(),
        details: z.object({
          type: z.string(),
          /** HTML link to the activity. */
          criteria: z.string(),
          requirement: z.string(),
          status: z.string(),
        }),
      }),
    ),
  }),
  warnings: warningsSchema,
});
export type MoodleCourseCompletion = z.infer<typeof courseCompletionSchema>;
