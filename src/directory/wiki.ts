/**
 * Publishes the directory to the wiki with the bots' etiquette (src/wiki/publish.ts: stop page,
 * {{nobots}}, a human edit is never overwritten), a slice of pages at a time: each slice is read
 * from the store, built, compared with the hash of what was last saved on each page (kept in the
 * store, `directory_wiki_pages`), and only its changed pages go to the wiki; then the event loop
 * is handed back. An unchanged directory costs no wiki call at all, and memory holds one slice
 * plus the index's rows, whatever the directory's size. A page a person edited gets the bot's
 * version as `<page>/Brouillon du robot` instead.
 */
import { createHash } from 'node:crypto';
import type { WikiClient } from '../wiki/client.js';
import { publishPage, type PublishOutcome, type PublishRequest } from '../wiki/publish.js';
import { publishPagesEach, type PublishFailure } from '../wiki/publish-each.js';
import { chunks } from '../store/chunks.js';
import type { DirectoryService } from './service.js';
import { toProvider } from './store.js';
import { yieldToEventLoop } from '../jobs/steps.js';
import { emptyIndexPageText, groupPages, indexEntry, indexGroups, REGION_INDEX_PREFIX, rootPage, type IndexEntry } from './wiki-index.js';
import {
  addCategoriesOf, categoryPageText, providerPageText, providerPageTitle, renamedPageText, retiredPageText, TEMPLATE_PAGE, templatePageText,
} from './wiki-pages.js';
import { de } from '../text/french.js';

export const DRAFT_SUFFIX = '/Brouillon du robot';
/** Pages built, compared and published together: a few tens of milliseconds of work. */
export const DEFAULT_SLICE_SIZE = 20;

export interface DirectoryWikiPage {
  title: string;
  text: string;
  summary: string;
}

export interface DirectoryPublishProgress {
  /** Pages built and compared so far. */
  checked: number;
  /** Pages saved (created or updated) so far. */
  edits: number;
  /** Pages the wiki refused so far. */
  failed: number;
  slices: number;
}

export interface DirectoryPublishOptions {
  dryRun?: boolean;
  /** POLLEN_PUBLIC_URL: each fiche links the provider's public page and recommendation form. */
  publicUrl?: string | undefined;
  /** Pages per slice (default 20). */
  sliceSize?: number;
  /** Told after each slice (the gateway logs progress from it). */
  onProgress?: (progress: DirectoryPublishProgress) => void;
  /** Between slices (default: hand the event loop back once). */
  pause?: () => Promise<void>;
}

export interface DirectoryPublishReport extends DirectoryPublishProgress {
  /** Pages whose text matched the last publication: not even read. */
  skipped: number;
  outcomes: PublishOutcome[];
  /** Pages the wiki refused, each with its French reason: the others went out all the same. */
  failures: PublishFailure[];
  drafts: string[];
  apiCalls: number;
  halted: boolean;
}

const hashOf = (text: string) => createHash('sha256').update(text.replace(/\s+$/u, '')).digest('hex');

function plural(n: number, word: string): string {
  return `${n} ${word}${n > 1 ? 's' : ''}`;
}

/** Titles among `titles` the bot has published before. */
async function publishedAmong(directory: DirectoryService, titles: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const chunk of chunks(titles)) {
    if (chunk.length === 0) continue;
    for (const r of await directory.db.selectFrom('directory_wiki_pages').select('title').where('title', 'in', chunk).execute()) out.add(r.title);
  }
  return out;
}

/**
 * The pages the directory should have on the wiki right now, `sliceSize` at a time: the
 * template, each listed provider's fiche (by name), the index pages, the category pages, then
 * the pages of providers no longer listed and of former names.
 */
