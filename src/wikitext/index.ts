/** Generic wikitext helpers: escaping and Markdown conversion (used by notes and the curriculum publisher). */
export { escapePreformatted, escapeTemplateValue, escapeWikitext, sanitizeExternalUrl } from './escape.js';
export type { EscapeContext, EscapeOptions } from './escape.js';
export { markdownToWikitext, type MarkdownToWikitextOptions } from './markdown.js';
export { MIN_LINKED_TITLE_LENGTH, TitleLinker } from './title-links.js';
