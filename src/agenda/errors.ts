/** The agenda's refusals, each with a code callers branch on (GraphQL `extensions.code`). */
export type AgendaErrorCode =
  | 'BAD_USER_INPUT'
  | 'SESSION_NOT_FOUND'
  | 'REGISTRATION_NOT_FOUND'
  | 'REGISTRATION_ALREADY_CANCELLED'
  | 'ALREADY_REGISTERED'
  | 'ALREADY_PENDING'
  | 'CONFIRMATION_EXPIRED'
  | 'SESSION_CANCELLED'
  | 'REGISTRATION_CLOSED'
  | 'CAPACITY_BELOW_REGISTRATIONS';

/** A refusal in French for people; never carries personal data beyond what the caller sent. */
export class AgendaError extends Error {
  override readonly name = 'AgendaError';
  constructor(
    readonly code: AgendaErrorCode,
    message: string,
    /** Where in the input (field name), for forms. */
    readonly field?: string,
  ) {
    super(message);
  }
}
