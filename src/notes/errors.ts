/** Codes callers branch on (English); the message is written for facilitators (French). */
export type NoteErrorCode =
  /** The note has no text once front matter, separators and blank lines are removed. */
  | 'NOTE_EMPTY'
  /** The front matter is not valid YAML or a field has the wrong shape. */
  | 'NOTE_FRONT_MATTER_INVALID'
  /** No date in the front matter, the text, the file name, and no `now` was given. */
  | 'NOTE_NO_DATE'
  /** A "Date :" line at the top of the note that is not a date. */
  | 'NOTE_DATE_INVALID'
  /** The text holds U+FFFD replacement characters: a tool already lost the original letters. */
  | 'NOTE_UNREADABLE'
  /** Another note already goes to this page (see identity.ts). */
  | 'NOTE_PAGE_TAKEN'
  /** A file of a kind notes are not read from (.pdf, .rtf, .doc…; see readers/). */
  | 'NOTE_FILE_UNSUPPORTED'
  /** A document or pad export that could not be read (damaged, or not what its name says). */
  | 'NOTE_FILE_UNREADABLE';

/** A note that cannot be converted; `message` says in French what to fix. */
export class NoteError extends Error {
  constructor(
    readonly code: NoteErrorCode,
    message: string,
    /** The front matter field concerned, when there is one. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'NoteError';
  }
}
