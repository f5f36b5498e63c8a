/**
 * `/annuaire`: the public directory, server-rendered French HTML with no script. Filters are a
 * plain GET form, results a list first; the map feed is a link (GeoJSON for uMap and
 * OpenStreetMap tools), so nothing depends on tiles loading.
 */
import { createHash } from 'node:crypto';
import { DASHBOARD_CSS } from '../web/styles.js';
import { escapeHtml } from '../web/format.js';
import { groupTitles, type Group } from '../curriculum/schema.js';
import type { ProviderFilter } from './inputs.js';
import { PROVIDER_KINDS, SERVICES, type Provider, type Recommendation } from './model.js';
import type { ProviderPage } from './search.js';
import { allTerritories, regions, territoryLabel } from './territories.js';

const DIRECTORY_CSS = `
.filters { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: .75rem 1rem; align-items: end; }
.filters label { display: block; font-weight: 600; }
.filters select, .filters input { width: 100%; font: inherit; padding: .4rem; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
.providers { list-style: none; padding: 0; margin: 0; display: grid; gap: .75rem; }
.provider h3 { margin: 0 0 .25rem; font-size: 1.15rem; }
.provider dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .75rem; margin: .5rem 0; }
.provider dt { color: var(--muted); }
.provider dd { margin: 0; overflow-wrap: anywhere; }
.provider blockquote { margin: .4rem 0; padding-left: .75rem; border-left: 3px solid var(--line); }
.pager { display: flex; gap: 1rem; margin: 1rem 0; }
`;

export const DIRECTORY_PAGE_CSS = DASHBOARD_CSS + DIRECTORY_CSS;
export const DIRECTORY_CSS_HASH = `'sha256-${createHash('sha256').update(DIRECTORY_PAGE_CSS, 'utf8').digest('base64')}'`;

/** A French page with the directory's stylesheet and no script. */
export function directoryShell(title: string, heading: string, body: string): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${DIRECTORY_PAGE_CSS}</style>
</head>
<body>
<a class="skip" href="#contenu">Aller au contenu</a>
<header class="top"><div class="inner"><h1>${escapeHtml(heading)}</h1></div></header>
${body}
</body>
</html>
`;
}

function option(value: string, label: string, selected: string | null | undefined): string {
  return `<option value="${escapeHtml(value)}"${value === selected ? ' selected' : ''}>${escapeHtml(label)}</option>`;
}

function filterForm(filter: ProviderFilter): string {
  const services = Object.entries(SERVICES).map(([id, label]) => option(id, label, filter.service)).join('');
  const kinds = Object.entries(PROVIDER_KINDS).map(([id, label]) => option(id, label, filter.kind)).join('');
  const territoryGroups = regions()
    .map((r) => {
      const deps = allTerritories().filter((t) => t.kind === 'departement' && t.region === r.id);
      return `<optgroup label="${escapeHtml(r.name)}">${option(r.id, `${r.name} (toute la région)`, filter.territory)}${deps.map((d) => option(d.id, territoryLabel(d.id), filter.territory)).join('')}</optgroup>`;
    })
    .join('');
  return `<form class="filters card" method="get" action="/annuaire" role="search" aria-label="Filtrer l’annuaire">
<div><label for="service">Service</label><select id="service" name="service"><option value="">Tous les services</option>${services}</select></div>
<div><label for="territoire">Territoire</label><select id="territoire" name="territoire"><option value="">Toute la France</option>${option('a-distance', 'À distance', filter.territory)}${territoryGroups}</select></div>
<div><label for="type">Type de structure</label><select id="type" name="type"><option value="">Tous les types</option>${kinds}</select></div>
<div><label for="recherche">Mots-clés</label><input id="recherche" name="q" type="search" maxlength="100" value="${escapeHtml(filter.text ?? '')}"></div>
<div><button class="primary" type="submit">Filtrer</button></div>
</form>`;
}

function providerItem(p: Provider, quotes: readonly Recommendation[], wikiUrl: string | null): string {
  const training = p.training
    ? p.training.complete
      ? '<span class="badge state-published">Parcours de formation terminé</span>'
      : `${p.training.percent}\u202f% du parcours${p.training.parts.length ? ` (${p.training.parts.map((g) => escapeHtml(groupTitles[g as Group] ?? g)).join(', ')})` : ''}`
    : '<span class="empty">non renseignée</span>';
  const site = p.website ? `<dt>Site</dt><dd><a href="${escapeHtml(p.website)}" rel="nofollow noopener">${escapeHtml(p.website)}</a></dd>` : '';
  const contact = p.publicContact ? `<dt>Contact</dt><dd>${escapeHtml(p.publicContact)}</dd>` : '';
  const said = quotes
    .filter((r) => r.quote && r.quoteConsent)
    .map((r) => `<blockquote><p>« ${escapeHtml(r.quote ?? '')} »</p><footer>— ${escapeHtml(r.associationName)}, ${escapeHtml(r.periodStart)}</footer></blockquote>`)
    .join('');
  return `<li class="card provider" data-slug="${escapeHtml(p.slug)}">
