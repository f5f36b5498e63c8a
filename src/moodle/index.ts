/** Pollen's typed client of Moodle's REST web services. */
export { MoodleClient, isReadFunction, type MoodleCallOptions, type MoodleClientOptions, type MoodleShapeLogger } from './client.js';
export { requestLoginToken, type RequestLoginTokenOptions } from './login.js';
export { resolveActivityIdnumbers } from './idnumbers.js';
export type { MoodleBatchRequest, MoodleBatchResult } from './batch.js';
export { encodeForm, encodeJsonArguments, encodeRestCall, flattenParams, type MoodleParams, type MoodleParamValue } from './encode.js';
export * from './errors.js';
export type * from './inputs.js';
export * from './schemas/index.js';
export { moodleSettingProblem, unknownCourseProblem, type MoodleSiteSettings } from './settings.js';
