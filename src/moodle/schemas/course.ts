import { z } from 'zod';
import { nameValueSchema, warningsSchema } from './common.js';
import { completionDataSchema } from './completion.js';

/** core_course_get_courses: one course (the answer is an array, empty when none match). */
export const courseSchema = z.object({
  id: z.number(),
  shortname: z.string(),
  fullname: z.string(),
  displayname: z.string(),
  idnumber: z.string(),
  categoryid: z.number(),
  summary: z.string(),
  summaryformat: z.number(),
  format: z.string(),
  startdate: z.number(),
  enddate: z.number(),
  visible: z.number(),
  enablecompletion: z.number(),
  numsections: z.number().optional(),
  lang: z.string(),
  timecreated: z.number(),
  timemodified: z.number(),
  courseformatoptions: z.array(nameValueSchema).optional(),
  showactivitydates: z.boolean().optional(),
  showcompletionconditions: z.boolean().nullable().optional(),
});
export type MoodleCourse = z.infer<typeof courseSchema>;
export const coursesSchema = z.array(courseSchema);

/** core_course_get_courses_by_field: `{courses: []}` when nothing matches (not an error). */
export const courseByFieldSchema = z.object({
  id: z.number(),
  shortname: z.string(),
  fullname: z.string(),
  displayname: z.string(),
  idnumber: z.string().optional(),
  categoryid: z.number(),
  categoryname: z.string(),
  summary: z.string(),
  summaryformat: z.number(),
  courseimage: z.string().optional(),
  format: z.string().optional(),
  startdate: z.number().optional(),
  enddate: z.number().optional(),
  visible: z.number().optional(),
  enablecompletion: z.number().optional(),
  lang: z.string().optional(),
  timemodified: z.number().optional(),
  enrollmentmethods: z.array(z.string()),
  courseformatoptions: z.array(nameValueSchema).optional(),
});
export type MoodleCourseByField = z.infer<typeof courseByFieldSchema>;
export const coursesByFieldSchema = z.object({ courses: z.array(courseByFieldSchema), warnings: warningsSchema });
export type MoodleCoursesByField = z.infer<typeof coursesByFieldSchema>;

/** A file or link of a module in core_course_get_contents. */
export const moduleContentSchema = z.object({
  type: z.string(),
  filename: z.string(),
  filepath: z.string().nullable(),
  filesize: z.number(),
  fileurl: z.string(),
  timemodified: z.number(),
  sortorder: z.number().nullable(),
});

/**
 * One activity in core_course_get_contents. `id` is the cmid. `completion`: 0 none, 1 manual,
 * 2 automatic. `completiondata` only appears for users whose completion is tracked or visible.
 * This answer never carries the activity's idnumber (see getActivityIdnumbers).
 */
export const courseModuleSummarySchema = z.object({
  id: z.number(),
  name: z.string(),
  modname: z.string(),
  modplural: z.string(),
  instance: z.number(),
  contextid: z.number(),
  url: z.string().optional(),
  visible: z.number(),
  uservisible: z.boolean(),
  visibleoncoursepage: z.number(),
  indent: z.number(),
  noviewlink: z.boolean().optional(),
  availability: z.string().nullable().optional(),
  customdata: z.string().optional(),
  completion: z.number().optional(),
  completiondata: completionDataSchema.optional(),
  contents: z.array(moduleContentSchema).optional(),
});
/**
 * An activity as the client hands it on: `unreadable` lists where Moodle's answer for it did not
 * match (paths and problems, never values). Such an activity is kept, shown as what it is, and
 * never fails the course; the client logs it at warn.
 */
export type MoodleCourseModuleSummary = z.infer<typeof courseModuleSummarySchema> & { unreadable?: string[] };

/** Reads one activity of core_course_get_contents; an odd one becomes a placeholder with `unreadable`. */
export function readCourseModuleSummary(item: unknown): MoodleCourseModuleSummary {
  const parsed = courseModuleSummarySchema.safeParse(item);
  if (parsed.success) return parsed.data;
  const raw = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  const str = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);
  return {
    id: num(raw.id),
    name: str(raw.name, ''),
    modname: str(raw.modname, 'unknown'),
    modplural: str(raw.modplural, ''),
    instance: num(raw.instance),
    contextid: num(raw.contextid),
    visible: num(raw.visible),
    uservisible: raw.uservisible === true,
    visibleoncoursepage: num(raw.visibleoncoursepage),
    indent: 0,
    ...(typeof raw.url === 'string' ? { url: raw.url } : {}),
    completion: 0,
    unreadable: parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`),
  };
}

/** One section of core_course_get_contents. `section` is its number (0 = General). */
export const courseSectionSchema = z.object({
  id: z.number(),
  name: z.string(),
  section: z.number(),
  visible: z.number(),
  summary: z.string(),
  summaryformat: z.number(),
  uservisible: z.boolean(),
  /** Read one by one: an activity Pollen cannot read never fails its section (readCourseModuleSummary). */
  modules: z.array(z.unknown()).transform((items) => items.map(readCourseModuleSummary)),
});
export type MoodleCourseSection = z.output<typeof courseSectionSchema>;
export const courseContentsSchema = z.array(courseSectionSchema);

/** core_course_get_course_module(_by_instance): the only answers that carry an activity's idnumber. */
export const courseModuleSchema = z.object({
  id: z.number(),
  course: z.number(),
  module: z.number(),
  name: z.string(),
  modname: z.string(),
  instance: z.number(),
  section: z.number(),
  sectionnum: z.number(),
  /** Empty string when not set; `null` for some modules (a question bank made by a cartridge import): read as ''. */
  idnumber: z
    .string()
    .nullable()
    .transform((value) => value ?? ''),
  completion: z.number(),
  completionview: z.number().optional(),
  completionexpected: z.number().optional(),
  visible: z.number(),
  added: z.number(),
  availability: z.string().nullable().optional(),
});
export type MoodleCourseModule = z.infer<typeof courseModuleSchema>;
export const courseModuleResponseSchema = z.object({ cm: courseModuleSchema, warnings: warningsSchema });
export type MoodleCourseModuleResponse = z.infer<typeof courseModuleResponseSchema>;

/**
 * core_course_get_updates_since: per module (`id` = cmid), which areas changed since a time
 * (`configuration` with `timeupdated`; `usersubmissions`, `usergrades`… with `itemids`).
 * No idnumber and no course structure: it tells which cmids to refetch, not what they are.
 */
export const updatesSinceSchema = z.object({
  instances: z.array(
    z.object({
      contextlevel: z.string(),
      id: z.number(),
      updates: z.array(
        z.object({
          name: z.string(),
          timeupdated: z.number().optional(),
          itemids: z.array(z.number()).optional(),
        }),
      ),
    }),
  ),
  warnings: warningsSchema,
});
export type MoodleUpdatesSince = z.infer<typeof updatesSinceSchema>;

/** core_course_create_courses: the new ids. */
export const createdCoursesSchema = z.array(z.object({ id: z.number(), shortname: z.string() }));
export type MoodleCreatedCourse = z.infer<typeof createdCoursesSchema>[number];
