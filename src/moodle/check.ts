import type { MoodleClient } from './client.js';
import { MoodleUnavailableError } from './errors.js';
import { moodleSettingProblem, unknownCourseProblem } from './settings.js';

/**
 * What is wrong with the Moodle settings, in French, each naming the setting to fix (never its
 * value when it is a secret). Empty when the token works and the course exists. Moodle being
 * unreachable is reported apart (`unreachable`), with its sentence naming MOODLE_URL.
 */
export async function checkMoodleSettings(
  moodle: Pick<MoodleClient, 'getSiteInfo' | 'getCourse' | 'url'>,
  courseId: number,
): Promise<{ problems: string[]; unreachable: boolean }> {
  const settings = { url: moodle.url, courseId };
  try {
    await moodle.getSiteInfo();
    if (!(await moodle.getCourse(courseId))) return { problems: [unknownCourseProblem(courseId)], unreachable: false };
  } catch (err) {
    const problem = moodleSettingProblem(err, settings);
    if (!problem) throw err;
    const unreachable = err instanceof MoodleUnavailableError && (err.code === 'networkerror' || err.code === 'timeout');
    return { problems: [problem], unreachable };
  }
  return { problems: [], unreachable: false };
}
