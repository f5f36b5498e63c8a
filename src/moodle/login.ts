import { encodeForm } from './encode.js';
import { MoodleInvalidResponseError, MoodleLoginError, scrubSecrets } from './errors.js';
import { postForm } from './http.js';
import { loginErrorSchema, loginTokenSchema, type MoodleLoginToken } from './schemas/site.js';

export interface RequestLoginTokenOptions {
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Defaults to 15 000 ms. */
  timeoutMs?: number;
}

/**
 * Asks Moodle for a learner's web-service token: `POST {url}/login/token.php` with username,
 * password and service (the official mobile service by default, the one learners may use).
 * Never retried (each success may create a token). The password never appears in an error.
 *
 * @throws MoodleLoginError with Moodle's errorcode (`invalidlogin`…) when Moodle refuses.
 * @throws MoodleUnavailableError when Moodle cannot be reached.
 */
export async function requestLoginToken(
  url: string,
  username: string,
  password: string,
  service = 'moodle_mobile_app',
  options: RequestLoginTokenOptions = {},
): Promise<MoodleLoginToken> {
  const label = 'login/token.php';
  const secrets = [password];
  const body = await postForm(
    `${url.replace(/\/+$/, '')}/login/token.php`,
    encodeForm([
      ['username', username],
      ['password', password],
      ['service', service],
    ]),
    { fetch: options.fetch ?? fetch, timeoutMs: options.timeoutMs ?? 15_000, maxRetries: 0, retryDelayMs: 0, secrets, label },
  );
  const refused = loginErrorSchema.safeParse(body);
  if (refused.success) {
    const { errorcode, error } = refused.data;
    throw new MoodleLoginError(scrubSecrets(`Moodle refused the login of ${username}: ${error} [${errorcode}]`, secrets), {
      code: errorcode,
      wsfunction: label,
      debugInfo: refused.data.debuginfo ? scrubSecrets(refused.data.debuginfo, secrets) : undefined,
    });
  }
  const granted = loginTokenSchema.safeParse(body);
  if (!granted.success) {
    throw MoodleInvalidResponseError.fromIssues(label, granted.error.issues);
  }
  return granted.data;
}
