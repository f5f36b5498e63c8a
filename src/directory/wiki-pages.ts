/**
 * The directory as wikitext: one page per provider (`Annuaire/<Nom>`, a structured template),
 * the index `Annuaire`, the template itself, and category pages per service and per région.
 * Every value people typed goes through escapeTemplateValue/escapeWikitext, so markup in a
 * name or a quote shows as text.
 */
import { groupTitles, type Group } from '../curriculum/schema.js';
import { escapeTemplateValue, escapeWikitext, sanitizeExternalUrl } from '../wikitext/index.js';
import { PROVIDER_KINDS, SERVICES, type Provider, type Recommendation } from './model.js';
import { regionsOf, territoryLabel } from './territories.js';
import { INDEX_PAGE, ROOT_CATEGORY } from './wiki-index.js';

export { INDEX_PAGE, ROOT_CATEGORY } from './wiki-index.js';
export const TEMPLATE_PAGE = 'Modèle:Fiche annuaire';
export const RETIRED_CATEGORY = 'Annuaire – fiches retirées';

/** The provider's own page (kept in the store: no two providers share one, see wiki-title.ts). */
export function providerPageTitle(p: Pick<Provider, 'wikiTitle'>): string {
  return p.wikiTitle;
}

export function serviceCategory(label: string): string {
  return `Annuaire – ${label}`;
}

function trainingText(p: Provider): string {
  if (!p.training) return 'non renseignée';
  const parts = p.training.parts.map((g) => groupTitles[g as Group] ?? g);
  return p.training.complete ? `parcours complet (${parts.join(', ')})` : `${p.training.percent} % du parcours${parts.length ? ` — parties terminées : ${parts.join(', ')}` : ''}`;
}

function link(url: string | null): string {
  const safe = url ? sanitizeExternalUrl(url) : null;
  return safe ?? '';
}

function contactText(contact: string | null): string {
  if (!contact) return '';
  return contact.includes('@') && !contact.includes('://') ? escapeTemplateValue(contact) : link(contact);
}

/**
 * The provider's public page and its recommendation form on Pollen (`/annuaire/<slug>`,
 * `/annuaire/<slug>/recommander`), when POLLEN_PUBLIC_URL says where Pollen is reached.
 */
export function publicLinks(p: Pick<Provider, 'slug'>, publicUrl: string | undefined): { page: string; recommend: string } | null {
  if (!publicUrl) return null;
  const page = sanitizeExternalUrl(`${publicUrl.replace(/\/+$/, '')}/annuaire/${encodeURIComponent(p.slug)}`);
  return page ? { page, recommend: `${page}/recommander` } : null;
}

export interface ProviderPageOptions {
  /** POLLEN_PUBLIC_URL: the fiche links the provider's public page and recommendation form. */
  publicUrl?: string | undefined;
}

/** A listed provider's page. */
export function providerPageText(p: Provider, verified: readonly Recommendation[], options: ProviderPageOptions = {}): string {
  const field = (name: string, value: string) => `|${name}=${value}`;
  const quotes = verified.filter((r) => r.quote && r.quoteConsent);
  const links = publicLinks(p, options.publicUrl);
  const categories = [
    ROOT_CATEGORY,
    ...p.services.map((s) => serviceCategory(SERVICES[s])),
    ...regionsOf(p.territories).map((r) => serviceCategory(r.name)),
    ...(p.territories.includes('a-distance') ? [serviceCategory('À distance')] : []),
  ];
  return [
    '{{Fiche annuaire',
    field('nom', escapeTemplateValue(p.name)),
    field('type', PROVIDER_KINDS[p.kind]),
    field('services', p.services.map((s) => SERVICES[s]).join(', ')),
    field('territoires', p.territories.map((t) => escapeTemplateValue(territoryLabel(t))).join(', ')),
    field('ville', p.address ? escapeTemplateValue(p.address.city) : ''),
    field('site', link(p.website)),
    field('contact', contactText(p.publicContact)),
    field('recommandations', String(p.verifiedCount)),
    field('formation', trainingText(p)),
    '}}',
    '',
    '== Présentation ==',
    escapeWikitext(p.description),
    '',
    '== Recommandations vérifiées ==',
    `${p.verifiedCount} recommandation${p.verifiedCount > 1 ? 's' : ''} d’associations vérifiée${p.verifiedCount > 1 ? 's' : ''} par l’équipe d’animation.`,
    ...(quotes.length
      ? ['', ...quotes.map((r) => `* « ${escapeWikitext(r.quote ?? '', { atLineStart: false })} » — ${escapeWikitext(r.associationName, { atLineStart: false })} (${r.periodStart})`)]
      : []),
    '',
    ...(links
      ? [
        '== Sur Pollen ==',
        `* [${links.page} Fiche de la structure sur l’annuaire Pollen]`,
        `* [${links.recommend} Recommander cette structure] : formulaire pour une association qu’elle a accompagnée (la recommandation est vérifiée par l’équipe d’animation avant d’être publiée).`,
        '',
      ]
      : []),
    ...categories.map((c) => `[[Catégorie:${c}]]`),
  ].join('\n');
}

