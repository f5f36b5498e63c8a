import type { z } from 'zod';
import { chunk, decodeBatchAnswer, mapConcurrently, parseBatchResult, type MoodleBatchRequest, type MoodleBatchResult } from './batch.js';
import { encodeJsonArguments, encodeRestCall, type MoodleParams } from './encode.js';
import {
  errorFromExceptionBody,
  isMoodleExceptionBody,
  MoodleAccessError,
  MoodleError,
  MoodleInvalidResponseError,
  MoodleNotFoundError,
} from './errors.js';
import { postForm } from './http.js';
import { resolveActivityIdnumbers } from './idnumbers.js';
import type { MoodleCourseField, MoodleEnrolment, MoodleUserField, NewMoodleCourse, NewMoodleUser } from './inputs.js';
import {
  activitiesCompletionSchema,
  batchResponseSchema,
  courseCompletionSchema,
  courseContentsSchema,
  courseModuleResponseSchema,
  coursesByFieldSchema,
  coursesSchema,
  createdCoursesSchema,
  createdUsersSchema,
  enrolledUsersSchema,
  enrolUsersSchema,
  gradeItemsSchema,
  siteInfoSchema,
  statusSchema,
  updatesSinceSchema,
  userCoursesSchema,
  usersSchema,
  type MoodleActivitiesCompletion,
  type MoodleCourse,
  type MoodleCourseByField,
  type MoodleCourseCompletion,
  type MoodleCourseModule,
  type MoodleCourseSection,
  type MoodleCreatedCourse,
  type MoodleCreatedUser,
  type MoodleEnrolledUser,
  type MoodleGradeItems,
  type MoodleSiteInfo,
  type MoodleStatus,
  type MoodleUpdatesSince,
  type MoodleUser,
  type MoodleUserCourse,
} from './schemas/index.js';

/** Everything that configures a MoodleClient, with its default. */
export interface MoodleClientOptions {
  /** The site's root URL, e.g. `https://mooc.example.org` (a trailing slash is ignored). */
  url: string;
  /** The web-service token. Sent in request bodies only; never in URLs, errors or logs. */
  token: string;
  /** The fetch to use (tests, proxies). Default: the global fetch. */
  fetch?: typeof fetch;
  /** Time allowed for one HTTP request. Default: 15 000 ms. */
  timeoutMs?: number;
  /**
   * Extra attempts for read functions (`*_get_*`) after a network failure, a timeout or HTTP
   * 502/503/504. Writes are never retried. Default: 2.
   */
  maxRetries?: number;
  /** Pause before the first retry, doubled at each retry. Default: 250 ms. */
  retryDelayMs?: number;
  /**
   * Whether callEach and getActivityIdnumbers group calls with tool_mobile_call_external_functions.
   * `auto` (default) tries once and falls back to concurrent calls if the token's service lacks it.
   */
  batch?: 'auto' | 'never';
  /** Requests per batch. Default: 50. */
  maxBatchSize?: number;
  /** Concurrent requests when calls cannot be batched. Default: 4 (Moodle is often a small PHP host). */
  concurrency?: number;
  /**
   * Told, at warn, of every answer (or one activity of an answer) Pollen cannot read: the
   * function and the fields, never the values. A pino logger fits. Default: silent.
   */
  logger?: MoodleShapeLogger;
  /** Told of every HTTP request to the web services (for metrics): function, outcome, duration. */
  onRequest?: (report: { wsfunction: string; outcome: 'ok' | 'error' | 'unavailable'; seconds: number }) => void;
}

/** Where the client reports answers it cannot read. */
export interface MoodleShapeLogger {
  warn(details: { wsfunction: string; issues: string[]; cmid?: number; modname?: string }, message: string): void;
}

/** Per-call options. */
export interface MoodleCallOptions {
  /** Whether the call may be retried after a network failure. Default: true for `*_get_*` functions. */
  idempotent?: boolean;
}

/** True for functions that only read, and so may be retried safely. */
export function isReadFunction(wsfunction: string): boolean {
  return /_get_/.test(wsfunction);
}

const BATCH_FUNCTION = 'tool_mobile_call_external_functions';

/**
 * A typed client of Moodle's REST web services. Every answer is validated against the shape
 * recorded from a real Moodle; every Moodle error becomes a MoodleError subclass.
 */
