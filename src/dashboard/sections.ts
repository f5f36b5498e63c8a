/** The dashboard's sections: each chart followed by the table it is drawn from. */
import { NOTE_STATES, type NoteState, type QueueEntry } from '../notes/queue.js';
import type { ModuleState } from '../progress/model.js';
import { completionBarsSvg, heatmapSvg, STATE_GLYPHS, STATE_LABELS, stateSwatchSvg } from './charts.js';
import { cohortPage, filterForm, filterQuery, pagination, parseCohortFilter, type CohortPage } from './cohort-view.js';
import type { DashboardData, NotesView, Section, WikiChangeRow } from './data.js';
import { STALLED_PAGE_SIZE } from './cohort-data.js';
import { pageNav } from './pager.js';
import { escapeHtml, frenchDays, frenchPercent, frenchShortDateTime, timeElement } from './format.js';

export const NOTE_STATE_LABELS: Record<NoteState, string> = {
  queued: 'En attente',
  publishing: 'Publication en cours',
  published: 'Publiée',
  failed: 'Échec',
  conflict: 'Conflit',
};

const SECTIONS = [
  ['progression', 'Progression de la cohorte'],
  ['achevement', 'Achèvement par module'],
  ['bloques', 'Apprenant·es bloqué·es'],
  ['wiki', 'Modifications récentes du wiki'],
  ['notes', 'File des notes'],
] as const;

function plural(n: number, one: string, many: string): string {
  return `${n} ${Math.abs(n) >= 2 ? many : one}`;
}

/** What the progress section needs besides the data: the dashboard's base path and the grid page. */
export interface GridOptions {
  /** The dashboard's path (req.baseUrl), for links to learner pages and the export. */
  base: string;
  view: CohortPage;
  /** Which wiki changes to show: everyone's, people's only, or the robots' only. */
  wikiFilter?: WikiFilter;
  /** The wiki's Special:RecentChanges, linked from the section. */
  recentChangesUrl?: string | undefined;
  /** Set for a facilitator's cookie session: the notes section gets its buttons (CSRF token). */
  noteActions?: { csrf: string } | undefined;
  /** The outcome of the last note action, said at the top of the notes section. */
  notice?: string | undefined;
}

export type WikiFilter = 'tous' | 'humains' | 'robots';

export function parseWikiFilter(value: unknown): WikiFilter {
  return value === 'humains' || value === 'robots' ? value : 'tous';
}

const WIKI_FILTER_LABELS: Record<WikiFilter, string> = { tous: 'Toutes', humains: 'Humain·es seulement', robots: 'Robots seulement' };

/** Said wherever no snapshot exists yet: what to run, and who may run it. */
export const NO_SNAPSHOT = 'Aucun relevé de progression pour l’instant. Une administratrice ou un administrateur de Pollen le crée avec la commande « npm run progress:sync » (ou la mutation GraphQL syncProgress).';

/** A horizontally scrollable, keyboard-focusable region for content wider than a phone. */
function scrollRegion(label: string, content: string): string {
  return `<p class="scroll-hint">Faites glisser horizontalement pour voir toute la figure.</p>\n<div class="scroll" role="region" tabindex="0" aria-label="${escapeHtml(label)}">${content}</div>`;
}

function cellText(state: ModuleState): string {
  const glyph = STATE_GLYPHS[state] || '–';
  return `<span aria-hidden="true">${glyph}</span><span class="sr">${STATE_LABELS[state]}</span>`;
}

function summary(data: DashboardData): string {
  const notes = data.notes.ok ? String(data.notes.value.counts.conflict + data.notes.value.counts.failed) : '—';
  return `<dl class="summary" aria-label="Chiffres clés">
<div><dt>Apprenant·es suivi·es</dt><dd id="chiffre-apprenants">${data.learnerCount}</dd></div>
<div><dt>Progression moyenne</dt><dd id="chiffre-moyenne">${data.learnerCount ? frenchPercent(data.averagePercent) : '<span aria-label="sans objet">—</span>'}</dd></div>
<div><dt>Apprenant·es bloqué·es</dt><dd id="chiffre-bloques">${data.stalledView.total}</dd></div>
<div><dt>Notes en échec ou en conflit</dt><dd id="chiffre-notes">${notes}</dd></div>
</dl>`;
}

