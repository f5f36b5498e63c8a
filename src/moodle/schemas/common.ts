import { z } from 'zod';

/**
 * Moodle's `warnings` array (external_warnings). Every recorded answer has it empty, so only
 * the documented field names are typed, all optional, and unknown keys are kept.
 */
export const warningsSchema = z.array(
  z.looseObject({
    item: z.string().optional(),
    itemid: z.number().optional(),
    warningcode: z.string().optional(),
    message: z.string().optional(),
  }),
);
export type MoodleWarning = z.infer<typeof warningsSchema>[number];

/** `{status, warnings}`: the answer of actions such as manual completion and page views. */
export const statusSchema = z.object({ status: z.boolean(), warnings: warningsSchema });
export type MoodleStatus = z.infer<typeof statusSchema>;

/** Moodle's `{name, value}` option pairs; the value is a number or a string depending on the option. */
export const nameValueSchema = z.object({ name: z.string(), value: z.union([z.number(), z.string()]) });
