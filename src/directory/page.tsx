/**
 * `/annuaire`: the public directory, server-rendered French HTML with no script, on the web
 * layer's shell. Filters are a plain GET form; then the map (SVG drawn on the server, see
 * map/map.tsx), the list with its verified quotes, and numbered pages that keep the filters.
 * The GeoJSON feed stays linked for uMap and OpenStreetMap tools.
 */
import { Fragments } from '../web/fragments.js';
import { PageNav } from '../web/pager.js';
import { groupTitles, type Group } from '../curriculum/schema.js';
import { stylesheet } from '../web/styles.js';
import type { ProviderFilter } from './inputs.js';
import { DirectoryMap, type MapPlan } from './map/map.js';
import { PROVIDER_KINDS, SERVICES, type Provider, type Recommendation } from './model.js';
import { allTerritories, regions, REMOTE, territoryLabel } from './territories.js';

export const DIRECTORY_CSS = stylesheet(`
form.annuaire-filtres { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 200px), 1fr)); gap: .75rem 1rem; align-items: end;
  background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem; margin: 0 0 1.25rem; }
form.annuaire-filtres label { display: block; font-weight: 600; }
form.annuaire-filtres select, form.annuaire-filtres input { width: 100%; max-width: 100%; font: inherit; padding: .4rem; border: 2px solid #6b6b6b; border-radius: 6px; background: #fff; }
.providers { list-style: none; padding: 0; margin: 0; display: grid; gap: .75rem; }
.provider { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; overflow-wrap: anywhere; }
.provider h3 { margin: 0 0 .25rem; font-size: 1.15rem; }
.provider dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .75rem; margin: .5rem 0; }
.provider dt { color: var(--muted); }
.provider dd { margin: 0; overflow-wrap: anywhere; min-width: 0; }
.provider blockquote { margin: .4rem 0; padding-left: .75rem; border-left: 3px solid var(--line); }
@media (max-width: 30rem) { .provider dl { grid-template-columns: 1fr; } .provider dd { margin-bottom: .35rem; } }
figure.carte { margin: 0 0 1.25rem; max-width: 40rem; }
figure.carte figcaption { color: var(--muted); font-size: .95rem; margin: 0 0 .35rem; }
figure.carte svg { display: block; width: 100%; height: auto; background: #eef4f8; border: 1px solid var(--line); border-radius: 8px; }
figure.carte .marques circle { fill: #b3261e; stroke: #fff; stroke-width: 2.5; }
figure.carte .marques a.groupe circle { fill: #12355b; fill-opacity: .9; }
figure.carte .marques text { font-size: 22px; font-weight: 700; fill: #fff; pointer-events: none; }
figure.carte .marques a:focus { outline: none; }
figure.carte .marques a:focus-visible circle, figure.carte .marques a:hover circle { stroke: #1a1a1a; stroke-width: 6; }
.annuaire-liens { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; }
`);

function Option(props: { value: string; label: string; selected: string | null | undefined }) {
  return <option value={props.value} selected={props.value === props.selected}>{props.label}</option>;
}

/** The filter form's fields by choices made (the same few hundred combinations come back). */
const filterForms = new Fragments(500);

function Filters(props: { filter: ProviderFilter }) {
  const { filter } = props;
  const key = JSON.stringify([filter.service ?? '', filter.territory ?? '', filter.kind ?? '', filter.text ?? '']);
  return (
    <form class="filters annuaire-filtres" method="get" action="/annuaire" role="search" aria-label="Filtrer l’annuaire"
      dangerouslySetInnerHTML={{ __html: filterForms.get(key, () => <FilterFields filter={filter} />) }} />
  );
}

function FilterFields(props: { filter: ProviderFilter }) {
  const { filter } = props;
  return (
    <>
      <div>
        <label for="service">Service</label>
        <select id="service" name="service">
          <option value="">Tous les services</option>
          {Object.entries(SERVICES).map(([id, label]) => <Option value={id} label={label} selected={filter.service} />)}
        </select>
      </div>
      <div>
        <label for="territoire">Territoire</label>
        <select id="territoire" name="territoire">
          <option value="">Toute la France</option>
          <Option value={REMOTE} label="À distance" selected={filter.territory} />
          {regions().map((r) => (
            <optgroup label={r.name}>
              <Option value={r.id} label={`${r.name} (toute la région)`} selected={filter.territory} />
              {allTerritories().filter((t) => t.kind === 'departement' && t.region === r.id).map((d) => <Option value={d.id} label={territoryLabel(d.id)} selected={filter.territory} />)}
            </optgroup>
          ))}
        </select>
      </div>
      <div>
        <label for="type">Type de structure</label>
        <select id="type" name="type">
          <option value="">Tous les types</option>
          {Object.entries(PROVIDER_KINDS).map(([id, label]) => <Option value={id} label={label} selected={filter.kind} />)}
        </select>
      </div>
      <div>
        <label for="recherche">Mots-clés</label>
        <input id="recherche" name="q" type="search" maxLength={100} value={filter.text ?? ''} />
      </div>
      <div><button class="primary" type="submit">Filtrer</button></div>
    </>
  );
}