/** What matches nothing between the Moodle course and the curriculum: shown only when there is something. */
function moodleMatchNotice(data: DashboardData): string {
  const match = data.moodleMatch;
  if (!match || (match.unmatchedActivities.length === 0 && match.modulesWithoutActivity.length === 0)) return '';
  const activities = match.unmatchedActivities.length
    ? `<p>Activités de Moodle qui ne correspondent à aucun module (numéro d’identification inconnu) :</p><ul>${match.unmatchedActivities
        .map((a) => `<li>${escapeHtml(`« ${a.name} » (idnumber ${a.idnumber})`)}</li>`)
        .join('')}</ul>`
    : '';
  const modules = match.modulesWithoutActivity.length
    ? `<p>Modules du parcours sans activité dans Moodle (suivis nulle part) :</p><ul>${match.modulesWithoutActivity
        .map((m) => `<li>${escapeHtml(`Module ${m.order} : ${m.title}`)}</li>`)
        .join('')}</ul>`
    : '';
  return `<section aria-labelledby="titre-correspondance" id="correspondance">
<h2 id="titre-correspondance">Correspondance avec Moodle</h2>
${activities}${modules}
</section>`;
}

function progressSection(data: DashboardData, grid: GridOptions): string {
  const view = grid.view;
  const legend = (['done', 'failed', 'not_started', 'outside_moodle'] as const)
    .map((s) => `<li>${stateSwatchSvg(s)}<span>${STATE_LABELS[s]}</span></li>`)
    .join('');
  const head = data.modules
    .map((m) => `<th scope="col" class="num"><abbr title="${escapeHtml(m.title)}">${m.order}</abbr><span class="sr"> ${escapeHtml(m.title)}</span></th>`)
    .join('');
  const rows = view.learners
    .map((l) =>
      `<tr data-learner="${escapeHtml(l.id)}"><th scope="row"><a href="${escapeHtml(`${grid.base}/apprenant/${encodeURIComponent(l.id)}`)}">${escapeHtml(l.name)}</a></th>` +
      l.states.map((s) => `<td data-state="${s}">${cellText(s)}</td>`).join('') +
      `<td class="num">${frenchPercent(l.percent)}</td></tr>`,
    )
    .join('\n');
  const table = view.learners.length
    ? `<div class="scroll" role="region" tabindex="0" aria-label="Tableau de progression"><table class="grid" id="table-progression">
<caption>Progression par apprenant·e et par module (✓ terminé, ✗ échoué, – non commencé, ∅ hors Moodle)</caption>
<thead><tr><th scope="col">Apprenant·e</th>${head}<th scope="col" class="num">Total</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>`
    : `<p class="empty">${data.learnerCount ? 'Aucun·e apprenant·e ne correspond à ces filtres.' : escapeHtml(NO_SNAPSHOT)}</p>`;
  return `<section class="card" id="progression" aria-labelledby="titre-progression">
<h2 id="titre-progression">Progression de la cohorte</h2>
<p class="meta">${data.snapshotAt ? `Données du dernier relevé : ${timeElement(data.snapshotAt)}.` : escapeHtml(NO_SNAPSHOT)} Colonnes : modules dans l’ordre du parcours (le numéro renvoie au tableau « Achèvement par module »). Les pourcentages portent sur les modules que chaque apprenant·e peut terminer : un module « hors Moodle » (aucune activité Moodle ne lui correspond) n’y compte pas.</p>
${filterForm(view, data.modules)}
<p class="meta" id="compte-filtre">${plural(view.matching, 'apprenant·e correspond', 'apprenant·es correspondent')} aux filtres sur ${data.learnerCount}. <a href="${escapeHtml(`${grid.base}/export.csv${filterQuery(view.filter, { page: 1 })}`)}" download>Exporter ces lignes (CSV pour tableur)</a> · <a href="${escapeHtml(`${grid.base}/export.xlsx${filterQuery(view.filter, { page: 1 })}`)}" download>Exporter en XLSX (tableur)</a></p>
<ul class="legend" aria-label="Légende">${legend}</ul>
${view.learners.length ? scrollRegion('Carte de progression', heatmapSvg(data.modules, view.learners)) : ''}
<details${view.learners.length ? '' : ' open'}><summary>Tableau des données de la carte (noms : page de chaque personne)</summary>
${table}
</details>
${pagination(view)}
</section>`;
}

