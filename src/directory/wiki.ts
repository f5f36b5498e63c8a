/**
 * Publishes the directory to the wiki with the bots' etiquette (src/wiki/publish.ts: stop page,
 * {{nobots}}, a human edit is never overwritten). What was last saved is remembered per page
 * (hash of the text) in the store: an unchanged directory costs no wiki call at all. A page a
 * person edited gets the bot's version as `<page>/Brouillon du robot` instead.
 */
import { createHash } from 'node:crypto';
import type { WikiClient } from '../wiki/client.js';
import { publishPage, type PublishOutcome, type PublishRequest } from '../wiki/publish.js';
import { publishPagesEach, type PublishFailure } from '../wiki/publish-each.js';
import type { DirectoryService } from './service.js';
import {
  categoriesOf, categoryPageText, INDEX_PAGE, indexPageText, providerPageText, providerPageTitle, renamedPageText, retiredPageText, TEMPLATE_PAGE, templatePageText,
} from './wiki-pages.js';
import { de } from '../text/french.js';

export const DRAFT_SUFFIX = '/Brouillon du robot';

export interface DirectoryPublishReport {
  /** Pages whose text matched the last publication: not even read. */
  skipped: number;
  outcomes: PublishOutcome[];
  /** Pages the wiki refused, each with its French reason: the others went out all the same. */
  failures: PublishFailure[];
  drafts: string[];
  edits: number;
  apiCalls: number;
  halted: boolean;
}

const hashOf = (text: string) => createHash('sha256').update(text.replace(/\s+$/u, '')).digest('hex');

/** Every page the directory should have on the wiki right now. */
export async function directoryPages(directory: DirectoryService): Promise<Array<{ title: string; text: string; summary: string }>> {
  const listed = await directory.listed();
  const verified = await directory.recommendations(listed.map((p) => p.id), ['verified']);
  const pages = [
    { title: TEMPLATE_PAGE, text: templatePageText(), summary: 'Annuaire : modèle de fiche (robot Pollen)' },
    ...listed.map((p) => ({
      title: providerPageTitle(p),
      text: providerPageText(p, verified.filter((r) => r.providerId === p.id)),
      summary: `Annuaire : fiche ${de(p.name)} (${p.verifiedCount} recommandation${p.verifiedCount > 1 ? 's' : ''} vérifiée${p.verifiedCount > 1 ? 's' : ''}) (robot Pollen)`,
    })),
    { title: INDEX_PAGE, text: indexPageText(listed), summary: `Annuaire : liste des ${listed.length} structures recommandées (robot Pollen)` },
    ...[...categoriesOf(listed)].map(([title, label]) => ({ title, text: categoryPageText(label), summary: 'Annuaire : catégorie (robot Pollen)' })),
  ];
  // Providers no longer listed whose page the bot published before: marked as withdrawn.
  const listedIds = new Set(listed.map((p) => p.id));
  const published = new Set((await directory.db.selectFrom('directory_wiki_pages').select('title').execute()).map((r) => r.title));
  const current = new Set(pages.map((x) => x.title));
  for (const p of await directory.publishable()) {
    const title = providerPageTitle(p);
    if (!listedIds.has(p.id) && published.has(title) && !current.has(title)) {
      current.add(title);
      pages.push({ title, text: retiredPageText(p), summary: `Annuaire : ${p.name} ne figure plus dans l’annuaire (robot Pollen)` });
    }
    // A renamed provider's former pages: marked, pointing to its page while it is listed.
    for (const former of p.formerWikiTitles) {
      if (!published.has(former) || current.has(former)) continue;
      current.add(former);
      pages.push({ title: former, text: renamedPageText(p, listedIds.has(p.id)), summary: `Annuaire : ${p.name} a changé de nom (robot Pollen)` });
    }
  }
  return pages;
}

export async function publishDirectory(client: WikiClient, directory: DirectoryService, options: { dryRun?: boolean } = {}): Promise<DirectoryPublishReport> {
  const callsBefore = client.stats.apiCalls;
  const pages = await directoryPages(directory);
  const known = new Map((await directory.db.selectFrom('directory_wiki_pages').select(['title', 'text_hash']).execute()).map((r) => [r.title, r.text_hash]));
  // An empty directory never published stays off the wiki (no empty index on a fresh install).
  if (known.size === 0 && !pages.some((p) => p.title.startsWith(`${INDEX_PAGE}/`))) {
    return { skipped: pages.length, outcomes: [], failures: [], drafts: [], edits: 0, apiCalls: 0, halted: false };
  }
  const due = pages.filter((p) => known.get(p.title) !== hashOf(p.text));
  const report: DirectoryPublishReport = { skipped: pages.length - due.length, outcomes: [], failures: [], drafts: [], edits: 0, apiCalls: 0, halted: false };
  if (due.length === 0) return report;

  const requests: PublishRequest[] = due.map((p) => ({ ...p, dryRun: options.dryRun === true }));
  // Each page on its own: a refused one is reported, the rest (a withdrawn provider's page
  // included) still goes out.
  const results = await publishPagesEach(client, requests);
  for (const [i, outcome] of results.entries()) {
    const page = due[i]!;
    if (outcome.status === 'failed') {
      report.failures.push(outcome);
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
  report.apiCalls = client.stats.apiCalls - callsBefore;
  return report;
}

async function remember(directory: DirectoryService, title: string, textHash: string, revid: number | null): Promise<void> {
  const now = new Date().toISOString();
  await directory.db
    .insertInto('directory_wiki_pages')
    .values({ title, text_hash: textHash, revid, published_at: now })
    .onConflict((oc) => oc.column('title').doUpdateSet({ text_hash: textHash, revid, published_at: now }))
    .execute();
}
