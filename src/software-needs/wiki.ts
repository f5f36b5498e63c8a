/**
 * The commons' copy of needed software on the wiki, with the directory's rules (src/directory/
 * wiki.ts): a page per approved proposal (`Besoins logiciels/<Titre>`, a safe title kept in the
 * store) and the index `Besoins logiciels`, published with the bots' etiquette (stop page,
 * {{nobots}}, a human edit is never overwritten: the bot's version goes to
 * `<page>/Brouillon du robot`), a slice at a time, only the pages whose text changed since the
 * hash last saved (`software_need_wiki_pages`). French edit summaries. Names, notes and links
 * people gave are published (they were told so); e-mail addresses never are.
 */
import { de } from '../text/french.js';
import { createHash } from 'node:crypto';
import { chunks } from '../store/chunks.js';
import type { WikiClient } from '../wiki/client.js';
import { publishPage, type PublishOutcome, type PublishRequest } from '../wiki/publish.js';
import { publishPagesEach, type PublishFailure } from '../wiki/publish-each.js';
import { escapeWikitext, sanitizeExternalUrl } from '../wikitext/index.js';
import { KINDS, type Entry, type Proposal, type SoftwareNeedsService, type Totals } from './service.js';
import { INDEX_PAGE } from './wiki-title.js';

export const CATEGORY = 'Besoins logiciels';
export const DRAFT_SUFFIX = '/Brouillon du robot';
const SLICE = 20;

export interface NeedWikiPage {
  title: string;
  text: string;
  summary: string;
}

export interface NeedsPublishReport {
  checked: number;
  skipped: number;
  edits: number;
  failures: PublishFailure[];
  outcomes: PublishOutcome[];
  drafts: string[];
  halted: boolean;
}

const hashOf = (text: string) => createHash('sha256').update(text.replace(/\s+$/u, '')).digest('hex');
const inline = (text: string) => escapeWikitext(text.replace(/\s+/g, ' ').trim(), { atLineStart: false });

function associations(n: number): string {
  return `${n} association${n > 1 ? 's' : ''}`;
}

/** « 12 heures et 300 € promis par 2 associations (…) », or that nothing was pledged. */
export function pledgeWikitext(t: Totals): string {
  if (t.pledges === 0) return 'Aucune contribution annoncée pour l’instant.';
  const parts = [t.hours > 0 ? `${t.hours} heure${t.hours > 1 ? 's' : ''}` : '', t.euros > 0 ? `${t.euros} €` : ''].filter(Boolean);
  return `Contributions annoncées : ${parts.join(' et ')} promis par ${associations(t.pledges)} (promesses, non encaissées par Pollen).`;
}

function kindText(p: Proposal): string {
  return p.kind === 'fonctionnalite' ? `Fonctionnalité${p.software ? ` pour ${inline(p.software)}` : ''}` : `${KINDS.logiciel}${p.software ? ` (proche ${inline(de(p.software))})` : ''}`;
}

/** An approved proposal's page. */
export function proposalPageText(p: Proposal, totals: Totals, entries: readonly Entry[], publicUrl: string | undefined): string {
  const needs = entries.filter((e) => e.role === 'need');
  const offers = entries.filter((e) => e.role === 'offer');
  const page = publicUrl ? sanitizeExternalUrl(`${publicUrl.replace(/\/+$/, '')}/besoins-logiciels/${p.slug}`) : null;
  return [
    `'''${inline(p.title)}''' — ${kindText(p)}.`,
    '',
    '== Le besoin ==',
    escapeWikitext(p.description),
    '',
    '== Les associations qui en ont besoin ==',
    `${associations(needs.length)} ${needs.length > 1 ? 'en ont' : 'en a'} besoin.`,
    ...(needs.length ? ['', ...needs.map((e) => `* ${inline(e.name)}${e.note ? ` — ${inline(e.note)}` : ''}`)] : []),
    '',
    pledgeWikitext(totals),
    '',
    '== Qui pourrait le réaliser ==',
    ...(offers.length
      ? offers.map((e) => {
        const link = e.link ? sanitizeExternalUrl(e.link) : null;
        return `* ${link ? `[${link} ${inline(e.name)}]` : inline(e.name)}${e.note ? ` — ${inline(e.note)}` : ''}`;
      })
      : ['Personne ne s’est encore proposé.']),
    '',
    ...(page ? ['== Sur Pollen ==', `* [${page} Ce besoin sur Pollen] : ajouter le besoin de votre association, annoncer une contribution ou proposer de le réaliser.`, ''] : []),
    `Voir tous les [[${INDEX_PAGE}|besoins logiciels des associations]].`,
    '',
    `[[Catégorie:${CATEGORY}]]`,
  ].join('\n');
}

/** A page whose proposal is no longer published. */
export function withdrawnPageText(): string {
  return [
    'Ce besoin logiciel n’est plus publié sur Pollen (retiré par l’équipe d’animation).',
    '',
    `Voir tous les [[${INDEX_PAGE}|besoins logiciels des associations]].`,
  ].join('\n');
}