function completionSection(data: DashboardData): string {
  const rows = data.modules
    .map((m) =>
      `<tr data-slug="${escapeHtml(m.slug)}"><td class="num" data-label="N°">${m.order}</td><th scope="row">${escapeHtml(m.title)}</th>` +
      `<td class="num" data-label="Terminé par" data-col="termine">${m.completedCount}</td><td class="num" data-label="Apprenant·es" data-col="apprenants">${m.learnerCount}</td>` +
      `<td class="num" data-label="Pourcentage" data-col="pourcentage">${frenchPercent(m.percent)}</td></tr>`,
    )
    .join('\n');
  return `<section class="card" id="achevement" aria-labelledby="titre-achevement">
<h2 id="titre-achevement">Achèvement par module</h2>
<p class="meta">Part des ${plural(data.learnerCount, 'apprenant·e', 'apprenant·es')} de la cohorte ayant terminé chaque module.</p>
${scrollRegion('Graphique d’achèvement par module', completionBarsSvg(data.modules))}
<details open><summary>Tableau des données du graphique</summary>
<div class="scroll"><table class="stack" id="table-achevement">
<caption>Achèvement par module</caption>
<thead><tr><th scope="col" class="num">N°</th><th scope="col">Module</th><th scope="col" class="num">Terminé par</th><th scope="col" class="num">Apprenant·es</th><th scope="col" class="num">Pourcentage</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>
</details>
</section>`;
}

/** A page of the stalled table, the grid's filters kept. */
function stalledHref(grid: GridOptions, page: number): string {
  const query = filterQuery(grid.view.filter);
  const extra = page > 1 ? `bloques=${page}` : '';
  return `${query}${extra ? `${query ? '&' : '?'}${extra}` : query ? '' : '?'}#bloques`;
}

function stalledSection(data: DashboardData, grid: GridOptions): string {
  const rows = data.stalled
    .map((s) =>
      `<tr><th scope="row">${escapeHtml(s.name)}</th><td class="num" data-label="Progression">${frenchPercent(s.percent)}</td>` +
      `<td class="num" data-label="Sans progression depuis" data-days="${s.daysSinceActivity}">${frenchDays(s.daysSinceActivity)}</td>` +
      `<td data-label="Dernier module terminé">${s.lastModuleTitle ? escapeHtml(s.lastModuleTitle) : '<span class="empty">aucun</span>'}</td>` +
      `<td data-label="Dernière activité">${s.lastActivityAt ? timeElement(s.lastActivityAt) : '<span class="empty">aucune</span>'}</td></tr>`,
    )
    .join('\n');
  const body = data.stalled.length
    ? `<div class="scroll"><table class="stack" id="table-bloques">
<caption>Apprenant·es sans progression depuis ${frenchDays(data.stalledAfterDays)} ou plus, les plus anciens d’abord${data.stalledView.pages > 1 ? ` (page ${data.stalledView.page} sur ${data.stalledView.pages})` : ''}</caption>
<thead><tr><th scope="col">Apprenant·e</th><th scope="col" class="num">Progression</th><th scope="col" class="num">Sans progression depuis</th><th scope="col">Dernier module terminé</th><th scope="col">Dernière activité</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>`
    : data.stalledView.total
      ? '<p class="empty">Cette page est au-delà de la liste.</p>'
      : `<p class="empty" id="aucun-bloque">Aucun·e apprenant·e sans progression depuis ${frenchDays(data.stalledAfterDays)} ou plus.</p>`;
  return `<section class="card" id="bloques" aria-labelledby="titre-bloques">
<h2 id="titre-bloques">Apprenant·es bloqué·es</h2>
<p class="meta">Est signalé·e toute personne qui n’a terminé aucun module depuis ${frenchDays(data.stalledAfterDays)} (parcours non terminé)${data.stalledView.total > STALLED_PAGE_SIZE ? ` : ${data.stalledView.total} personnes, ${STALLED_PAGE_SIZE} par page` : ''}.</p>
${body}
${pageNav({ label: 'Pages des apprenant·es bloqué·es', page: data.stalledView.page, pages: data.stalledView.pages, href: (page) => stalledHref(grid, page) })}
</section>`;
}

