import { z } from 'zod';

/** core_user_get_users_by_field: `[]` when nobody matches. */
export const userSchema = z.object({
  id: z.number(),
  username: z.string(),
  firstname: z.string(),
  lastname: z.string(),
  fullname: z.string(),
  email: z.string().optional(),
  idnumber: z.string().optional(),
  auth: z.string().optional(),
  suspended: z.boolean().optional(),
  confirmed: z.boolean().optional(),
  lang: z.string().optional(),
  city: z.string().optional(),
  country: z.string().optional(),
  firstaccess: z.number().optional(),
  lastaccess: z.number().optional(),
});
export type MoodleUser = z.infer<typeof userSchema>;
export const usersSchema = z.array(userSchema);

/** core_user_create_users: the new ids. */
export const createdUsersSchema = z.array(z.object({ id: z.number(), username: z.string() }));
export type MoodleCreatedUser = z.infer<typeof createdUsersSchema>[number];

/** core_enrol_get_enrolled_users: the users enrolled in a course, with their roles. */
export const enrolledUserSchema = userSchema.extend({
  lastcourseaccess: z.number().optional(),
  roles: z.array(z.object({ roleid: z.number(), name: z.string(), shortname: z.string(), sortorder: z.number() })).optional(),
  enrolledcourses: z.array(z.object({ id: z.number(), fullname: z.string(), shortname: z.string() })).optional(),
});
export type MoodleEnrolledUser = z.infer<typeof enrolledUserSchema>;
export const enrolledUsersSchema = z.array(enrolledUserSchema);

/** core_enrol_get_users_courses: a user's courses with their progress (percent, null if untracked). */
export const userCourseSchema = z.object({
  id: z.number(),
  shortname: z.string(),
  fullname: z.string(),
  displayname: z.string(),
  idnumber: z.string(),
  visible: z.number(),
  summary: z.string(),
  format: z.string(),
  category: z.number(),
  enablecompletion: z.boolean(),
  completionhascriteria: z.boolean(),
  completionusertracked: z.boolean(),
  progress: z.number().nullable(),
  completed: z.boolean(),
  startdate: z.number(),
  enddate: z.number(),
  lastaccess: z.number().nullable(),
  hidden: z.boolean(),
  timemodified: z.number(),
});
export type MoodleUserCourse = z.infer<typeof userCourseSchema>;
export const userCoursesSchema = z.array(userCourseSchema);

/** enrol_manual_enrol_users: success is JSON `null`. */
export const enrolUsersSchema = z.null();
