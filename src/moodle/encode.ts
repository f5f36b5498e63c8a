/**
 * Moodle's REST server reads parameters the way PHP reads a form: nested structures are spelled
 * in bracket notation (`courses[0][fullname]=…`, `options[ids][0]=2`). This module turns a plain
 * object into those key/value pairs and into a form body.
 */

/** A value Moodle can receive as a web-service parameter. */
export type MoodleParamValue =
  | string
  | number
  | boolean
  | Date
  | null
  | undefined
  | readonly MoodleParamValue[]
  | { readonly [key: string]: MoodleParamValue };

/** The parameters of one web-service function, by name. */
export type MoodleParams = { readonly [name: string]: MoodleParamValue };

/**
 * Flattens parameters into ordered `[key, value]` pairs in PHP bracket notation.
 *
 * - booleans become `1` / `0` (what Moodle's PARAM_BOOL and PARAM_INT expect);
 * - dates become Unix timestamps in seconds (Moodle's time format);
 * - `null` and `undefined` are left out, so optional parameters can simply be omitted;
 * - empty arrays and objects produce nothing (a form body cannot spell an empty PHP array).
 */
export function flattenParams(params: MoodleParams): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(params)) appendValue(pairs, name, value);
  return pairs;
}

function appendValue(pairs: Array<[string, string]>, key: string, value: MoodleParamValue): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'boolean') {
    pairs.push([key, value ? '1' : '0']);
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`Moodle parameter ${key} is not a finite number`);
    pairs.push([key, String(value)]);
  } else if (typeof value === 'string') {
    pairs.push([key, value]);
  } else if (value instanceof Date) {
    pairs.push([key, String(Math.floor(value.getTime() / 1000))]);
  } else if (isArray(value)) {
    value.forEach((item, index) => appendValue(pairs, `${key}[${index}]`, item));
  } else {
    for (const [name, item] of Object.entries(value)) appendValue(pairs, `${key}[${name}]`, item);
  }
}

// Array.isArray does not narrow readonly arrays out of a union.
function isArray(value: unknown): value is readonly MoodleParamValue[] {
  return Array.isArray(value);
}

/** Encodes pairs as an `application/x-www-form-urlencoded` body (spaces as `+`, like PHP). */
export function encodeForm(pairs: ReadonlyArray<readonly [string, string]>): string {
  const form = new URLSearchParams();
  for (const [key, value] of pairs) form.append(key, value);
  return form.toString();
}

/**
 * The form body of one REST call, token first. The token is only ever placed here, in the
 * request body: never in the URL, so it cannot leak through proxies' access logs or errors
 * that quote the URL.
 */
export function encodeRestCall(token: string, wsfunction: string, params: MoodleParams): string {
  return encodeForm([
    ['wstoken', token],
    ['wsfunction', wsfunction],
    ['moodlewsrestformat', 'json'],
    ...flattenParams(params),
  ]);
}

/**
 * The `arguments` of one request in tool_mobile_call_external_functions: the parameters as a
 * JSON string. Same conventions as the form encoding for dates and missing values.
 */
export function encodeJsonArguments(params: MoodleParams): string {
  return JSON.stringify(toJsonValue(params));
}

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

function toJsonValue(value: MoodleParamValue): JsonValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Math.floor(value.getTime() / 1000);
  if (isArray(value)) return value.map(toJsonValue);
  if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== null && item !== undefined);
    return Object.fromEntries(entries.map(([key, item]) => [key, toJsonValue(item)]));
  }
  return value;
}
