import { z } from 'zod';

/**
 * tool_mobile_call_external_functions: one answer per request, in order. `data` (success) and
 * `exception` (failure) are JSON strings to decode in turn; one failure does not fail the batch.
 */
export const batchResponseSchema = z.object({
  responses: z.array(
    z.object({
      error: z.boolean(),
      data: z.string().optional(),
      exception: z.string().optional(),
    }),
  ),
});
export type MoodleBatchResponse = z.infer<typeof batchResponseSchema>;

/** The decoded `exception` of a failed request in a batch (no `exception` class name there). */
export const batchExceptionSchema = z.object({
  errorcode: z.string(),
  message: z.string(),
  exception: z.string().optional(),
  debuginfo: z.string().optional(),
  link: z.string().optional(),
  moreinfourl: z.string().optional(),
});
