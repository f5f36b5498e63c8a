/**
 * Typed Moodle errors. Moodle answers errors with HTTP 200 and a body
 * `{exception, errorcode, message, debuginfo?}`; callers branch on the class or on `code`
 * (Moodle's `errorcode`), never on message text.
 *
 * Secrets: messages are scrubbed of the token (and, at login, of the password) before they are
 * stored. `debugInfo` (may contain SQL when the site has debugging on) is kept off the message
 * and is a non-enumerable property, so JSON serialisation and loggers do not print it.
 */

/** Codes this module produces itself, beside the `errorcode`s Moodle sends. */
export const LOCAL_ERROR_CODES = {
  /** The answer did not match the schema recorded from the real Moodle. */
  invalidResponse: 'invalidresponse',
  /** The connection failed (DNS, refused, reset). */
  network: 'networkerror',
  /** No answer within `timeoutMs`. */
  timeout: 'timeout',
  /** HTTP status other than 200 (Moodle itself always answers 200, even for errors). */
  http: 'httperror',
  /** The body was not JSON (a PHP fatal error page, a proxy's HTML page…). */
  notJson: 'invalidjson',
} as const;

export interface MoodleErrorDetails {
  /** Moodle's `errorcode`, or one of LOCAL_ERROR_CODES. */
  code: string;
  /** Moodle's exception class, e.g. `dml_missing_record_exception`; empty when not from Moodle. */
  exception?: string | undefined;
  /** The web-service function that failed, when known. */
  wsfunction?: string | undefined;
  /** Moodle's debuginfo: kept for diagnosis, never put in the message. */
  debugInfo?: string | undefined;
  cause?: unknown;
}

export class MoodleError extends Error {
  readonly code: string;
  readonly exception: string;
  readonly wsfunction: string | undefined;
  declare readonly debugInfo: string | undefined;

  constructor(message: string, details: MoodleErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = details.code;
    this.exception = details.exception ?? '';
    this.wsfunction = details.wsfunction;
    Object.defineProperty(this, 'debugInfo', { value: details.debugInfo, enumerable: false });
  }
}

/** The token is unknown, expired or not allowed (errorcode `invalidtoken`…): reconfigure or log in again. */
export class MoodleAuthError extends MoodleError {}

/** The token's user lacks a capability, or the function is not in the token's service. */
export class MoodleAccessError extends MoodleError {}

/**
 * A record does not exist (`invalidrecord`, `invalidrecordunknown`…). Moodle also answers
 * `invalidrecordunknown` for an unknown web-service function name.
 */
export class MoodleNotFoundError extends MoodleError {}

/** Moodle rejected a parameter (`invalidparameter`), e.g. a duplicate username or an unknown key. */
export class MoodleInvalidParameterError extends MoodleError {}

/** /login/token.php refused to issue a token (`invalidlogin`…). */
export class MoodleLoginError extends MoodleError {}

/** Moodle could not be reached or did not answer in JSON: network failure, timeout, HTTP 5xx. */
export class MoodleUnavailableError extends MoodleError {
  /** HTTP status when one was received. */
  readonly httpStatus: number | undefined;
  constructor(message: string, details: MoodleErrorDetails & { httpStatus?: number | undefined }) {
    super(message, details);
    this.httpStatus = details.httpStatus;
  }
}

/** Moodle answered, but not in the shape recorded from the real Moodle (code `invalidresponse`). */
export class MoodleInvalidResponseError extends MoodleError {
  /** Where the answer differs, as `path: problem` lines (no values: they may be personal data). */
  readonly issues: string[];
  constructor(wsfunction: string, issues: string[]) {
    super(
      `Moodle answered ${wsfunction} in an unexpected shape (${issues.slice(0, 3).join('; ')}). ` +
        'The Moodle version may differ from the one Pollen was built against.',
      { code: LOCAL_ERROR_CODES.invalidResponse, wsfunction },
    );
    this.issues = issues;
  }

