import type { z } from 'zod';
import { batchResponseSchema } from './batch.js';
import { statusSchema } from './common.js';
import { activitiesCompletionSchema, courseCompletionSchema } from './completion.js';
import {
  courseContentsSchema,
  courseModuleResponseSchema,
  coursesByFieldSchema,
  coursesSchema,
  createdCoursesSchema,
  updatesSinceSchema,
} from './course.js';
import { gradeItemsSchema } from './grades.js';
import { siteInfoSchema } from './site.js';
import { createdUsersSchema, enrolledUsersSchema, enrolUsersSchema, userCoursesSchema, usersSchema } from './users.js';

export * from './batch.js';
export * from './common.js';
export * from './completion.js';
export * from './course.js';
export * from './grades.js';
export * from './site.js';
export * from './users.js';

/**
 * The answer schema of every web-service function Pollen calls, each built from the answers
 * recorded from a real Moodle (../shared/fixtures/moodle). A function missing here has no
 * recorded answer: record one before calling it.
 */
export const responseSchemas = {
  core_webservice_get_site_info: siteInfoSchema,
  core_course_get_courses: coursesSchema,
  core_course_get_courses_by_field: coursesByFieldSchema,
  core_course_get_contents: courseContentsSchema,
  core_course_get_course_module: courseModuleResponseSchema,
  core_course_get_course_module_by_instance: courseModuleResponseSchema,
  core_course_get_updates_since: updatesSinceSchema,
  core_course_create_courses: createdCoursesSchema,
  core_enrol_get_enrolled_users: enrolledUsersSchema,
  core_enrol_get_users_courses: userCoursesSchema,
  enrol_manual_enrol_users: enrolUsersSchema,
  core_user_get_users_by_field: usersSchema,
  core_user_create_users: createdUsersSchema,
  core_completion_get_activities_completion_status: activitiesCompletionSchema,
  core_completion_get_course_completion_status: courseCompletionSchema,
  core_completion_update_activity_completion_status_manually: statusSchema,
  gradereport_user_get_grade_items: gradeItemsSchema,
  mod_page_view_page: statusSchema,
  tool_mobile_call_external_functions: batchResponseSchema,
} as const satisfies Record<string, z.ZodType>;

export type MoodleFunctionName = keyof typeof responseSchemas;
export type MoodleResponse<F extends MoodleFunctionName> = z.infer<(typeof responseSchemas)[F]>;
