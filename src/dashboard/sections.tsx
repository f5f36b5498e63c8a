/** The dashboard's sections: each chart followed by the table it is drawn from. */
import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { NOTE_STATES, type NoteState, type QueueEntry } from '../notes/queue.js';
import type { ModuleState } from '../progress/model.js';
import { CompletionBars, CompletionBarsNarrow, Heatmap, HeatmapNarrow, STATE_GLYPHS, STATE_LABELS, StateSwatch } from './charts.js';
import { cohortPage, FilterForm, filterQuery, Pagination, parseCohortFilter, type CohortPage } from './cohort-view.js';
import type { DashboardData, NotesView, Section, WikiChangeRow } from './data.js';
import { STALLED_PAGE_SIZE } from './cohort-data.js';
import { Fragments } from '../web/fragments.js';
import { PageNav } from '../web/pager.js';
import { Time } from './time.js';
import { frenchDays, frenchPercent, frenchShortDateTime } from '../web/format.js';

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

/** Said on an empty dashboard: how learners get into the cohort, then how their progress is read. */
function HowLearnersArrive() {
  return (
    <div id="arrivee-apprenants">
      <p>Aucun·e apprenant·e n’est encore suivi·e. Les apprenant·es arrivent dans la cohorte de deux façons :</p>
      <ul>
        <li>inscrit·es au cours sur Moodle, quand Pollen est relié à Moodle : le relevé suivant les ajoute ;</li>
        <li>sans Moodle, avec un compte local que l’administrateur·rice crée pour chaque personne : <code>npm run progress:sync -- add-learner identifiant "Prénom Nom"</code> (le mot de passe est demandé).</li>
      </ul>
      <p>{NO_SNAPSHOT}</p>
    </div>
  );
}

/** A horizontally scrollable, keyboard-focusable region for content wider than a tablet. */
function ScrollRegion(props: { label: string; children: ComponentChildren; class?: string }) {
  return (
    <div class={props.class}>
      <p class="scroll-hint">Faites glisser horizontalement pour voir toute la figure.</p>
      <div class="scroll" role="region" tabindex={0} aria-label={props.label}>{props.children}</div>
    </div>
  );
}

function CellText(props: { state: ModuleState }) {
  return <><span aria-hidden="true">{STATE_GLYPHS[props.state] || '–'}</span><span class="sr">{STATE_LABELS[props.state]}</span></>;
}

/** What matches nothing between the Moodle course and the curriculum: shown only when there is something. */
function MoodleMatchNotice(props: { data: DashboardData }) {
  const match = props.data.moodleMatch;
  if (!match || (match.unmatchedActivities.length === 0 && match.modulesWithoutActivity.length === 0)) return null;
  return (
    <section aria-labelledby="titre-correspondance" id="correspondance" class="card">
      <h2 id="titre-correspondance">Correspondance avec Moodle</h2>
      {match.unmatchedActivities.length ? (
        <>
          <p>Activités de Moodle qui ne correspondent à aucun module (numéro d’identification inconnu) :</p>
          <ul>{match.unmatchedActivities.map((a) => <li>{`« ${a.name} » (idnumber ${a.idnumber})`}</li>)}</ul>
        </>
      ) : null}
      {match.modulesWithoutActivity.length ? (
        <>
          <p>Modules du parcours sans activité dans Moodle (suivis nulle part) :</p>
          <ul>{match.modulesWithoutActivity.map((m) => <li>{`Module ${m.order} : ${m.title}`}</li>)}</ul>
        </>
      ) : null}
    </section>
  );
}

function Summary(props: { data: DashboardData }) {
  const data = props.data;
  const notes = data.notes.ok ? String(data.notes.value.counts.conflict + data.notes.value.counts.failed) : '—';
  return (
    <dl class="summary" aria-label="Chiffres clés">
      <div><dt>Apprenant·es suivi·es</dt><dd id="chiffre-apprenants">{data.learnerCount}</dd></div>
      <div><dt>Progression moyenne</dt><dd id="chiffre-moyenne">{data.learnerCount ? frenchPercent(data.averagePercent) : <span aria-label="sans objet">—</span>}</dd></div>
      <div><dt>Apprenant·es bloqué·es</dt><dd id="chiffre-bloques">{data.stalledView.total}</dd></div>
      <div><dt>Notes en échec ou en conflit</dt><dd id="chiffre-notes">{notes}</dd></div>
    </dl>
  );
}

