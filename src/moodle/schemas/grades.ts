import { z } from 'zod';
import { warningsSchema } from './common.js';

/**
 * One grade item of gradereport_user_get_grade_items. Module items carry `cmid`; the course
 * total (`itemtype: 'course'`) does not. `graderaw` is null until graded.
 */
export const gradeItemSchema = z.object({
  id: z.number(),
  itemname: z.string().nullable(),
  itemtype: z.string(),
  itemmodule: z.string().nullable(),
  iteminstance: z.number(),
  itemnumber: z.number().nullable(),
  idnumber: z.string().nullable(),
  cmid: z.number().optional(),
  graderaw: z.number().nullable(),
  gradedategraded: z.number().nullable(),
  gradeformatted: z.string(),
  grademin: z.number(),
  grademax: z.number(),
  percentageformatted: z.string(),
  gradeishidden: z.boolean(),
  locked: z.boolean(),
  weightraw: z.number().optional(),
  status: z.string().optional(),
  feedback: z.string(),
  feedbackformat: z.number(),
});
export type MoodleGradeItem = z.infer<typeof gradeItemSchema>;

export const gradeItemsSchema = z.object({
  usergrades: z.array(
    z.object({
      courseid: z.number(),
      courseidnumber: z.string(),
      userid: z.number(),
      userfullname: z.string(),
      useridnumber: z.string(),
      maxdepth: z.number(),
      gradeitems: z.array(gradeItemSchema),
    }),
  ),
  warnings: warningsSchema,
});
export type MoodleGradeItems = z.infer<typeof gradeItemsSchema>;
