/** Codes of progress errors; the gateway passes them on as GraphQL error codes. */
export type ProgressErrorCode =
  | 'UNKNOWN_MODULE'
  | 'MODULE_NOT_IN_MOODLE'
  | 'COMPLETION_NOT_MANUAL'
  | 'MOODLE_SESSION_EXPIRED'
  /** Moodle refused the learner's own write for another reason (its code is in the message). */
  | 'MOODLE_REFUSED'
  | 'UNKNOWN_LEARNER';

/** A progress operation refused for a reason the caller can act on. */
export class ProgressError extends Error {
  constructor(
    readonly code: ProgressErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProgressError';
  }
}