  /** From zod's issues: paths and problems only, never the offending values. */
  static fromIssues(
    wsfunction: string,
    issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
  ): MoodleInvalidResponseError {
    return new MoodleInvalidResponseError(
      wsfunction,
      issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`),
    );
  }
}

export type MoodleErrorClass = new (message: string, details: MoodleErrorDetails) => MoodleError;

const CLASS_BY_CODE: Record<string, MoodleErrorClass> = {
  invalidtoken: MoodleAuthError,
  invalidtimedtoken: MoodleAuthError,
  nopermissions: MoodleAccessError,
  accessexception: MoodleAccessError,
  requireloginerror: MoodleAccessError,
  invalidrecord: MoodleNotFoundError,
  invalidrecordunknown: MoodleNotFoundError,
  invalidcourseid: MoodleNotFoundError,
  invalidcoursemodule: MoodleNotFoundError,
  invaliduser: MoodleNotFoundError,
  invaliduserid: MoodleNotFoundError,
  invalidparameter: MoodleInvalidParameterError,
  invalidlogin: MoodleLoginError,
};

// Fallback on the exception class when the errorcode is not listed above.
const CLASS_BY_EXCEPTION: Array<[RegExp, MoodleErrorClass]> = [
  [/required_capability_exception$|webservice_access_exception$|require_login_exception$/, MoodleAccessError],
  [/dml_missing_record_exception$/, MoodleNotFoundError],
  [/invalid_parameter_exception$/, MoodleInvalidParameterError],
];

/** The class Moodle's errorcode (or exception class) maps to; MoodleError for the others. */
export function errorClassFor(code: string, exception = ''): MoodleErrorClass {
  const byCode = CLASS_BY_CODE[code];
  if (byCode) return byCode;
  for (const [pattern, errorClass] of CLASS_BY_EXCEPTION) if (pattern.test(exception)) return errorClass;
  return MoodleError;
}

// What a person can do about it, appended to the message.
const HINTS = new Map<MoodleErrorClass, string>([
  [MoodleAuthError, '. Check the Moodle token (MOODLE_TOKEN) or log in again.'],
  [MoodleAccessError, ". The token's user or service lacks this right: add the function to the service or the capability to the role."],
]);

/** The error body of the REST server: `{exception, errorcode, message, debuginfo?}`. */
export interface MoodleExceptionBody {
  exception: string;
  errorcode: string;
  message: string;
  debuginfo?: string | undefined;
}

/** True when a decoded REST answer is an error rather than a result. */
export function isMoodleExceptionBody(body: unknown): body is MoodleExceptionBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    typeof (body as Record<string, unknown>).exception === 'string' &&
    typeof (body as Record<string, unknown>).errorcode === 'string'
  );
}

/** Builds the typed error for a Moodle error body, with secrets scrubbed. */
export function errorFromExceptionBody(
  body: { errorcode: string; message?: unknown; exception?: unknown; debuginfo?: unknown },
  wsfunction: string | undefined,
  secrets: readonly string[],
): MoodleError {
  const exception = typeof body.exception === 'string' ? body.exception : '';
  const moodleMessage = typeof body.message === 'string' ? body.message : body.errorcode;
  const where = wsfunction ? ` (${wsfunction})` : '';
  const ErrorClass = errorClassFor(body.errorcode, exception);
  const hint = HINTS.get(ErrorClass) ?? '';
  return new ErrorClass(scrubSecrets(`Moodle refused the request${where}: ${moodleMessage} [${body.errorcode}]${hint}`, secrets), {
    code: body.errorcode,
    exception,
    wsfunction,
    debugInfo: typeof body.debuginfo === 'string' ? scrubSecrets(body.debuginfo, secrets) : undefined,
  });
}

/** Replaces every secret (and its URL-encoded form) in a text with `[redacted]`. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    for (const form of new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)])) {
      scrubbed = scrubbed.split(form).join('[redacted]');
    }
  }
  return scrubbed;
}