function Training(props: { provider: Provider }) {
  const t = props.provider.training;
  if (!t) return <span class="empty">non renseignée</span>;
  if (t.complete) return <span class="badge state-published">Parcours de formation terminé</span>;
  return <>{`${t.percent}\u202f% du parcours${t.parts.length ? ` (${t.parts.map((g) => groupTitles[g as Group] ?? g).join(', ')})` : ''}`}</>;
}

function ProviderItem(props: { provider: Provider; quotes: readonly Recommendation[]; wikiUrl: string | null }) {
  const p = props.provider;
  const said = props.quotes.filter((r) => r.quote && r.quoteConsent);
  return (
    <li class="provider" data-slug={p.slug}>
      <h3><a href={`/annuaire/${encodeURIComponent(p.slug)}`}>{p.name}</a></h3>
      <p class="meta">{`${PROVIDER_KINDS[p.kind]}${p.address ? ` — ${p.address.city}` : ''}`}</p>
      <p>{p.description}</p>
      <dl>
        <dt>Services</dt><dd>{p.services.map((s) => SERVICES[s]).join(', ')}</dd>
        <dt>Territoires</dt><dd>{p.territories.map(territoryLabel).join(', ')}</dd>
        <dt>Recommandations vérifiées</dt><dd data-col="recommandations">{String(p.verifiedCount)}</dd>
        <dt>Formation</dt><dd><Training provider={p} /></dd>
        {p.website ? <><dt>Site</dt><dd><a href={p.website} rel="nofollow noopener">{p.website}</a></dd></> : null}
        {p.publicContact ? <><dt>Contact</dt><dd>{p.publicContact}</dd></> : null}
      </dl>
      {said.map((r) => (
        <blockquote>
          <p>{`« ${r.quote ?? ''} »`}</p>
          <footer>{`— ${r.associationName}, ${r.periodStart}`}</footer>
        </blockquote>
      ))}
      {props.wikiUrl ? <p><a href={props.wikiUrl}>Fiche sur le wiki des communs</a></p> : null}
    </li>
  );
}

export interface DirectoryPageData {
  filter: ProviderFilter;
  providers: readonly Provider[];
  totalCount: number;
  page: number;
  pageCount: number;
  /** A page's URL, the filters kept. */
  pageUrl: (page: number) => string;
  quotes: readonly Recommendation[];
  wikiUrl: (p: Provider) => string | null;
  /** The map, absent when the directory could not be read. */
  map?: MapPlan | undefined;
  /** A French message when the filter was refused or the page does not exist. */
  error?: string | undefined;
}

/** The page's content, inside the web layer's shell. */
export function DirectoryContent(d: DirectoryPageData) {
  const n = d.totalCount;
  const filtered = Object.values(d.filter).some((v) => v !== null && v !== undefined && v !== '');
  return (
    <>
      <p>Des structures (hébergeurs CHATONS, entreprises du libre, associations) formées pour accompagner les associations vers des outils libres, et <strong>recommandées par des associations</strong> après un ou plusieurs projets réussis. Chaque recommandation est vérifiée par l’équipe d’animation à l’aide d’un questionnaire de critères vérifiables.</p>
      <p class="annuaire-liens">
        <a href="/annuaire/declarer">Déclarer votre structure</a>
        <a href="/annuaire.geojson">Les structures au format GeoJSON (pour uMap ou un outil OpenStreetMap)</a>
      </p>
      {d.error ? <p class="error" role="alert">{d.error}</p> : null}
      <Filters filter={d.filter} />
      <h2 id="titre-resultats">{`${n} structure${n > 1 ? 's' : ''} recommandée${n > 1 ? 's' : ''}`}</h2>
      {d.map && d.map.shown + d.map.left > 0 ? <DirectoryMap plan={d.map} /> : null}
      {d.providers.length ? (
        <ul class="providers" id="resultats">
          {d.providers.map((p) => <ProviderItem provider={p} quotes={d.quotes.filter((r) => r.providerId === p.id)} wikiUrl={d.wikiUrl(p)} />)}
        </ul>
      ) : n > 0 ? null : d.error || filtered ? (
        <p class="empty" id="aucun-resultat">Aucune structure recommandée ne correspond à ces critères. Élargissez le territoire ou retirez un filtre.</p>
      ) : (
        <p class="empty" id="aucun-resultat">L’annuaire ne compte encore aucune structure : une structure y figure une fois validée par l’équipe d’animation et recommandée par une association qu’elle a accompagnée.</p>
      )}
      <PageNav label="Pages de l’annuaire" page={d.page} pages={d.pageCount} href={d.pageUrl} />
    </>
  );
}