export async function* directoryPageSlices(directory: DirectoryService, options: Pick<DirectoryPublishOptions, 'publicUrl' | 'sliceSize'> = {}): AsyncGenerator<DirectoryWikiPage[]> {
  const size = options.sliceSize ?? DEFAULT_SLICE_SIZE;
  const db = directory.db;
  // An empty directory never published stays off the wiki (no empty index on a fresh install).
  const anyListed = await db.selectFrom('directory_providers').select('id').where('listed', '=', 1).limit(1).executeTakeFirst();
  const anyPublished = await db.selectFrom('directory_wiki_pages').select('title').limit(1).executeTakeFirst();
  if (!anyListed && !anyPublished) return;
  yield [{ title: TEMPLATE_PAGE, text: templatePageText(), summary: 'Annuaire : modèle de fiche (robot Pollen)' }];

  const entries: IndexEntry[] = [];
  const categories = new Map<string, string>();
  let after: { nameKey: string; id: number } | null = null;
  for (;;) {
    let query = db.selectFrom('directory_providers').selectAll().where('listed', '=', 1);
    if (after) {
      const { nameKey, id } = after;
      query = query.where((eb) => eb.or([eb('name_key', '>', nameKey), eb.and([eb('name_key', '=', nameKey), eb('id', '>', id)])]));
    }
    const rows = await query.orderBy('name_key').orderBy('id').limit(size).execute();
    if (rows.length === 0) break;
    after = { nameKey: rows.at(-1)!.name_key, id: Number(rows.at(-1)!.id) };
    const providers = rows.map(toProvider);
    const verified = await directory.recommendations(providers.map((p) => p.id), ['verified']);
    yield providers.map((p, i) => {
      entries.push(indexEntry(p, rows[i]!.name_key));
      addCategoriesOf(p, categories);
      return {
        title: providerPageTitle(p),
        text: providerPageText(p, verified.filter((r) => r.providerId === p.id), { publicUrl: options.publicUrl }),
        summary: `Annuaire : fiche ${de(p.name)} (${plural(p.verifiedCount, 'recommandation')} ${p.verifiedCount > 1 ? 'vérifiées' : 'vérifiée'}) (robot Pollen)`,
      };
    });
  }

  // The index a group at a time (each group's lists, then the root that links them).
  const current = new Set<string>();
  const rootLines: string[] = [];
  for (const [group, list] of indexGroups(entries)) {
    const built = groupPages(group, list);
    rootLines.push(...built.rootLines);
    for (const p of built.pages) current.add(p.title);
    for (const slice of chunks(built.pages, size)) yield slice;
  }
  yield [rootPage(entries.length, rootLines)];
  // Index pages of a former split (a région gone, letters merged back): they say so.
  const formerIndex = await db.selectFrom('directory_wiki_pages').select('title').where('title', 'like', `${REGION_INDEX_PREFIX}%`).execute();
  const emptied = formerIndex.filter(({ title }) => !current.has(title)).map(({ title }) => ({ title, text: emptyIndexPageText(), summary: 'Annuaire : plus aucune structure sur cette liste (robot Pollen)' }));
  for (const slice of chunks(emptied, size)) yield slice;
  const categoryPages = [...categories].map(([title, label]) => ({ title, text: categoryPageText(label), summary: 'Annuaire : catégorie (robot Pollen)' }));
  for (const slice of chunks(categoryPages, size)) yield slice;

  // Providers no longer listed whose page the bot published before: marked as withdrawn. A
  // renamed provider's former pages: marked, pointing to its page while it is listed.
  let afterId = 0;
  for (;;) {
    const rows = await db.selectFrom('directory_providers').selectAll()
      .where((eb) => eb.or([eb('listed', '=', 0), eb('former_wiki_titles', '!=', '[]')]))
      .where('id', '>', afterId).orderBy('id').limit(size).execute();
    if (rows.length === 0) break;
    afterId = Number(rows.at(-1)!.id);
    const providers = rows.map(toProvider);
    const published = await publishedAmong(directory, providers.flatMap((p) => [providerPageTitle(p), ...p.formerWikiTitles]));
    const pages: DirectoryWikiPage[] = [];
    for (const p of providers) {
      if (!p.listed && published.has(providerPageTitle(p))) {
        pages.push({ title: providerPageTitle(p), text: retiredPageText(p), summary: `Annuaire : ${p.name} ne figure plus dans l’annuaire (robot Pollen)` });
      }
      for (const former of p.formerWikiTitles) {
        if (published.has(former)) pages.push({ title: former, text: renamedPageText(p, p.listed), summary: `Annuaire : ${p.name} a changé de nom (robot Pollen)` });
      }
    }
    if (pages.length) yield pages;
  }
}