/** What an unlisted provider's page becomes: marked, kept out of the directory's categories. */
export function retiredPageText(p: Provider): string {
  return [
    `'''${escapeWikitext(p.name, { atLineStart: false })}''' ne figure plus dans l’annuaire des prestataires recommandés (fiche retirée par la structure, ou en attente de vérification).`,
    '',
    `Voir la [[${INDEX_PAGE}|liste des structures recommandées]].`,
    '',
    `[[Catégorie:${RETIRED_CATEGORY}]]`,
  ].join('\n');
}

/** A renamed provider's former page: where it went (while listed), out of the directory's categories. */
export function renamedPageText(p: Provider, listed: boolean): string {
  const name = escapeWikitext(p.name, { atLineStart: false });
  return [
    listed
      ? `Cette structure s’appelle désormais '''[[${p.wikiTitle}|${name}]]'''.`
      : `Cette structure s’appelle désormais '''${name}''' ; elle ne figure pas dans l’annuaire pour l’instant (changement en attente de vérification, ou fiche retirée).`,
    '',
    `Voir la [[${INDEX_PAGE}|liste des structures recommandées]].`,
    '',
    `[[Catégorie:${RETIRED_CATEGORY}]]`,
  ].join('\n');
}

export function templatePageText(): string {
  return [
    '<includeonly>{| class="wikitable" style="float:right; margin-left:1em; max-width:24em"',
    '|+ {{{nom|}}}',
    '! Type',
    '| {{{type|}}}',
    '|-',
    '! Services',
    '| {{{services|}}}',
    '|-',
    '! Territoires',
    '| {{{territoires|}}}',
    '|-',
    '! Ville',
    '| {{{ville|}}}',
    '|-',
    '! Site',
    '| {{{site|}}}',
    '|-',
    '! Contact',
    '| {{{contact|}}}',
    '|-',
    '! Recommandations vérifiées',
    '| {{{recommandations|0}}}',
    '|-',
    '! Formation Pollen',
    '| {{{formation|}}}',
    '|}</includeonly><noinclude>Fiche d’une structure de l’[[Annuaire]] ; tenue par le robot Pollen.</noinclude>',
  ].join('\n');
}

/** A category page of the directory (one per service, per région, « À distance »). */
export function categoryPageText(label: string): string {
  return `Structures recommandées de l’[[${INDEX_PAGE}|annuaire]] : ${escapeWikitext(label, { atLineStart: false })}.\n\n[[Catégorie:${ROOT_CATEGORY}]]`;
}

/** Adds the category titles a listed provider's fiche names, with their labels, to `into`. */
export function addCategoriesOf(p: Provider, into: Map<string, string>): void {
  for (const s of p.services) into.set(`Catégorie:${serviceCategory(SERVICES[s])}`, SERVICES[s]);
  for (const r of regionsOf(p.territories)) into.set(`Catégorie:${serviceCategory(r.name)}`, r.name);
  if (p.territories.includes('a-distance')) into.set(`Catégorie:${serviceCategory('À distance')}`, 'À distance');
}
