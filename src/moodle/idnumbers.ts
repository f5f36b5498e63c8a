import type { MoodleClient } from './client.js';
import { MoodleInvalidResponseError } from './errors.js';
import { courseModuleResponseSchema } from './schemas/course.js';

/**
 * Resolves a course's activity idnumbers to cmids. core_course_get_contents lists every cmid but
 * never an idnumber; core_course_get_course_module gives the idnumber of one cmid. So: one call
 * for the contents, then one lookup per cmid, grouped by callEach (one HTTP request per batch
 * with the mobile service, a few concurrent calls otherwise).
 *
 * core_course_get_updates_since does not help here: it reports which cmids changed (area
 * `configuration` with `timeupdated`), never their idnumber. It can tell a cache which cmids to
 * look up again.
 */
export async function resolveActivityIdnumbers(
  client: Pick<MoodleClient, 'getCourseContents' | 'callEach'>,
  courseId: number,
): Promise<Map<string, number>> {
  const sections = await client.getCourseContents(courseId);
  const cmids = [...new Set(sections.flatMap((section) => section.modules.map((module) => module.id)))];
  const results = await client.callEach(
    'core_course_get_course_module',
    cmids.map((cmid) => ({ cmid })),
    courseModuleResponseSchema,
  );
  const idnumbers = new Map<string, number>();
  for (const result of results) {
    // An activity Moodle describes in a shape Pollen cannot read (logged by the client) simply has
    // no idnumber here: one odd activity never fails the course.
    if (!result.ok && result.error instanceof MoodleInvalidResponseError) continue;
    if (!result.ok) throw result.error;
    const { idnumber, id } = result.data.cm;
    if (idnumber !== '') idnumbers.set(idnumber, id);
  }
  return idnumbers;
}