/** Every page the directory should have on the wiki right now (small directories, specs). */
export async function directoryPages(directory: DirectoryService, options: Pick<DirectoryPublishOptions, 'publicUrl'> = {}): Promise<DirectoryWikiPage[]> {
  const pages: DirectoryWikiPage[] = [];
  for await (const slice of directoryPageSlices(directory, options)) pages.push(...slice);
  return pages;
}

export async function publishDirectory(client: WikiClient, directory: DirectoryService, options: DirectoryPublishOptions = {}): Promise<DirectoryPublishReport> {
  const callsBefore = client.stats.apiCalls;
  const pause = options.pause ?? yieldToEventLoop;
  const report: DirectoryPublishReport = { checked: 0, skipped: 0, slices: 0, outcomes: [], failures: [], failed: 0, drafts: [], edits: 0, apiCalls: 0, halted: false };
  for await (const slice of directoryPageSlices(directory, options)) {
    report.slices++;
    report.checked += slice.length;
    const known = new Map((await directory.db.selectFrom('directory_wiki_pages').select(['title', 'text_hash']).where('title', 'in', slice.map((p) => p.title)).execute()).map((r) => [r.title, r.text_hash]));
    const due = slice.filter((p) => known.get(p.title) !== hashOf(p.text));
    report.skipped += slice.length - due.length;
    if (due.length > 0) await publishSlice(client, directory, due, options, report);
    options.onProgress?.({ checked: report.checked, edits: report.edits, failed: report.failed, slices: report.slices });
    if (report.halted) break;
    await pause();
  }
  report.apiCalls = client.stats.apiCalls - callsBefore;
  return report;
}

async function publishSlice(client: WikiClient, directory: DirectoryService, due: readonly DirectoryWikiPage[], options: DirectoryPublishOptions, report: DirectoryPublishReport): Promise<void> {
  const requests: PublishRequest[] = due.map((p) => ({ ...p, dryRun: options.dryRun === true }));
  // Each page on its own: a refused one is reported, the rest (a withdrawn provider's page
  // included) still goes out.
  const results = await publishPagesEach(client, requests);
  for (const [i, outcome] of results.entries()) {
    const page = due[i]!;
    if (outcome.status === 'failed') {
      report.failures.push(outcome);
      report.failed++;
      continue;
    }
    report.outcomes.push(outcome);
    if (outcome.status === 'stopped') report.halted = true;
    if (outcome.revid !== undefined) report.edits++;
    if (options.dryRun) continue;
    if (outcome.status === 'created' || outcome.status === 'updated' || outcome.status === 'unchanged') {
      await remember(directory, page.title, hashOf(page.text), outcome.revid ?? null);
    } else if (outcome.status === 'conflict' && !report.halted) {
      const draft = await publishPage(client, { title: `${page.title}${DRAFT_SUFFIX}`, text: page.text, summary: `${page.summary} — brouillon : la page a été modifiée par une personne` });
      if (draft.revid !== undefined) report.edits++;
      if (draft.status === 'created' || draft.status === 'updated' || draft.status === 'unchanged') report.drafts.push(draft.title);
    }
  }
}

async function remember(directory: DirectoryService, title: string, textHash: string, revid: number | null): Promise<void> {
  const now = new Date().toISOString();
  await directory.db
    .insertInto('directory_wiki_pages')
    .values({ title, text_hash: textHash, revid, published_at: now })
    .onConflict((oc) => oc.column('title').doUpdateSet({ text_hash: textHash, revid, published_at: now }))
    .execute();
}
