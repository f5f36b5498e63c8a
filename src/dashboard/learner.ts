/**
 * A learner's page: each module with its state, completion date and how it was completed,
 * progress over time from the dated snapshots (a chart and its table), their wiki
 * contributions with links, and the published notes that name them.
 */
import type { CurriculumModule } from '../curriculum/schema.js';
import { pageUrl } from '../graphql/datasources/wiki.js';
import type { QueueEntry } from '../notes/queue.js';
import type { LearnerProgress } from '../progress/model.js';
import { STATE_LABELS } from './charts.js';
import { escapeHtml, frenchDate, frenchDays, frenchPercent, timeElement } from '../web/format.js';
import { de } from '../text/french.js';

export interface LearnerPageData {
  id: string;
  name: string;
  username: string;
  /** The learner's wiki account (wikiUserOf). */
  wikiUser: string;
  daysSinceActivity: number;
  progress: LearnerProgress;
  /** Snapshots, newest first. */
  history: LearnerProgress[];
  /** Published notes naming the learner, newest first; absent when no notes queue is connected. */
  notes?: readonly QueueEntry[];
}

const VIA_LABELS = { moodle: 'Moodle', wiki: 'contribution au wiki', self: 'déclaré par la personne' } as const;

/** Progress over time: one bar per snapshot, oldest on top; the table below carries the figures. */
function historySvg(history: readonly LearnerProgress[]): string {
  const rows = [...history].reverse();
  const rowHeight = 22;
  const height = rows.length * rowHeight + 4;
  const bars = rows
    .map((h, i) => {
      const y = i * rowHeight + 2;
      const width = Math.max(0.5, h.percent * 2);
      return `<g><title>${escapeHtml(`${frenchDate(h.snapshotAt)} : ${h.percent} %`)}</title>` +
        `<text x="0" y="${y + 15}" font-size="12">${escapeHtml(frenchDate(h.snapshotAt))}</text>` +
        `<rect x="130" y="${y + 3}" width="${width}" height="14" fill="#1f5f8b"></rect>` +
        `<text x="${136 + width}" y="${y + 15}" font-size="12">${h.percent} %</text></g>`;
    })
    .join('');
  return `<svg class="chart" viewBox="0 0 380 ${height}" width="100%" role="img" aria-labelledby="titre-historique-svg"><title id="titre-historique-svg">Progression au fil des relevés</title>${bars}</svg>`;
}