/** Rows shown after filtering (the dashboard reads more changes than it shows, to filter). */
const WIKI_ROWS = 15;

function wikiRows(changes: WikiChangeRow[]): string {
  return changes
    .map((c) =>
      `<tr><th scope="row"><a href="${escapeHtml(c.url)}">${escapeHtml(c.title)}</a>${c.isNew ? ' <span class="badge">nouvelle page</span>' : ''}</th>` +
      `<td data-label="Auteur·rice">${escapeHtml(c.user || 'inconnu·e')}</td>` +
      `<td data-label="Robot ou humain·e">${c.bot ? '<span class="badge bot">Robot</span>' : '<span class="badge human">Humain·e</span>'}</td>` +
      `<td data-label="Date">${timeElement(c.timestamp, frenchShortDateTime)}</td>` +
      `<td data-label="Résumé">${c.comment ? escapeHtml(c.comment) : '<span class="empty">sans résumé</span>'}</td></tr>`,
    )
    .join('\n');
}

function wikiSection(all: Section<WikiChangeRow[]>, filter: WikiFilter, recentChangesUrl: string | undefined): string {
  const wiki: Section<WikiChangeRow[]> = all.ok
    ? { ok: true, value: all.value.filter((c) => filter === 'tous' || (filter === 'robots') === c.bot).slice(0, WIKI_ROWS) }
    : all;
  const choices = (Object.keys(WIKI_FILTER_LABELS) as WikiFilter[])
    .map((f) => (f === filter ? `<li><strong aria-current="true">${WIKI_FILTER_LABELS[f]}</strong></li>` : `<li><a href="?wiki=${f}#wiki">${WIKI_FILTER_LABELS[f]}</a></li>`))
    .join('');
  const nav = `<nav aria-label="Filtrer les modifications du wiki"><ul class="legend">${choices}</ul></nav>` +
    (recentChangesUrl ? `<p><a href="${escapeHtml(recentChangesUrl)}">Toutes les modifications récentes sur le wiki</a></p>` : '');
  let body: string;
  if (!wiki.ok) body = `<p class="notice" role="status" id="wiki-indisponible">${escapeHtml(wiki.message)}</p>`;
  else if (wiki.value.length === 0) body = `<p class="empty">${filter === 'humains' ? 'Aucune modification récente faite par une personne parmi les dernières du wiki.' : 'Aucune modification récente sur le wiki.'}</p>`;
  else {
    body = `<div class="scroll"><table class="stack" id="table-wiki">
<caption>Dernières modifications du wiki, les plus récentes d’abord</caption>
<thead><tr><th scope="col">Page</th><th scope="col">Auteur·rice</th><th scope="col">Robot ou humain·e</th><th scope="col">Date</th><th scope="col">Résumé</th></tr></thead>
<tbody>
${wikiRows(wiki.value)}
</tbody></table></div>`;
  }
  return `<section class="card" id="wiki" aria-labelledby="titre-wiki">
<h2 id="titre-wiki">Modifications récentes du wiki</h2>
${nav}
${body}
</section>`;
}

function pageCell(e: QueueEntry): string {
  if (!e.pageTitle) return `<span class="empty">${escapeHtml(e.fileName ?? 'note sans titre')}</span>`;
  return e.pageUrl ? `<a href="${escapeHtml(e.pageUrl)}">${escapeHtml(e.pageTitle)}</a>` : escapeHtml(e.pageTitle);
}

function noteButtons(e: QueueEntry, base: string, csrf: string): string {
  if (e.state !== 'failed' && e.state !== 'conflict') return '<span class="empty">—</span>';
  const post = (action: string, label: string, cls = '') =>
    `<form method="post" action="${escapeHtml(`${base}/notes/${e.id}/${action}`)}"><input type="hidden" name="csrf" value="${escapeHtml(csrf)}">` +
    `<button type="submit"${cls ? ` class="${cls}"` : ''} aria-label="${escapeHtml(`${label} : ${e.pageTitle ?? e.fileName ?? `note ${e.id}`}`)}">${label}</button></form>`;
  return `<div class="actions">${post('reessayer', 'Réessayer')}<a class="button" href="${escapeHtml(`${base}/notes/${e.id}/modifier`)}">Corriger</a>${post('supprimer', 'Retirer')}</div>`;
}

