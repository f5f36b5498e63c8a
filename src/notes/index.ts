/** Notes to wiki, pure part: a facilitator's note becomes a page title and its wikitext. */
export { convertNote, detectFormat, NOTES_CATEGORY } from './convert.js';
export type { ConvertedNote, ConvertNoteOptions, NoteFormat, NoteMeta } from './convert.js';
export { NoteError, type NoteErrorCode } from './errors.js';
export { frontMatterSchema, splitFrontMatter, type FrontMatter } from './front-matter.js';
export { normalizeSource } from './normalize.js';
export { EMAIL_PLACEHOLDER, PHONE_PLACEHOLDER, removePersonalData, type PersonalDataRemoval } from './pii.js';
export { plainTextToMarkdown } from './plain-text.js';
export { SUMMARY_TEMPLATE_NAME, SUMMARY_TEMPLATE_PAGE, SUMMARY_TEMPLATE_WIKITEXT, summaryTemplateCall } from './template.js';
export { categoryName, DEFAULT_NOTE_TITLE, MAX_TITLE_BYTES, NOTE_PAGE_PREFIX, noteTitle, sanitizeTitle } from './title.js';
export { decodeNoteBytes, type DecodedNote, type NoteEncoding } from './decode.js';
export { isSameNote, type NoteIdentity } from './identity.js';