export function learnerPageBody(data: LearnerPageData, curriculum: readonly CurriculumModule[], wikiApiUrl: string | undefined, back: string): string {
  const bySlug = new Map(data.progress.modules.map((m) => [m.slug, m]));
  const link = (title: string) => (wikiApiUrl ? `<a href="${escapeHtml(pageUrl(wikiApiUrl, title))}">${escapeHtml(title)}</a>` : escapeHtml(title));
  const modules = curriculum
    .map((m) => {
      const p = bySlug.get(m.slug);
      const state = p?.state ?? 'not_started';
      return `<tr data-slug="${escapeHtml(m.slug)}" data-state="${state}"><td class="num" data-label="N°">${m.order}</td><th scope="row">${link(m.wikiPage)}</th>` +
        `<td data-label="État">${STATE_LABELS[state]}</td>` +
        `<td data-label="Terminé le">${state === 'done' && p?.completedAt ? timeElement(p.completedAt) : '<span class="empty">—</span>'}</td>` +
        `<td data-label="Par">${p?.via ? VIA_LABELS[p.via] : '<span class="empty">—</span>'}</td></tr>`;
    })
    .join('\n');
  const contributions = data.progress.modules.filter((m) => m.via === 'wiki' && m.state === 'done');
  const contribList = contributions.length
    ? `<ul id="contributions">${contributions
        .map((c) => {
          const module = curriculum.find((m) => m.slug === c.slug);
          return `<li>${module ? link(module.wikiPage) : escapeHtml(c.slug)} (vue le ${escapeHtml(frenchDate(c.completedAt))})</li>`;
        })
        .join('')}</ul>`
    : '<p class="empty">Aucune contribution au wiki comptée pour un module. Elles sont relevées par « npm run progress:sync ».</p>';
  const contribLink = wikiApiUrl
    ? `<p><a href="${escapeHtml(pageUrl(wikiApiUrl, `Spécial:Contributions/${data.wikiUser}`))}">Toutes les modifications ${de(escapeHtml(data.wikiUser))} sur le wiki</a></p>`
    : '';
  const history = data.history.length
    ? `${historySvg(data.history)}
<table class="stack" id="table-historique"><caption>Progression à chaque relevé, le plus récent d’abord</caption>
<thead><tr><th scope="col">Relevé</th><th scope="col" class="num">Progression</th><th scope="col" class="num">Modules terminés</th></tr></thead>
<tbody>${data.history.map((h) => `<tr><th scope="row">${timeElement(h.snapshotAt)}</th><td class="num" data-label="Progression">${frenchPercent(h.percent)}</td><td class="num" data-label="Modules terminés">${h.doneCount} sur ${h.moduleCount}</td></tr>`).join('\n')}</tbody></table>`
    : '<p class="empty">Aucun relevé pour cette personne.</p>';
  const noteLink = (n: QueueEntry) => {
    const title = n.pageTitle ?? n.key;
    if (n.pageUrl) return `<a href="${escapeHtml(n.pageUrl)}">${escapeHtml(title)}</a>`;
    return n.pageTitle ? link(n.pageTitle) : escapeHtml(title);
  };
  const notes = !data.notes
    ? '<p class="empty">Le suivi des comptes rendus n’est pas relié à ce tableau de bord.</p>'
    : data.notes.length
      ? `<ul id="comptes-rendus">${data.notes.map((n) => `<li>${noteLink(n)} (publié le ${timeElement(n.publishedAt ?? n.updatedAt, frenchDate)})</li>`).join('')}</ul>`
      : `<p class="empty">Aucun compte rendu publié ne mentionne ${escapeHtml(data.name)}.</p>`;
  return `<main id="contenu">
<p><a href="${escapeHtml(back)}">← Retour au tableau de bord</a></p>
<h2 id="titre-apprenant">${escapeHtml(data.name)}</h2>
<dl class="summary" aria-label="Chiffres clés">
<div><dt>Identifiant</dt><dd>${escapeHtml(data.username)}</dd></div>
<div><dt>Progression</dt><dd id="chiffre-progression">${frenchPercent(data.progress.percent)}</dd></div>
<div><dt>Modules terminés</dt><dd>${data.progress.doneCount} sur ${data.progress.moduleCount}</dd></div>
<div><dt>Sans progression depuis</dt><dd>${frenchDays(data.daysSinceActivity)}${data.progress.stalled ? ' (bloqué·e)' : ''}</dd></div>
</dl>
<section class="card" aria-labelledby="titre-modules"><h2 id="titre-modules">Modules</h2>
<div class="scroll"><table class="stack" id="table-modules"><caption>Chaque module du parcours, dans l’ordre</caption>
<thead><tr><th scope="col" class="num">N°</th><th scope="col">Page du module</th><th scope="col">État</th><th scope="col">Terminé le</th><th scope="col">Par</th></tr></thead>
<tbody>
${modules}
</tbody></table></div></section>
<section class="card" aria-labelledby="titre-historique"><h2 id="titre-historique">Progression au fil du temps</h2>
${history}
</section>
<section class="card" aria-labelledby="titre-contributions"><h2 id="titre-contributions">Contributions au wiki</h2>
${contribList}
${contribLink}
</section>
<section class="card" aria-labelledby="titre-comptes-rendus"><h2 id="titre-comptes-rendus">Comptes rendus qui la ou le mentionnent</h2>
${notes}
</section>
</main>`;
}
