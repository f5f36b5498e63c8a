/**
 * A Moodle error met with the site's own settings (MOODLE_URL, MOODLE_TOKEN, MOODLE_COURSE_ID),
 * said in French with the setting to check and what to do. One wording for every path a person
 * reads it on: the gateway's start, /health, GraphQL errors and the bots. Never the token.
 * Errors met with a learner's own token are not about these settings: do not pass them here.
 */
import {
  LOCAL_ERROR_CODES,
  MoodleAccessError,
  MoodleAuthError,
  MoodleError,
  MoodleNotFoundError,
  MoodleUnavailableError,
} from './errors.js';

/** Which settings the failing client was built from (the token is never needed, only named). */
export interface MoodleSiteSettings {
  /** MOODLE_URL. */
  url: string;
  /** MOODLE_COURSE_ID. */
  courseId: number;
}

/** Functions whose only record to find is the configured course: a not-found there is MOODLE_COURSE_ID. */
const COURSE_FUNCTIONS = new Set([
  'core_enrol_get_enrolled_users',
  'core_course_get_contents',
  'core_course_get_courses',
  'core_course_get_courses_by_field',
  'core_course_get_updates_since',
  'core_completion_get_activities_completion_status',
  'core_completion_get_course_completion_status',
]);

/** The French sentence for a missing course, also used when Moodle answers an empty list. */
export function unknownCourseProblem(courseId: number): string {
  return (
    `MOODLE_COURSE_ID=${courseId} : aucun cours de ce numéro dans Moodle (ou le jeton de MOODLE_TOKEN ne le voit pas). ` +
    'Vérifiez MOODLE_COURSE_ID : c’est le nombre après id= dans l’adresse du cours (course/view.php?id=…).'
  );
}

/** The origin of MOODLE_URL, without any user or password it might carry. */
function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return 'l’adresse donnée';
  }
}

/**
 * What the error says about the settings, in French, naming the setting and what to check.
 * Undefined for errors that are not about the settings (a learner's refusal, a bad argument...).
 */
export function moodleSettingProblem(error: unknown, settings: MoodleSiteSettings): string | undefined {
  if (!(error instanceof MoodleError)) return undefined;
  const code = error.code;
  if (error instanceof MoodleAuthError) {
    return (
      `MOODLE_TOKEN : Moodle refuse ce jeton (code ${code}). Vérifiez MOODLE_TOKEN : il doit être un jeton valide, ` +
      'non expiré, du service web de Pollen (Administration du site > Serveur > Services web > Gérer les jetons), ' +
      'et les services web doivent être activés.'
    );
  }
  if (error instanceof MoodleAccessError) {
    const what = error.wsfunction ? ` d’appeler ${error.wsfunction}` : '';
    return (
      `MOODLE_TOKEN : le jeton n’a pas le droit${what} (code ${code}). Vérifiez MOODLE_TOKEN et son service web : ` +
      'la fonction doit figurer dans le service du jeton, et son utilisateur·rice avoir la capacité voulue dans le cours.'
    );
  }
  if (error instanceof MoodleNotFoundError && (code === 'invalidcourseid' || (error.wsfunction !== undefined && COURSE_FUNCTIONS.has(error.wsfunction)))) {
    return unknownCourseProblem(settings.courseId);
  }
  if (error instanceof MoodleUnavailableError) {
    const url = shownUrl(settings.url);
    if (code === LOCAL_ERROR_CODES.network || code === LOCAL_ERROR_CODES.timeout) {
      return `MOODLE_URL : Moodle ne répond pas à ${url} (code ${code}). Vérifiez MOODLE_URL et que Moodle est démarré et joignable depuis Pollen.`;
    }
    return (
      `MOODLE_URL : ${url} ne répond pas comme un Moodle (code ${code}${error.httpStatus ? `, HTTP ${error.httpStatus}` : ''}). ` +
      'Vérifiez MOODLE_URL (l’adresse de la racine du site, sans /webservice ni /login) et que le protocole REST des services web est activé.'
    );
  }
  return undefined;
}
