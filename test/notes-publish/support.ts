/** Helpers for the notes publishing tests: the corpus, and reading back what the wiki shows. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { NoteInput } from '../../src/notes/queue.js';
import { readNoteBytes } from '../../src/notes/readers/index.js';
import { isNoteFile } from '../../src/notes/sources.js';
import type { WikiClient } from '../../src/wiki/client.js';
export { sentences } from '../support/note-sentences.js';

export const CORPUS_DIR = path.resolve(import.meta.dirname, '../fixtures/notes');
/** The corpus's notes (make-documents.ts, which writes its documents, is none). */
export const corpusFiles = (): string[] => readdirSync(CORPUS_DIR).filter(isNoteFile).sort();
/** Read once as the CLI reads files: bytes decoded (some minutes are Windows-1252), documents and pad exports read. */
const corpusTexts = new Map(await Promise.all(corpusFiles().map(async (f) => [f, (await readNoteBytes(readFileSync(path.join(CORPUS_DIR, f)), f)).text] as const)));
export const readCorpus = (file: string): string => corpusTexts.get(file) ?? '';
/** A corpus note as the CLI records it. */
export const corpusInput = (file: string): NoteInput => ({
  source: readCorpus(file), fileName: file, key: `file:${path.join(CORPUS_DIR, file)}`, origin: 'cli',
});

const parseSchema = z.object({
  parse: z.object({
    title: z.string(),
    text: z.string(),
    categories: z.array(z.object({ category: z.string() })),
    templates: z.array(z.object({ title: z.string(), exists: z.boolean().optional() })),
  }),
});

/** Plain text of rendered HTML: tags dropped, entities decoded, spaces collapsed. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    // Block boundaries separate words; inline tags (links, bold) do not.
    .replace(/<\/?(?:p|div|li|ul|ol|dl|dd|dt|tr|td|th|table|tbody|caption|h[1-6]|br|hr|pre|blockquote)\b[^>]*>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&')
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/\[\s*modifier(?: le code)?\s*\]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The page as the wiki renders it (action=parse): visible text, categories, templates used. */
export async function parsedPage(client: WikiClient, title: string): Promise<{ text: string; html: string; categories: string[]; templates: string[] }> {
  const raw = await client.request({ action: 'parse', page: title, prop: ['text', 'categories', 'templates'], disablelimitreport: true }, { method: 'GET' });
  const { parse } = parseSchema.parse(raw);
  return {
    html: parse.text,
    text: htmlToText(parse.text),
    categories: parse.categories.map((c) => c.category.replace(/_/g, ' ')),
    templates: parse.templates.map((t) => t.title),
  };
}

const revisionsSchema = z.object({
  query: z.object({ pages: z.array(z.object({ title: z.string(), missing: z.boolean().optional(), revisions: z.array(z.object({ revid: z.number(), user: z.string() })).optional() })) }),
});

/** Every revision of a page, oldest first. */
export async function revisionsOf(client: WikiClient, title: string): Promise<Array<{ revid: number; user: string }>> {
  const raw = await client.request({ action: 'query', prop: 'revisions', titles: title, rvprop: ['ids', 'user'], rvlimit: 'max', rvdir: 'newer' });
  return revisionsSchema.parse(raw).query.pages[0]?.revisions ?? [];
}

/** Titles of the note pages (`Comptes-rendus/…`) on the wiki. */
export async function notePageTitles(client: WikiClient): Promise<string[]> {
  return (await client.allPageTitles()).filter((t) => t.startsWith('Comptes-rendus/'));
}

/** Saves made by anyone (list=recentchanges), for counting edits. */
export async function editCount(client: WikiClient): Promise<number> {
  const raw = await client.request({ action: 'query', list: 'recentchanges', rctype: ['edit', 'new'], rclimit: 'max', rcprop: ['ids'] });
  return z.object({ query: z.object({ recentchanges: z.array(z.unknown()) }) }).parse(raw).query.recentchanges.length;
}

