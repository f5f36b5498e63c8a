/** Codes of progress errors; the gateway passes them on as GraphQL error codes. */
export type ProgressErrorCode =
  | 'UNKNOWN_MODULE'
  | 'MODULE_NOT_IN_MOODLE'
  | 'COMPLETION_NOT_MANUAL'
  | 'MOODLE_SESSION_EXPIRED'
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
