/**
 * /annuaire's map, drawn on the server as SVG: no script, no tile server. The départements'
 * contours, and a link per provider (or, when too many providers match to tell the points apart,
 * a link per département with its count, to the list filtered on it). The list below the map
 * stays the accessible equivalent; the map says in words how many providers it shows.
 */
import { FragmentsOf } from '../../web/fragments.js';
import { MAP_BACKGROUND_URL } from './background.js';
import { MAP_HEIGHT, MAP_WIDTH, areaOf, departementAt, departementOfPostalCode, projectIn } from './projection.js';
import { territoryLabel } from '../territories.js';

/** What the map needs of a provider. */
export interface MapProvider {
  slug: string;
  name: string;
  lat: number | null;
  lon: number | null;
  postalCode: string | null;
}

/** Providers of one département, as the store counts them (listing.ts). */
export interface MapGroup {
  /** From the postal code; null for a provider without one (placed by its point). */
  departement: string | null;
  count: number;
  /** How many of them have coordinates. */
  located: number;
  /** The mean point of those with coordinates. */
  lat: number | null;
  lon: number | null;
}

/** Past this many points, the map shows one mark per département with its count. */
export const MAX_MAP_POINTS = 300;

export interface MapMarker {
  x: number;
  y: number;
  href: string;
  /** The mark's accessible name and tooltip. */
  title: string;
  /** Providers behind the mark: 1 for a provider, more for a département. */
  count: number;
}

export interface MapPlan {
  markers: MapMarker[];
  /** Providers with coordinates on the map. */
  shown: number;
  /** Providers without coordinates, or whose coordinates fall outside every area. */
  left: number;
  aggregated: boolean;
}

const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;

/**
 * Where each matching provider goes. `listUrl(code)` is the list filtered on a département (the
 * page's other filters kept), for the aggregated marks.
 */
export function planMap(providers: readonly MapProvider[], listUrl: (departement: string) => string, maxPoints = MAX_MAP_POINTS): MapPlan {
  const placed: Array<{ p: MapProvider; x: number; y: number }> = [];
  let left = 0;
  for (const p of providers) {
    const area = p.lat === null || p.lon === null ? undefined : areaOf(p.lon, p.lat);
    if (!area || p.lat === null || p.lon === null) {
      left++;
      continue;
    }
    const [x, y] = projectIn(area, p.lon, p.lat);
    placed.push({ p, x, y });
  }
  if (placed.length <= maxPoints) {
    return {
      markers: placed.map(({ p, x, y }) => ({ x, y, href: `/annuaire/${encodeURIComponent(p.slug)}`, title: p.name, count: 1 })),
      shown: placed.length,
      left,
      aggregated: false,
    };
  }
  // One mark per département, at the mean of its providers' points.
  const groups: MapGroup[] = placed.map(({ p }) => ({ departement: departementOfPostalCode(p.postalCode) ?? null, count: 1, located: 1, lat: p.lat, lon: p.lon }));
  const plan = planGroups(groups, listUrl);
  return { ...plan, left: left + plan.left };
}

/** One mark per département with its count, from the store's groups (or the providers' own). */
export function planGroups(groups: readonly MapGroup[], listUrl: (departement: string) => string): MapPlan {
  const merged = new Map<string, { lat: number; lon: number; n: number }>();
  let left = 0;
  let shown = 0;
  for (const g of groups) {
    left += g.count - g.located;
    if (g.located === 0 || g.lat === null || g.lon === null || !areaOf(g.lon, g.lat)) {
      left += g.located;
      continue;
    }
    const code = g.departement ?? departementAt(g.lon, g.lat) ?? 'autre';
    const m = merged.get(code) ?? { lat: 0, lon: 0, n: 0 };
    m.lat += g.lat * g.located;
    m.lon += g.lon * g.located;
    m.n += g.located;
    merged.set(code, m);
    shown += g.located;
  }
  const markers = [...merged.entries()]
    .sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0]))
    .flatMap(([code, m]) => {
      const lat = m.lat / m.n;
      const lon = m.lon / m.n;
      const area = areaOf(lon, lat);
      if (!area) return [];
      const [x, y] = projectIn(area, lon, lat);
      return [{
        x, y,
        href: code === 'autre' ? '/annuaire' : listUrl(code),
        title: `${code === 'autre' ? 'Hors département connu' : territoryLabel(code)} : ${plural(m.n, 'structure', 'structures')}`,
        count: m.n,
      }];
    });
  return { markers, shown, left, aggregated: true };
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Each plan's drawing, rendered once: a plan is kept with its filter's summary (listing.ts). */
const drawn = new FragmentsOf<MapPlan>();

/** The figure: the caption says what the map shows, in words. */
export function DirectoryMap(props: { plan: MapPlan }) {
  return <figure class="carte" aria-labelledby="carte-legende" dangerouslySetInnerHTML={{ __html: drawn.get(props.plan, () => <MapDrawing plan={props.plan} />) }} />;
}

function MapDrawing(props: { plan: MapPlan }) {
  const { plan } = props;
  const largest = Math.max(1, ...plan.markers.map((m) => m.count));
  const caption = [
    plan.aggregated
      ? `${plural(plan.shown, 'structure', 'structures')} sur la carte, regroupées par département (chaque cercle indique leur nombre et mène à la liste du département)`
      : `${plural(plan.shown, 'structure', 'structures')} sur la carte (chaque point mène à la fiche de la structure)`,
    plan.left > 0 ? `${plural(plan.left, 'structure', 'structures')} sans adresse située n’y ${plan.left > 1 ? 'figurent' : 'figure'} pas` : '',
  ].filter(Boolean).join(' ; ');
  return (
    <>
      <figcaption id="carte-legende">{`Carte des structures : ${caption}. La liste ci-dessous donne les mêmes structures.`}</figcaption>
      <svg viewBox={`0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`} role="group" aria-label="Carte de France des structures" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">
        <image class="fond" href={MAP_BACKGROUND_URL} x="0" y="0" width={MAP_WIDTH} height={MAP_HEIGHT} aria-hidden="true" />
        <g class="marques">
          {plan.markers.map((m) =>
            m.count === 1 && !plan.aggregated ? (
              <a href={m.href}>
                <title>{m.title}</title>
                <circle cx={round(m.x)} cy={round(m.y)} r="13" />
              </a>
            ) : (
              <a href={m.href} class="groupe">
                <title>{m.title}</title>
                <circle cx={round(m.x)} cy={round(m.y)} r={round(14 + 22 * Math.sqrt(m.count / largest))} />
                <text x={round(m.x)} y={round(m.y)} dy="0.35em" text-anchor="middle" aria-hidden="true">{String(m.count)}</text>
              </a>
            ),
          )}
        </g>
      </svg>
    </>
  );
}
