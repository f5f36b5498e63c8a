/**
 * Filters and pages of the cohort grid, from the dashboard's query string (GET form, no script):
 * by name, by state (overall, or of one module), by last activity since a date; 50 per page, so
 * a cohort of 2,000 learners stays a light page.
 */
import { z } from 'zod';
import type { LearnerRow, ModuleColumn } from './data.js';
import { PageNav } from '../web/pager.js';

export const PAGE_SIZE = 50;

const STATES = ['tous', 'termine', 'en-cours', 'bloque', 'echoue', 'pas-commence'] as const;
export type StateFilter = (typeof STATES)[number];

export const STATE_FILTER_LABELS: Record<StateFilter, string> = {
  tous: 'Tous les états',
  termine: 'Terminé',
  'en-cours': 'En cours',
  bloque: 'Bloqué·e',
  echoue: 'Échoué',
  'pas-commence': 'Non commencé',
};

const querySchema = z.object({
  q: z.string().trim().max(100).catch(''),
  etat: z.enum(STATES).catch('tous'),
  module: z.string().trim().max(200).catch(''),
  depuis: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).or(z.literal('')).catch(''),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

export type CohortFilter = z.infer<typeof querySchema>;

/** The filter a query string asks for; anything unreadable falls back to "everything, page 1". */
export function parseCohortFilter(query: unknown): CohortFilter {
  const raw = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>;
  const first = (v: unknown) => (Array.isArray(v) ? v[0] : v) ?? undefined;
  return querySchema.parse({ q: first(raw.q) ?? '', etat: first(raw.etat), module: first(raw.module) ?? '', depuis: first(raw.depuis) ?? '', page: first(raw.page) });
}

export interface CohortPage {
  learners: LearnerRow[];
  /** Learners matching the filter, over all pages. */
  matching: number;
  page: number;
  pages: number;
  filter: CohortFilter;
}

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function matchesState(l: LearnerRow, state: StateFilter, moduleIndex: number): boolean {
  if (state === 'tous') return true;
  if (moduleIndex >= 0) {
    const s = l.states[moduleIndex];
    if (state === 'termine') return s === 'done';
    if (state === 'echoue') return s === 'failed';
    if (state === 'pas-commence' || state === 'en-cours') return s === 'not_started';
    return l.stalled && s !== 'done';
  }
  if (state === 'termine') return l.percent === 100;
  if (state === 'bloque') return l.stalled;
  if (state === 'echoue') return l.states.includes('failed');
  if (state === 'pas-commence') return l.doneCount === 0;
  return l.doneCount > 0 && l.percent < 100;
}

/** The test a learner's row must pass to be kept by `filter` (the grid's pages and the exports). */
export function learnerFilter(modules: readonly ModuleColumn[], filter: CohortFilter): (l: LearnerRow) => boolean {
  const q = fold(filter.q);
  const moduleIndex = filter.module ? modules.findIndex((m) => m.slug === filter.module) : -1;
  const since = filter.depuis ? `${filter.depuis}T00:00:00` : '';
  return (l) =>
    (!q || fold(l.name).includes(q) || fold(l.username).includes(q)) &&
    matchesState(l, filter.etat, moduleIndex) &&
    (!since || (l.lastActivityAt !== null && l.lastActivityAt >= since));
}

/** The learners of one page of the filtered grid. */
export function cohortPage(learners: readonly LearnerRow[], modules: readonly ModuleColumn[], filter: CohortFilter): CohortPage {
  const matching = learners.filter(learnerFilter(modules, filter));
  const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  const page = Math.min(filter.page, pages);
  return { learners: matching.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE), matching: matching.length, page, pages, filter: { ...filter, page } };
}

/** The query string of a filter (for pagination links and the export), without empty fields. */
export function filterQuery(filter: CohortFilter, overrides: Partial<CohortFilter> = {}): string {
  const f = { ...filter, ...overrides };
  const params = new URLSearchParams();
  if (f.q) params.set('q', f.q);
  if (f.etat !== 'tous') params.set('etat', f.etat);
  if (f.module) params.set('module', f.module);
  if (f.depuis) params.set('depuis', f.depuis);
  if (f.page > 1) params.set('page', String(f.page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The GET form of the filters. */
export function FilterForm(props: { view: CohortPage; modules: readonly ModuleColumn[] }) {
  const f = props.view.filter;
  return (
    <form class="filters" method="get" action="" aria-label="Filtrer la cohorte">
      <p><label for="filtre-nom">Nom</label><input id="filtre-nom" name="q" type="search" value={f.q} maxLength={100} /></p>
      <p>
        <label for="filtre-module">Module</label>
        <select id="filtre-module" name="module">
          <option value="">Tout le parcours</option>
          {props.modules.map((m) => <option value={m.slug} selected={m.slug === f.module}>{`${m.order}. ${m.title}`}</option>)}
        </select>
      </p>
      <p>
        <label for="filtre-etat">État</label>
        <select id="filtre-etat" name="etat">
          {STATES.map((s) => <option value={s} selected={s === f.etat}>{STATE_FILTER_LABELS[s]}</option>)}
        </select>
      </p>
      <p><label for="filtre-depuis">Actif·ve depuis le</label><input id="filtre-depuis" name="depuis" type="date" value={f.depuis} /></p>
      <p><button type="submit">Filtrer</button> <a href="?">Tout afficher</a></p>
    </form>
  );
}

/** "Page 2 sur 40" with previous and next links, and the page numbers. */
export function Pagination(props: { view: CohortPage }) {
  const view = props.view;
  return <PageNav label="Pages de la cohorte" page={view.page} pages={view.pages} href={(page) => filterQuery(view.filter, { page }) || '?'} />;
}