export function indexPageText(lines: readonly string[]): string {
  return [
    'Les logiciels libres et les fonctionnalités qui manquent aux associations, proposés sur Pollen, du plus demandé au moins demandé. Les contributions annoncées sont des promesses, non encaissées par Pollen. Cette liste est tenue par le robot Pollen.',
    '',
    ...(lines.length ? lines : ['Aucun besoin publié pour l’instant.']),
    '',
    `[[Catégorie:${CATEGORY}]]`,
  ].join('\n');
}

/** The pages needed software should have on the wiki now, a slice at a time. */
export async function* needPageSlices(service: SoftwareNeedsService, publicUrl?: string): AsyncGenerator<NeedWikiPage[]> {
  const db = service.db;
  const anyApproved = await db.selectFrom('software_needs').select('id').where('status', '=', 'approved').limit(1).executeTakeFirst();
  const anyPublished = await db.selectFrom('software_need_wiki_pages').select('title').limit(1).executeTakeFirst();
  // Nothing approved and nothing ever published: nothing to write (no empty index on a fresh install).
  if (!anyApproved && !anyPublished) return;
  const index: string[] = [];
  for (let page = 1; ; page++) {
    const list = await service.publicList({ page, pageSize: SLICE });
    if (list.items.length === 0 || list.page !== page) break;
    const ids = list.items.map((p) => p.id);
    const [totals, entries] = await Promise.all([service.totals(ids), service.entries(ids)]);
    yield list.items.map((p) => {
      const t = totals.get(p.id)!;
      index.push(`* [[${p.wikiTitle}|${inline(p.title)}]] — ${associations(p.associationCount)}${t.pledges ? ` ; ${t.hours} h et ${t.euros} € promis` : ''}`);
      return {
        title: p.wikiTitle!,
        text: proposalPageText(p, t, entries.filter((e) => e.needId === p.id), publicUrl),
        summary: `Besoins logiciels : « ${p.title.slice(0, 80)} » (${associations(p.associationCount)}) (robot Pollen)`,
      };
    });
    if (page >= list.pages) break;
  }
  yield [{ title: INDEX_PAGE, text: indexPageText(index), summary: `Besoins logiciels : liste (${index.length} besoin${index.length > 1 ? 's' : ''}) (robot Pollen)` }];
  // Pages of proposals no longer published (rejected after approval): they say so.
  const gone = await db.selectFrom('software_needs').select('wiki_title').where('status', '!=', 'approved').where('wiki_title', 'is not', null).execute();
  const titles = gone.map((r) => r.wiki_title!);
  for (const chunk of chunks(titles, SLICE)) {
    if (chunk.length === 0) continue;
    const published = await db.selectFrom('software_need_wiki_pages').select('title').where('title', 'in', chunk).execute();
    const pages = published.map(({ title }) => ({ title, text: withdrawnPageText(), summary: 'Besoins logiciels : besoin retiré (robot Pollen)' }));
    if (pages.length) yield pages;
  }
}

export async function needPages(service: SoftwareNeedsService, publicUrl?: string): Promise<NeedWikiPage[]> {
  const out: NeedWikiPage[] = [];
  for await (const slice of needPageSlices(service, publicUrl)) out.push(...slice);
  return out;
}

/** Publishes the pages whose text changed since last time; unchanged ones cost no wiki call. */
export async function publishSoftwareNeeds(client: WikiClient, service: SoftwareNeedsService, options: { publicUrl?: string | undefined } = {}): Promise<NeedsPublishReport> {
  const report: NeedsPublishReport = { checked: 0, skipped: 0, edits: 0, failures: [], outcomes: [], drafts: [], halted: false };
  const db = service.db;
  for await (const slice of needPageSlices(service, options.publicUrl)) {
    report.checked += slice.length;
    const known = new Map((await db.selectFrom('software_need_wiki_pages').select(['title', 'text_hash']).where('title', 'in', slice.map((p) => p.title)).execute()).map((r) => [r.title, r.text_hash]));
    const due = slice.filter((p) => known.get(p.title) !== hashOf(p.text));
    report.skipped += slice.length - due.length;
    if (due.length === 0) continue;
    const requests: PublishRequest[] = due.map((p) => ({ ...p }));
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
      if (outcome.status === 'created' || outcome.status === 'updated' || outcome.status === 'unchanged') {
        const at = new Date().toISOString();
        const values = { title: page.title, text_hash: hashOf(page.text), revid: outcome.revid ?? null, published_at: at };
        await db.insertInto('software_need_wiki_pages').values(values).onConflict((oc) => oc.column('title').doUpdateSet({ text_hash: values.text_hash, revid: values.revid, published_at: at })).execute();
      } else if (outcome.status === 'conflict' && !report.halted) {
        const draft = await publishPage(client, { title: `${page.title}${DRAFT_SUFFIX}`, text: page.text, summary: `${page.summary} — brouillon : la page a été modifiée par une personne` });
        if (draft.revid !== undefined) report.edits++;
        if (draft.status === 'created' || draft.status === 'updated' || draft.status === 'unchanged') report.drafts.push(draft.title);
      }
    }
    if (report.halted) break;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return report;
}
