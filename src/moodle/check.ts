import type { MoodleClient } from './client.js';
import { MoodleAuthError, MoodleAccessError, MoodleUnavailableError } from './errors.js';

/**
 * What is wrong with the Moodle settings, in French, each naming the setting to fix (never its
 * value when it is a secret). Empty when the token works and the course exists. Moodle being
 * unreachable is not a settings problem: it is reported apart (`unreachable`).
 */
export async function checkMoodleSettings(
  moodle: Pick<MoodleClient, 'getSiteInfo' | 'getCourse'>,
  courseId: number,
): Promise<{ problems: string[]; unreachable: boolean }> {
  try {
    await moodle.getSiteInfo();
  } catch (err) {
    if (err instanceof MoodleUnavailableError) return { problems: [], unreachable: true };
    if (err instanceof MoodleAuthError || err instanceof MoodleAccessError) {
      return { problems: [`MOODLE_TOKEN : Moodle refuse ce jeton (${err.code}). Créez un jeton pour le service de Pollen et mettez-le dans MOODLE_TOKEN.`], unreachable: false };
    }
    throw err;
  }
  try {
    if (!(await moodle.getCourse(courseId))) {
      return { problems: [`MOODLE_COURSE_ID=${courseId} : aucun cours de ce numéro dans Moodle (ou le jeton ne le voit pas). Donnez l’id du cours (course/view.php?id=…).`], unreachable: false };
    }
  } catch (err) {
    if (err instanceof MoodleUnavailableError) return { problems: [], unreachable: true };
    throw err;
  }
  return { problems: [], unreachable: false };
}