function notesBody(notes: NotesView, actions?: { base: string; csrf: string }): string {
  const counts = NOTE_STATES.map(
    (s) => `<tr data-state="${s}"><th scope="row">${NOTE_STATE_LABELS[s]}</th><td class="num">${notes.counts[s]}</td></tr>`,
  ).join('\n');
  const latest = notes.latest
    .map((e) =>
      `<tr><th scope="row">${pageCell(e)}</th><td data-label="État"><span class="badge state-${e.state}">${NOTE_STATE_LABELS[e.state]}</span></td>` +
      `<td data-label="Motif">${e.reason ? escapeHtml(e.reason) : '<span class="empty">—</span>'}</td><td data-label="Mise à jour">${timeElement(e.updatedAt, frenchShortDateTime)}</td>` +
      (actions ? `<td data-label="Actions">${noteButtons(e, actions.base, actions.csrf)}</td>` : '') + '</tr>',
    )
    .join('\n');
  const conflicts = notes.conflicts
    .map((e) =>
      `<li><strong>${escapeHtml(e.pageTitle ?? e.fileName ?? 'note')}</strong> : ${escapeHtml(e.reason ?? 'conflit avec une modification humaine')} ` +
      (e.linkUrl ? `<a href="${escapeHtml(e.linkUrl)}">voir ${escapeHtml(e.linkTitle ?? 'le brouillon')}</a>` : escapeHtml(e.linkTitle ?? '')) +
      '</li>',
    )
    .join('\n');
  return `<div class="scroll"><table id="table-notes-etats">
<caption>Notes par état (${plural(notes.total, 'note', 'notes')} au total)</caption>
<thead><tr><th scope="col">État</th><th scope="col" class="num">Nombre</th></tr></thead>
<tbody>
${counts}
</tbody></table></div>
${notes.conflicts.length ? `<h3>Conflits à résoudre</h3>\n<ul id="liste-conflits">\n${conflicts}\n</ul>` : ''}
<h3>Dernières notes</h3>
${notes.latest.length ? `<div class="scroll"><table class="stack" id="table-notes">
<caption>Dernières notes de la file, les plus récemment modifiées d’abord</caption>
<thead><tr><th scope="col">Page</th><th scope="col">État</th><th scope="col">Motif</th><th scope="col">Mise à jour</th>${actions ? '<th scope="col">Actions</th>' : ''}</tr></thead>
<tbody>
${latest}
</tbody></table></div>` : '<p class="empty">La file des notes est vide.</p>'}`;
}

function notesSection(notes: Section<NotesView>, actions?: { base: string; csrf: string }, notice?: string): string {
  return `<section class="card" id="notes" aria-labelledby="titre-notes">
<h2 id="titre-notes">File des notes</h2>
${notice ? `<p class="notice" role="status" id="note-action">${escapeHtml(notice)}</p>` : ''}
${notes.ok ? notesBody(notes.value, actions) : `<p class="notice" role="status">${escapeHtml(notes.message)}</p>`}
</section>`;
}

/** Navigation and main content of the dashboard page. */
export function dashboardBody(data: DashboardData, grid: GridOptions = { base: '/dashboard', view: cohortPage(data.learners, data.modules, parseCohortFilter({})) }): string {
  const nav = SECTIONS.map(([id, label]) => `<li><a href="#${id}">${label}</a></li>`).join('');
  // Other pages of the dashboard (the directory's moderation, src/directory/dashboard.ts).
  const pages = '<li><a href="/dashboard/annuaire">Annuaire : modération</a></li><li><a href="/dashboard/agenda">Agenda des sessions</a></li>';
  return `<nav class="sections" aria-label="Sections du tableau de bord"><ul>${nav}${pages}</ul></nav>
<main id="contenu">
<p class="meta">Page générée le ${timeElement(data.generatedAt)} (heure de Paris).</p>
${summary(data)}
${moodleMatchNotice(data)}
${progressSection(data, grid)}
${completionSection(data)}
${stalledSection(data, grid)}
${wikiSection(data.wiki, grid.wikiFilter ?? 'tous', grid.recentChangesUrl)}
${notesSection(data.notes, grid.noteActions ? { base: grid.base, csrf: grid.noteActions.csrf } : undefined, grid.notice)}
</main>`;
}
