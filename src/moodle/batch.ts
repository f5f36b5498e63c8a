import type { z } from 'zod';
import type { MoodleParams } from './encode.js';
import { errorFromExceptionBody, MoodleInvalidResponseError, type MoodleError } from './errors.js';
import { batchExceptionSchema, type MoodleBatchResponse } from './schemas/batch.js';

/** The outcome of one request of a batch: one failure does not fail the others. */
export type MoodleBatchResult<T = unknown> = { ok: true; data: T } | { ok: false; error: MoodleError };

/** One request of a batch: a web-service function and its parameters. */
export interface MoodleBatchRequest {
  wsfunction: string;
  args: MoodleParams;
}

/**
 * Decodes one answer of tool_mobile_call_external_functions: `data` and `exception` are JSON
 * strings. A failure becomes the same typed error a direct call would have thrown.
 */
export function decodeBatchAnswer(
  answer: MoodleBatchResponse['responses'][number],
  wsfunction: string,
  secrets: readonly string[],
): MoodleBatchResult {
  if (answer.error) {
    const decoded = batchExceptionSchema.safeParse(parseJson(answer.exception));
    if (!decoded.success) return { ok: false, error: MoodleInvalidResponseError.fromIssues(wsfunction, decoded.error.issues) };
    return { ok: false, error: errorFromExceptionBody(decoded.data, wsfunction, secrets) };
  }
  // A function whose result is null may come back without `data`.
  const data = answer.data === undefined ? null : parseJson(answer.data);
  if (data === INVALID_JSON) {
    return { ok: false, error: new MoodleInvalidResponseError(wsfunction, ['data: not JSON']) };
  }
  return { ok: true, data };
}

/** Validates a successful batch answer with the function's schema. */
export function parseBatchResult<S extends z.ZodType>(
  result: MoodleBatchResult,
  wsfunction: string,
  schema: S,
): MoodleBatchResult<z.infer<S>> {
  if (!result.ok) return result;
  const parsed = schema.safeParse(result.data);
  return parsed.success
    ? { ok: true, data: parsed.data }
    : { ok: false, error: MoodleInvalidResponseError.fromIssues(wsfunction, parsed.error.issues) };
}

const INVALID_JSON = Symbol('invalid JSON');

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return INVALID_JSON;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return INVALID_JSON;
  }
}

/** Maps items with at most `limit` promises running at once, keeping the order. */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}

/** Splits a list into chunks of at most `size` items. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
