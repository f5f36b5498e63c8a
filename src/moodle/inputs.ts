/**
 * Parameters of the write functions, as Moodle names them. Type aliases (not interfaces) so they
 * are assignable to MoodleParams.
 */

/** One user for core_user_create_users. Give `password`, or `createpassword: true` to let Moodle mail one. */
export type NewMoodleUser = {
  username: string;
  firstname: string;
  lastname: string;
  email: string;
  password?: string;
  createpassword?: boolean;
  auth?: string;
  idnumber?: string;
  lang?: string;
  city?: string;
  country?: string;
};

/** One enrolment for enrol_manual_enrol_users (the student role is 5 on a standard site). */
export type MoodleEnrolment = {
  roleid: number;
  userid: number;
  courseid: number;
  timestart?: number | Date;
  timeend?: number | Date;
  suspend?: boolean;
};

/**
 * One course for core_course_create_courses. This Moodle rejects keys it does not know with
 * `invalidparameter` (e.g. `showcompletionconditions`, see error_invalidparameter_with_debuginfo).
 */
export type NewMoodleCourse = {
  fullname: string;
  shortname: string;
  categoryid: number;
  idnumber?: string;
  summary?: string;
  /** 1 = HTML. */
  summaryformat?: number;
  format?: string;
  showgrades?: boolean;
  newsitems?: number;
  startdate?: number | Date;
  enddate?: number | Date;
  visible?: boolean;
  enablecompletion?: boolean;
  lang?: string;
  courseformatoptions?: Array<{ name: string; value: string | number }>;
};

/** Fields core_user_get_users_by_field can search on. */
export type MoodleUserField = 'id' | 'idnumber' | 'username' | 'email';

/** Fields core_course_get_courses_by_field can search on (`ids`: comma-separated ids). */
export type MoodleCourseField = 'id' | 'ids' | 'shortname' | 'idnumber' | 'category' | 'sectionid';