<h3>${escapeHtml(p.name)}</h3>
<p class="meta">${escapeHtml(PROVIDER_KINDS[p.kind])}${p.address ? ` — ${escapeHtml(p.address.city)}` : ''}</p>
<p>${escapeHtml(p.description)}</p>
<dl>
<dt>Services</dt><dd>${p.services.map((s) => escapeHtml(SERVICES[s])).join(', ')}</dd>
<dt>Territoires</dt><dd>${p.territories.map((t) => escapeHtml(territoryLabel(t))).join(', ')}</dd>
<dt>Recommandations vérifiées</dt><dd data-col="recommandations">${p.verifiedCount}</dd>
<dt>Formation</dt><dd>${training}</dd>
${site}${contact}
</dl>
${said}
${wikiUrl ? `<p><a href="${escapeHtml(wikiUrl)}">Fiche sur le wiki des communs</a></p>` : ''}
</li>`;
}

export interface DirectoryPageData {
  filter: ProviderFilter;
  page: ProviderPage;
  quotes: readonly Recommendation[];
  /** The next page's URL, when there is one. */
  nextUrl: string | null;
  firstUrl: string | null;
  wikiUrl: (p: Provider) => string | null;
  /** A French message when the filter was refused. */
  error?: string | undefined;
}

export function directoryPage(d: DirectoryPageData): string {
  const n = d.page.totalCount;
  const list = d.page.providers.length
    ? `<ul class="providers" id="resultats">${d.page.providers.map((p) => providerItem(p, d.quotes.filter((r) => r.providerId === p.id), d.wikiUrl(p))).join('\n')}</ul>`
    : d.error || Object.values(d.filter).some((v) => v !== null && v !== undefined && v !== '')
      ? '<p class="empty" id="aucun-resultat">Aucune structure recommandée ne correspond à ces critères. Élargissez le territoire ou retirez un filtre.</p>'
      : '<p class="empty" id="aucun-resultat">L’annuaire ne compte encore aucune structure : une structure y figure une fois validée par l’équipe d’animation et recommandée par une association qu’elle a accompagnée.</p>';
  const pager = [d.firstUrl ? `<a href="${escapeHtml(d.firstUrl)}">Retour au début de la liste</a>` : '', d.nextUrl ? `<a href="${escapeHtml(d.nextUrl)}" rel="next">Structures suivantes</a>` : ''].join('');
  return directoryShell(
    'Annuaire des prestataires recommandés — Pollen',
    'Annuaire des prestataires recommandés',
    `<main id="contenu">
<p>Des structures (hébergeurs CHATONS, entreprises du libre, associations) formées pour accompagner les associations vers des outils libres, et <strong>recommandées par des associations</strong> après un ou plusieurs projets réussis. Chaque recommandation est vérifiée par l’équipe d’animation à l’aide d’un questionnaire de critères vérifiables.</p>
${d.error ? `<p class="error" role="alert">${escapeHtml(d.error)}</p>` : ''}
${filterForm(d.filter)}
<h2 id="titre-resultats" aria-live="polite">${n} structure${n > 1 ? 's' : ''} recommandée${n > 1 ? 's' : ''}</h2>
${list}
${pager ? `<nav class="pager" aria-label="Pages de résultats">${pager}</nav>` : ''}
<p class="meta">Pour une carte : <a href="/annuaire.geojson">les structures au format GeoJSON</a> (à importer dans uMap ou un outil OpenStreetMap).</p>
</main>`,
  );
}