/**
 * The progress section's HTML by everything it shows (the page of learners with their states,
 * the filter, the modules, the cohort's size): the heatmap drawn twice and its table are most of
 * the dashboard's render time (40-50 ms of a blocked event loop at 50 learners and 17 modules),
 * and between two syncs every reload draws the same. About 0.6 MB each: a few kept.
 */
const progressBodies = new Fragments(6);

function ProgressSection(props: { data: DashboardData; grid: GridOptions }) {
  const { data, grid } = props;
  const view = grid.view;
  const key = JSON.stringify([
    grid.base, view.filter, view.matching, view.page, view.pages, data.learnerCount, data.snapshotAt, data.modules,
    view.learners.map((l) => [l.id, l.name, l.percent, l.states]),
  ]);
  return (
    <section class="card" id="progression" aria-labelledby="titre-progression"
      dangerouslySetInnerHTML={{ __html: progressBodies.get(key, () => <ProgressBody data={data} grid={grid} />) }} />
  );
}

function ProgressBody(props: { data: DashboardData; grid: GridOptions }) {
  const { data, grid } = props;
  const view = grid.view;
  const exportQuery = filterQuery(view.filter, { page: 1 });
  return (
    <>
      <h2 id="titre-progression">Progression de la cohorte</h2>
      <p class="meta">
        {data.snapshotAt ? <>Données du dernier relevé : <Time value={data.snapshotAt} />.</> : NO_SNAPSHOT}
        {' Colonnes : modules dans l’ordre du parcours (le numéro renvoie au tableau « Achèvement par module »). Les pourcentages portent sur les modules que chaque apprenant·e peut terminer : un module « hors Moodle » (aucune activité Moodle ne lui correspond) n’y compte pas.'}
      </p>
      {data.learnerCount === 0 ? <HowLearnersArrive /> : null}
      <FilterForm view={view} modules={data.modules} />
      <p class="meta" id="compte-filtre">
        {`${plural(view.matching, 'apprenant·e correspond', 'apprenant·es correspondent')} aux filtres sur ${data.learnerCount}. `}
        <a href={`${grid.base}/export.csv${exportQuery}`} download>Exporter ces lignes (CSV pour tableur)</a>
        {' · '}
        <a href={`${grid.base}/export.xlsx${exportQuery}`} download>Exporter en XLSX (tableur)</a>
      </p>
      <ul class="legend" aria-label="Légende">
        {(['done', 'failed', 'not_started', 'outside_moodle'] as const).map((s) => <li><StateSwatch state={s} /><span>{STATE_LABELS[s]}</span></li>)}
      </ul>
      {view.learners.length ? (
        <>
          <ScrollRegion label="Carte de progression" class="chart-wide"><Heatmap modules={data.modules} learners={view.learners} /></ScrollRegion>
          <HeatmapNarrow modules={data.modules} learners={view.learners} />
        </>
      ) : null}
      <details open={!view.learners.length}>
        <summary>Tableau des données de la carte (noms : page de chaque personne)</summary>
        {view.learners.length ? (
          <div class="scroll" role="region" tabindex={0} aria-label="Tableau de progression">
            <table class="grid" id="table-progression">
              <caption>Progression par apprenant·e et par module (✓ terminé, ✗ échoué, – non commencé, ∅ hors Moodle)</caption>
              <thead>
                <tr>
                  <th scope="col">Apprenant·e</th>
                  {data.modules.map((m) => <th scope="col" class="num"><abbr title={m.title}>{m.order}</abbr><span class="sr">{` ${m.title}`}</span></th>)}
                  <th scope="col" class="num">Total</th>
                </tr>
              </thead>
              <tbody>
                {view.learners.map((l) => (
                  <tr data-learner={l.id}>
                    <th scope="row"><a href={`${grid.base}/apprenant/${encodeURIComponent(l.id)}`}>{l.name}</a></th>
                    {l.states.map((s) => <td data-state={s}><CellText state={s} /></td>)}
                    <td class="num">{frenchPercent(l.percent)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p class="empty">{data.learnerCount ? 'Aucun·e apprenant·e ne correspond à ces filtres.' : 'Pas encore de données : voyez plus haut comment les apprenant·es arrivent.'}</p>
        )}
      </details>
      <Pagination view={view} />
    </>
  );
}

function CompletionSection(props: { data: DashboardData }) {
  const data = props.data;
  return (
    <section class="card" id="achevement" aria-labelledby="titre-achevement">
      <h2 id="titre-achevement">Achèvement par module</h2>
      <p class="meta">{`Part des ${plural(data.learnerCount, 'apprenant·e', 'apprenant·es')} de la cohorte ayant terminé chaque module.`}</p>
      <ScrollRegion label="Graphique d’achèvement par module" class="chart-wide"><CompletionBars modules={data.modules} /></ScrollRegion>
      <CompletionBarsNarrow modules={data.modules} />
      <details open>
        <summary>Tableau des données du graphique</summary>
        <div class="scroll">
          <table class="stack" id="table-achevement">
            <caption>Achèvement par module</caption>
            <thead><tr><th scope="col" class="num">N°</th><th scope="col">Module</th><th scope="col" class="num">Terminé par</th><th scope="col" class="num">Apprenant·es</th><th scope="col" class="num">Pourcentage</th></tr></thead>
            <tbody>
              {data.modules.map((m) => (
                <tr data-slug={m.slug}>
                  <td class="num" data-label="N°">{m.order}</td><th scope="row">{m.title}</th>
                  <td class="num" data-label="Terminé par" data-col="termine">{m.completedCount}</td><td class="num" data-label="Apprenant·es" data-col="apprenants">{m.learnerCount}</td>
                  <td class="num" data-label="Pourcentage" data-col="pourcentage">{frenchPercent(m.percent)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}

/** A page of the stalled table, the grid's filters kept. */
function stalledHref(grid: GridOptions, page: number): string {
  const query = filterQuery(grid.view.filter);
  const extra = page > 1 ? `bloques=${page}` : '';
  return `${query}${extra ? `${query ? '&' : '?'}${extra}` : query ? '' : '?'}#bloques`;
}

function StalledSection(props: { data: DashboardData; grid: GridOptions }) {
  const { data, grid } = props;
  const after = frenchDays(data.stalledAfterDays);
  return (
    <section class="card" id="bloques" aria-labelledby="titre-bloques">
      <h2 id="titre-bloques">Apprenant·es bloqué·es</h2>
      <p class="meta">{`Est signalé·e toute personne qui n’a terminé aucun module depuis ${after} (parcours non terminé)${data.stalledView.total > STALLED_PAGE_SIZE ? ` : ${data.stalledView.total} personnes, ${STALLED_PAGE_SIZE} par page` : ''}.`}</p>
      {data.stalled.length ? (
        <div class="scroll">
          <table class="stack" id="table-bloques">
            <caption>{`Apprenant·es sans progression depuis ${after} ou plus, les plus anciens d’abord${data.stalledView.pages > 1 ? ` (page ${data.stalledView.page} sur ${data.stalledView.pages})` : ''}`}</caption>
            <thead><tr><th scope="col">Apprenant·e</th><th scope="col" class="num">Progression</th><th scope="col" class="num">Sans progression depuis</th><th scope="col">Dernier module terminé</th><th scope="col">Dernière activité</th></tr></thead>
            <tbody>
              {data.stalled.map((s) => (
                <tr>
                  <th scope="row">{s.name}</th><td class="num" data-label="Progression">{frenchPercent(s.percent)}</td>
                  <td class="num" data-label="Sans progression depuis" data-days={s.daysSinceActivity}>{frenchDays(s.daysSinceActivity)}</td>
                  <td data-label="Dernier module terminé">{s.lastModuleTitle ?? <span class="empty">aucun</span>}</td>
                  <td data-label="Dernière activité">{s.lastActivityAt ? <Time value={s.lastActivityAt} /> : <span class="empty">aucune</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : data.stalledView.total ? (
        <p class="empty">Cette page est au-delà de la liste.</p>
      ) : (
        <p class="empty" id="aucun-bloque">{`Aucun·e apprenant·e sans progression depuis ${after} ou plus.`}</p>
      )}
      <PageNav label="Pages des apprenant·es bloqué·es" page={data.stalledView.page} pages={data.stalledView.pages} href={(page) => stalledHref(grid, page)} />
    </section>
  );
}

/** Rows shown after filtering (the dashboard reads more changes than it shows, to filter). */
const WIKI_ROWS = 15;

function WikiSection(props: { all: Section<WikiChangeRow[]>; filter: WikiFilter; recentChangesUrl: string | undefined }) {
  const { all, filter } = props;
  const wiki: Section<WikiChangeRow[]> = all.ok
    ? { ok: true, value: all.value.filter((c) => filter === 'tous' || (filter === 'robots') === c.bot).slice(0, WIKI_ROWS) }
    : all;
  return (
    <section class="card" id="wiki" aria-labelledby="titre-wiki">
      <h2 id="titre-wiki">Modifications récentes du wiki</h2>
      <nav aria-label="Filtrer les modifications du wiki">
        <ul class="legend">
          {(Object.keys(WIKI_FILTER_LABELS) as WikiFilter[]).map((f) => (
            <li>{f === filter ? <strong aria-current="true">{WIKI_FILTER_LABELS[f]}</strong> : <a href={`?wiki=${f}#wiki`}>{WIKI_FILTER_LABELS[f]}</a>}</li>
          ))}
        </ul>
      </nav>
      {props.recentChangesUrl ? <p><a href={props.recentChangesUrl}>Toutes les modifications récentes sur le wiki</a></p> : null}
      {!wiki.ok ? (
        <p class="notice" role="status" id="wiki-indisponible">{wiki.message}</p>
      ) : wiki.value.length === 0 ? (
        <p class="empty">{filter === 'humains' ? 'Aucune modification récente faite par une personne parmi les dernières du wiki.' : 'Aucune modification récente sur le wiki.'}</p>
      ) : (
        <div class="scroll">
          <table class="stack" id="table-wiki">
            <caption>Dernières modifications du wiki, les plus récentes d’abord</caption>
            <thead><tr><th scope="col">Page</th><th scope="col">Auteur·rice</th><th scope="col">Robot ou humain·e</th><th scope="col">Date</th><th scope="col">Résumé</th></tr></thead>
            <tbody>
              {wiki.value.map((c) => (
                <tr>
                  <th scope="row"><a href={c.url}>{c.title}</a>{c.isNew ? <> <span class="badge">nouvelle page</span></> : null}</th>
                  <td data-label="Auteur·rice">{c.user || 'inconnu·e'}</td>
                  <td data-label="Robot ou humain·e">{c.bot ? <span class="badge bot">Robot</span> : <span class="badge human">Humain·e</span>}</td>
                  <td data-label="Date"><Time value={c.timestamp} format={frenchShortDateTime} /></td>
                  <td data-label="Résumé">{c.comment ? c.comment : <span class="empty">sans résumé</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function PageCell(props: { entry: QueueEntry }) {
  const e = props.entry;
  if (!e.pageTitle) return <span class="empty">{e.fileName ?? 'note sans titre'}</span>;
  return e.pageUrl ? <a href={e.pageUrl}>{e.pageTitle}</a> : <>{e.pageTitle}</>;
}

function NoteButtons(props: { entry: QueueEntry; base: string; csrf: string }) {
  const { entry: e, base, csrf } = props;
  if (e.state !== 'failed' && e.state !== 'conflict') return <span class="empty">—</span>;
  const name = e.pageTitle ?? e.fileName ?? `note ${e.id}`;
  const post = (action: string, label: string) => (
    <form method="post" action={`${base}/notes/${e.id}/${action}`}>
      <input type="hidden" name="csrf" value={csrf} />
      <button type="submit" aria-label={`${label} : ${name}`}>{label}</button>
    </form>
  );
  return (
    <div class="actions">
      {post('reessayer', 'Réessayer')}
      <a class="button" href={`${base}/notes/${e.id}/modifier`} aria-label={`Corriger : ${name}`}>Corriger</a>
      {post('supprimer', 'Retirer')}
    </div>
  );
}

function NotesBody(props: { notes: NotesView; actions?: { base: string; csrf: string } | undefined }) {
  const { notes, actions } = props;
  return (
    <>
      <div class="scroll">
        <table id="table-notes-etats">
          <caption>{`Notes par état (${plural(notes.total, 'note', 'notes')} au total)`}</caption>
          <thead><tr><th scope="col">État</th><th scope="col" class="num">Nombre</th></tr></thead>
          <tbody>
            {NOTE_STATES.map((s) => <tr data-state={s}><th scope="row">{NOTE_STATE_LABELS[s]}</th><td class="num">{notes.counts[s]}</td></tr>)}
          </tbody>
        </table>
      </div>
      {notes.conflicts.length ? (
        <>
          <h3>Conflits à résoudre</h3>
          <ul id="liste-conflits">
            {notes.conflicts.map((e) => (
              <li>
                <strong>{e.pageTitle ?? e.fileName ?? 'note'}</strong>{` : ${e.reason ?? 'conflit avec une modification humaine'} `}
                {e.linkUrl ? <a href={e.linkUrl}>{`voir ${e.linkTitle ?? 'le brouillon'}`}</a> : (e.linkTitle ?? '')}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h3>Dernières notes</h3>
      {notes.latest.length ? (
        <div class="scroll">
          <table class="stack" id="table-notes">
            <caption>Dernières notes de la file, les plus récemment modifiées d’abord</caption>
            <thead><tr><th scope="col">Page</th><th scope="col">État</th><th scope="col">Motif</th><th scope="col">Mise à jour</th>{actions ? <th scope="col">Actions</th> : null}</tr></thead>
            <tbody>
              {notes.latest.map((e) => (
                <tr>
                  <th scope="row"><PageCell entry={e} /></th>
                  <td data-label="État"><span class={`badge state-${e.state}`}>{NOTE_STATE_LABELS[e.state]}</span></td>
                  <td data-label="Motif">{e.reason ? e.reason : <span class="empty">—</span>}</td>
                  <td data-label="Mise à jour"><Time value={e.updatedAt} format={frenchShortDateTime} /></td>
                  {actions ? <td data-label="Actions"><NoteButtons entry={e} base={actions.base} csrf={actions.csrf} /></td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : <p class="empty">La file des notes est vide.</p>}
    </>
  );
}

function NotesSection(props: { notes: Section<NotesView>; actions?: { base: string; csrf: string } | undefined; notice?: string | undefined }) {
  return (
    <section class="card" id="notes" aria-labelledby="titre-notes">
      <h2 id="titre-notes">File des notes</h2>
      {props.notice ? <p class="notice" role="status" id="note-action">{props.notice}</p> : null}
      {props.notes.ok ? <NotesBody notes={props.notes.value} actions={props.actions} /> : <p class="notice" role="status">{props.notes.message}</p>}
    </section>
  );
}

/** The dashboard's links to its sections and to its other pages. */
export function DashboardNav(props: { base: string; sections?: boolean }) {
  return (
    <nav class="sections" aria-label="Pages et sections du tableau de bord">
      <ul>
        {props.sections ? SECTIONS.map(([id, label]) => <li><a href={`#${id}`}>{label}</a></li>) : <li><a href={props.base}>Tableau de bord</a></li>}
        <li><a href={`${props.base}/annuaire`}>Annuaire : modération</a></li>
        <li><a href={`${props.base}/agenda`}>Agenda des sessions</a></li>
        <li><a href={`${props.base}/diagnostics`}>Diagnostics et projets</a></li>
      </ul>
    </nav>
  );
}

/** The dashboard page's content (inside the shell's main). */
export function DashboardContent(props: { data: DashboardData; grid: GridOptions }) {
  const { data, grid } = props;
  return (
    <>
      <DashboardNav base={grid.base} sections />
      <p class="meta">Page générée le <Time value={data.generatedAt} /> (heure de Paris).</p>
      <Summary data={data} />
      <MoodleMatchNotice data={data} />
      <ProgressSection data={data} grid={grid} />
      <CompletionSection data={data} />
      <StalledSection data={data} grid={grid} />
      <WikiSection all={data.wiki} filter={grid.wikiFilter ?? 'tous'} recentChangesUrl={grid.recentChangesUrl} />
      <NotesSection notes={data.notes} actions={grid.noteActions ? { base: grid.base, csrf: grid.noteActions.csrf } : undefined} notice={grid.notice} />
    </>
  );
}

/** The content as HTML, for specs that read it without a server. */
export function dashboardBody(data: DashboardData, grid: GridOptions = { base: '/dashboard', view: cohortPage(data.learners, data.modules, parseCohortFilter({})) }): string {
  return renderToString(<DashboardContent data={data} grid={grid} />);
}