export class MoodleClient {
  /** The site's root URL, without trailing slash. */
  readonly url: string;
  /** HTTP requests actually sent, retries included. */
  readonly stats = { httpRequests: 0 };
  readonly #token: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #retryDelayMs: number;
  readonly #maxBatchSize: number;
  readonly #concurrency: number;
  #batchAvailable: boolean | undefined;
  readonly #logger: MoodleShapeLogger | undefined;
  readonly #onRequest: MoodleClientOptions['onRequest'];

  constructor(options: MoodleClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.#token = options.token;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#maxRetries = options.maxRetries ?? 2;
    this.#retryDelayMs = options.retryDelayMs ?? 250;
    this.#maxBatchSize = options.maxBatchSize ?? 50;
    this.#concurrency = options.concurrency ?? 4;
    this.#batchAvailable = options.batch === 'never' ? false : undefined;
    this.#logger = options.logger;
    this.#onRequest = options.onRequest;
  }

  /**
   * Calls any web-service function and validates its answer with `schema`.
   * @throws MoodleError (a subclass when the errorcode is known), MoodleInvalidResponseError
   *   (code `invalidresponse`) when the answer does not match, MoodleUnavailableError.
   */
  async call<S extends z.ZodType>(
    wsfunction: string,
    params: MoodleParams,
    schema: S,
    options: MoodleCallOptions = {},
  ): Promise<z.infer<S>> {
    const answer = await postForm(`${this.url}/webservice/rest/server.php`, encodeRestCall(this.#token, wsfunction, params), {
      fetch: this.#fetch,
      timeoutMs: this.#timeoutMs,
      maxRetries: (options.idempotent ?? isReadFunction(wsfunction)) ? this.#maxRetries : 0,
      retryDelayMs: this.#retryDelayMs,
      secrets: [this.#token],
      label: wsfunction,
      onRequest: () => {
        this.stats.httpRequests++;
      },
      onDone: (outcome, seconds) => {
        this.#onRequest?.({ wsfunction, outcome, seconds });
      },
    });
    if (isMoodleExceptionBody(answer)) throw errorFromExceptionBody(answer, wsfunction, [this.#token]);
    const parsed = schema.safeParse(answer);
    if (!parsed.success) throw this.#unexpected(MoodleInvalidResponseError.fromIssues(wsfunction, parsed.error.issues));
    return parsed.data;
  }

  /**
   * Runs several functions in ONE HTTP request (tool_mobile_call_external_functions, available
   * in the official mobile service). Answers come back in order; `data` is decoded but not
   * validated (see callEach for validated results).
   * @throws only when the batch itself fails (e.g. MoodleAccessError if the service lacks it).
   */
  async callBatch(requests: readonly MoodleBatchRequest[]): Promise<MoodleBatchResult[]> {
    if (requests.length === 0) return [];
    const answer = await this.call(
      BATCH_FUNCTION,
      { requests: requests.map((r) => ({ function: r.wsfunction, arguments: encodeJsonArguments(r.args) })) },
      batchResponseSchema,
      { idempotent: requests.every((r) => isReadFunction(r.wsfunction)) },
    );
    if (answer.responses.length !== requests.length) {
      throw new MoodleInvalidResponseError(BATCH_FUNCTION, [
        `responses: ${answer.responses.length} answers for ${requests.length} requests`,
      ]);
    }
    return answer.responses.map((response, i) => decodeBatchAnswer(response, requests[i]?.wsfunction ?? BATCH_FUNCTION, [this.#token]));
  }

  /**
   * Calls one function once per argument set and validates each answer: in batches when the
   * token's service allows it, otherwise with a few concurrent calls. Per-call failures are
   * returned, not thrown.
   */
  async callEach<S extends z.ZodType>(
    wsfunction: string,
    argsList: readonly MoodleParams[],
    schema: S,
  ): Promise<Array<MoodleBatchResult<z.infer<S>>>> {
    if (argsList.length === 0) return [];
    if (this.#batchAvailable !== false) {
      try {
        const results: Array<MoodleBatchResult<z.infer<S>>> = [];
        for (const part of chunk(argsList, this.#maxBatchSize)) {
          const answers = await this.callBatch(part.map((args) => ({ wsfunction, args })));
          results.push(...answers.map((answer) => this.#reportUnexpected(parseBatchResult(answer, wsfunction, schema))));
        }
        this.#batchAvailable = true;
        return results;
      } catch (error) {
        // Not in the token's service (accessexception) or not installed (invalidrecordunknown).
        const batchMissing = error instanceof MoodleAccessError || error instanceof MoodleNotFoundError;
        if (!batchMissing || this.#batchAvailable === true) throw error;
        this.#batchAvailable = false;
      }
    }
    return mapConcurrently(argsList, this.#concurrency, async (args): Promise<MoodleBatchResult<z.infer<S>>> => {
      try {
        return { ok: true, data: await this.call(wsfunction, args, schema) };
      } catch (error) {
        if (error instanceof MoodleError) return { ok: false, error };
        throw error;
      }
    });
  }

  /** Logs an answer Pollen cannot read, at warn, and hands the error back. */
  #unexpected(error: MoodleInvalidResponseError): MoodleInvalidResponseError {
    this.#logger?.warn({ wsfunction: error.wsfunction ?? '', issues: error.issues }, 'Moodle answered in a shape Pollen cannot read');
    return error;
  }

  #reportUnexpected<T>(result: MoodleBatchResult<T>): MoodleBatchResult<T> {
    if (!result.ok && result.error instanceof MoodleInvalidResponseError) this.#unexpected(result.error);
    return result;
  }

  /** core_webservice_get_site_info: the token's user, the site's release, the allowed functions. */
  getSiteInfo(): Promise<MoodleSiteInfo> {
    return this.call('core_webservice_get_site_info', {}, siteInfoSchema);
  }

  /** core_course_get_courses: the given courses, or every course the token may see. */
  getCourses(ids?: readonly number[]): Promise<MoodleCourse[]> {
    return this.call('core_course_get_courses', ids ? { options: { ids } } : {}, coursesSchema);
  }

  /** core_course_get_courses_by_field: `[]` when nothing matches. */
  async getCoursesByField(field: MoodleCourseField, value: string | number): Promise<MoodleCourseByField[]> {
    return (await this.call('core_course_get_courses_by_field', { field, value }, coursesByFieldSchema)).courses;
  }

  /** The one course with this id, shortname or idnumber; null when there is none. */
  async getCourseByField(field: 'id' | 'shortname' | 'idnumber', value: string | number): Promise<MoodleCourseByField | null> {
    return (await this.getCoursesByField(field, value))[0] ?? null;
  }

  /** A course by id; undefined when it does not exist (the shape the gateway's MoodleApi expects). */
  async getCourse(courseId: number): Promise<MoodleCourseByField | undefined> {
    return (await this.getCourseByField('id', courseId)) ?? undefined;
  }

  /**
   * core_course_get_contents: sections and their activities (`modules[].id` is the cmid), with
   * the token user's completion when tracked. Never includes idnumbers.
   * @throws MoodleNotFoundError for an unknown course.
   */
  async getCourseContents(courseId: number): Promise<MoodleCourseSection[]> {
    const sections = await this.call('core_course_get_contents', { courseid: courseId }, courseContentsSchema);
    for (const module of sections.flatMap((section) => section.modules)) {
      if (module.unreadable) {
        this.#logger?.warn(
          { wsfunction: 'core_course_get_contents', cmid: module.id, modname: module.modname, issues: module.unreadable },
          'Moodle described an activity in a shape Pollen cannot read: it is shown as unreadable, the rest of the course is served',
        );
      }
    }
    return sections;
  }

  /** core_course_get_course_module: one activity, with its idnumber. @throws MoodleNotFoundError */
  async getCourseModule(cmid: number): Promise<MoodleCourseModule> {
    return (await this.call('core_course_get_course_module', { cmid }, courseModuleResponseSchema)).cm;
  }

  /** core_course_get_course_module_by_instance, e.g. (`page`, 4) for the page whose id is 4. */
  async getCourseModuleByInstance(module: string, instance: number): Promise<MoodleCourseModule> {
    return (await this.call('core_course_get_course_module_by_instance', { module, instance }, courseModuleResponseSchema)).cm;
  }

  /**
   * core_course_get_updates_since: which activities (by cmid) changed since a time, and which
   * areas (`configuration`, `usergrades`…). No idnumbers: use it to know what to refetch.
   */
  getUpdatesSince(courseId: number, since: number | Date, areas?: readonly string[]): Promise<MoodleUpdatesSince> {
    return this.call('core_course_get_updates_since', { courseid: courseId, since, filter: areas }, updatesSinceSchema);
  }

  /**
   * Map of activity idnumber → cmid for a course. Activities without idnumber are left out.
   * core_course_get_contents lists cmids without idnumbers, so each cmid is looked up with
   * core_course_get_course_module (batched when possible). Throws the first lookup failure
   * rather than returning a map with silent holes.
   */
  getActivityIdnumbers(courseId: number): Promise<Map<string, number>> {
    return resolveActivityIdnumbers(this, courseId);
  }

  /**
   * core_enrol_get_enrolled_users: the course's participants with their roles. `status`: only
   * active enrolments (as Moodle's completion report counts them) or only suspended ones; both
   * need the token user's `moodle/course:enrolreview` in the course. Default: every enrolment.
   */
  getEnrolledUsers(courseId: number, filter: { status?: 'active' | 'suspended' } = {}): Promise<MoodleEnrolledUser[]> {
    const option = filter.status === 'active' ? 'onlyactive' : filter.status === 'suspended' ? 'onlysuspended' : undefined;
    const params = option ? { courseid: courseId, options: [{ name: option, value: 1 }] } : { courseid: courseId };
    return this.call('core_enrol_get_enrolled_users', params, enrolledUsersSchema);
  }

  /** core_enrol_get_users_courses: a user's courses with progress in percent. */
  getUsersCourses(userId: number): Promise<MoodleUserCourse[]> {
    return this.call('core_enrol_get_users_courses', { userid: userId }, userCoursesSchema);
  }

  /**
   * core_completion_get_activities_completion_status: a user's state for every activity.
   * @throws MoodleAccessError (`nopermissions`) when a learner token asks for another learner.
   */
  getActivitiesCompletion(courseId: number, userId: number): Promise<MoodleActivitiesCompletion> {
    return this.call('core_completion_get_activities_completion_status', { courseid: courseId, userid: userId }, activitiesCompletionSchema);
  }

  /** Activity completion of many users of a course, in one request when batching is available. */
  getActivitiesCompletionOfUsers(
    courseId: number,
    userIds: readonly number[],
  ): Promise<Array<MoodleBatchResult<MoodleActivitiesCompletion>>> {
    return this.callEach(
      'core_completion_get_activities_completion_status',
      userIds.map((userId) => ({ courseid: courseId, userid: userId })),
      activitiesCompletionSchema,
    );
  }

  /** core_completion_get_course_completion_status: the course criteria and whether they are met. */
  getCourseCompletion(courseId: number, userId: number): Promise<MoodleCourseCompletion> {
    return this.call('core_completion_get_course_completion_status', { courseid: courseId, userid: userId }, courseCompletionSchema);
  }

  /**
   * core_completion_update_activity_completion_status_manually, as the token's user. Not retried.
   * @throws MoodleError with code `cannotmanualctrack` on an automatically completed activity.
   */
  updateActivityCompletionManually(cmid: number, completed: boolean): Promise<MoodleStatus> {
    return this.call('core_completion_update_activity_completion_status_manually', { cmid, completed }, statusSchema);
  }

  /** core_user_get_users_by_field: `[]` when nobody matches. */
  getUsersByField(field: MoodleUserField, values: ReadonlyArray<string | number>): Promise<MoodleUser[]> {
    return this.call('core_user_get_users_by_field', { field, values }, usersSchema);
  }

  /**
   * core_user_create_users. Not retried.
   * @throws MoodleInvalidParameterError for a duplicate username (Moodle gives no finer code).
   */
  createUsers(users: readonly NewMoodleUser[]): Promise<MoodleCreatedUser[]> {
    return this.call('core_user_create_users', { users }, createdUsersSchema);
  }

  /** enrol_manual_enrol_users (Moodle answers null). @throws MoodleNotFoundError for an unknown user. */
  async enrolUsers(enrolments: readonly MoodleEnrolment[]): Promise<void> {
    await this.call('enrol_manual_enrol_users', { enrolments }, enrolUsersSchema);
  }

  /** core_course_create_courses. Not retried. */
  createCourses(courses: readonly NewMoodleCourse[]): Promise<MoodleCreatedCourse[]> {
    return this.call('core_course_create_courses', { courses }, createdCoursesSchema);
  }

  /** gradereport_user_get_grade_items: one user's grades, or every user's when userId is omitted. */
  getGradeItems(courseId: number, userId?: number): Promise<MoodleGradeItems> {
    return this.call('gradereport_user_get_grade_items', { courseid: courseId, userid: userId }, gradeItemsSchema);
  }

  /** mod_page_view_page: logs a view as the token's user, which completes view-based activities. */
  viewPage(pageId: number): Promise<MoodleStatus> {
    return this.call('mod_page_view_page', { pageid: pageId }, statusSchema);
  }

  /** Never print the token, even by accident (`console.log(client)`, util.inspect). */
  toJSON(): { url: string } {
    return { url: this.url };
  }
}
