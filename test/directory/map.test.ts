/**
 * /annuaire's map drawn on the server: the projection and its overseas insets, the points inside
 * the drawing, a Martinique provider in its inset, one mark per département past the limit, and
 * a hostile name shown as text.
 */
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { DirectoryMap, planMap, type MapProvider } from '../../src/directory/map/map.js';
import {
  AREAS, CONTOURS, MAP_HEIGHT, MAP_WIDTH, areaOf, departementAt, departementOfPostalCode, departementPath, project, projectIn,
} from '../../src/directory/map/projection.js';
import { allTerritories } from '../../src/directory/territories.js';

const area = (id: string) => AREAS.find((a) => a.id === id)!;
const inBox = ([x, y]: [number, number], box: { x: number; y: number; width: number; height: number }) => x >= box.x && x <= box.x + box.width && y >= box.y && y <= box.y + box.height;
const provider = (slug: string, lat: number | null, lon: number | null, postalCode: string | null = null, name = slug): MapProvider => ({ slug, name, lat, lon, postalCode });
const HOSTILE = '<script>alert(1)</script> [[x]] ~~~~';

describe('the map’s projection', () => {
  it('has a contour for each of the 101 départements, overseas included', () => {
    const departements = allTerritories().filter((t) => t.kind === 'departement').map((t) => t.id).sort();
    expect(CONTOURS.map((c) => c.code).sort()).toEqual(departements);
    for (const c of CONTOURS) expect(c.rings.length, c.code).toBeGreaterThan(0);
  });

  it('draws every contour inside the drawing, each overseas one in its own inset', () => {
    for (const c of CONTOURS) {
      const box = (AREAS.find((a) => a.id === c.code) ?? area('metropole')).box;
      const points = [...departementPath(c).matchAll(/(\d+) (\d+)/g)].map((m) => [Number(m[1]), Number(m[2])] as [number, number]);
      expect(points.length, c.code).toBeGreaterThan(2);
      for (const p of points) {
        expect(p[0] >= 0 && p[0] <= MAP_WIDTH && p[1] >= 0 && p[1] <= MAP_HEIGHT, `${c.code} ${p.join(',')}`).toBe(true);
        // Rounded to whole units: a unit of slack.
        expect(inBox(p, { x: box.x - 1, y: box.y - 1, width: box.width + 2, height: box.height + 2 }), `${c.code} ${p.join(',')}`).toBe(true);
      }
    }
  });

  it('puts north up and west left in metropolitan France: Lille above Marseille, Brest left of Strasbourg', () => {
    const lille = project(3.06, 50.63)!;
    const marseille = project(5.37, 43.3)!;
    const brest = project(-4.49, 48.39)!;
    const strasbourg = project(7.75, 48.58)!;
    expect(lille[1]).toBeLessThan(marseille[1]);
    expect(brest[0]).toBeLessThan(strasbourg[0]);
    // Equirectangular with x shrunk by the cosine of the middle latitude: distances east–west
    // and north–south keep their ratio (Paris–Strasbourg is about 400 km east, 30 km north).
    const paris = project(2.35, 48.86)!;
    const eastKm = (7.75 - 2.35) * 111.32 * Math.cos((46.2 * Math.PI) / 180);
    const northKm = (50.63 - 43.3) * 110.57;
    const ratio = (strasbourg[0] - paris[0]) / (marseille[1] - lille[1]);
    expect(ratio).toBeGreaterThan((eastKm / northKm) * 0.95);
    expect(ratio).toBeLessThan((eastKm / northKm) * 1.05);
  });

  it('sends each overseas point to its inset and leaves points abroad off the map', () => {
    expect(areaOf(2.35, 48.86)?.id).toBe('metropole');
    expect(areaOf(9.45, 42.7)?.id).toBe('metropole');
    expect(areaOf(-61.07, 14.6)?.id).toBe('972');
    expect(areaOf(-61.53, 16.24)?.id).toBe('971');
    expect(areaOf(-52.33, 4.93)?.id).toBe('973');
    expect(areaOf(55.45, -20.88)?.id).toBe('974');
    expect(areaOf(45.23, -12.78)?.id).toBe('976');
    expect(areaOf(-56.18, 46.78)).toBeUndefined(); // Saint-Pierre-et-Miquelon: no inset
    expect(areaOf(-73.57, 45.5)).toBeUndefined(); // Montréal
    expect(project(-73.57, 45.5)).toBeUndefined();
    expect(inBox(projectIn(area('972'), -61.07, 14.6), area('972').box)).toBe(true);
  });

  it('finds a provider’s département by its postal code, else by its point', () => {
    expect(departementOfPostalCode('69007')).toBe('69');
    expect(departementOfPostalCode('20090')).toBe('2A');
    expect(departementOfPostalCode('20200')).toBe('2B');
    expect(departementOfPostalCode('97200')).toBe('972');
    expect(departementOfPostalCode('BP 12')).toBeUndefined();
    expect(departementAt(4.84, 45.75)).toBe('69');
    expect(departementAt(-61.0, 14.65)).toBe('972');
    expect(departementAt(-30, 40)).toBeUndefined();
  });
});

describe('the map’s marks', () => {
  it('draws one link per provider inside the drawing, a Martinique provider in its inset, and counts those it cannot place', () => {
    const plan = planMap([
      provider('lyon', 45.75, 4.84), provider('fort-de-france', 14.6, -61.07), provider('sans-adresse', null, null), provider('montreal', 45.5, -73.57),
    ], (code) => `/annuaire?territoire=${code}`);
    expect(plan.aggregated).toBe(false);
    expect(plan.shown).toBe(2);
    expect(plan.left).toBe(2);
    const martinique = plan.markers.find((m) => m.href === '/annuaire/fort-de-france')!;
    expect(inBox([martinique.x, martinique.y], area('972').box)).toBe(true);
    const lyon = plan.markers.find((m) => m.href === '/annuaire/lyon')!;
    expect(inBox([lyon.x, lyon.y], area('metropole').box)).toBe(true);

    const html = renderToString(h(DirectoryMap, { plan }));
    expect(html).toContain(`viewBox="0 0 ${MAP_WIDTH} ${MAP_HEIGHT}"`);
    expect(html).toContain('<a href="/annuaire/fort-de-france"><title>fort-de-france</title><circle');
    expect(html).toContain('2 structures sur la carte');
    expect(html).toContain('2 structures sans adresse située n’y figurent pas');
    for (const m of html.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)) {
      expect(Number(m[1])).toBeLessThanOrEqual(MAP_WIDTH);
      expect(Number(m[2])).toBeLessThanOrEqual(MAP_HEIGHT);
    }
  });

  it('shows a hostile name as text in the point’s title', () => {
    const html = renderToString(h(DirectoryMap, { plan: planMap([provider('hostile', 48.86, 2.38, '75011', HOSTILE)], () => '') }));
    expect(html).toContain('<title>&lt;script>alert(1)&lt;/script> [[x]] ~~~~</title>');
    expect(html).not.toContain('<script');
  });

  it('past the limit, draws one mark per département with its count, linking to the list filtered on it', () => {
    const many = [
      ...Array.from({ length: 4 }, (_, i) => provider(`lyon-${i}`, 45.75, 4.84 + i * 0.01, '69007')),
      ...Array.from({ length: 2 }, (_, i) => provider(`fdf-${i}`, 14.6, -61.07, '97200')),
      provider('sans-code', 48.11, -1.68),
    ];
    const plan = planMap(many, (code) => `/annuaire?service=formation&territoire=${code}`, 5);
    expect(plan.aggregated).toBe(true);
    expect(plan.shown).toBe(7);
    expect(plan.markers.map((m) => [m.title, m.count, m.href])).toEqual([
      ['Rhône (69) : 4 structures', 4, '/annuaire?service=formation&territoire=69'],
      ['Martinique (972) : 2 structures', 2, '/annuaire?service=formation&territoire=972'],
      ['Ille-et-Vilaine (35) : 1 structure', 1, '/annuaire?service=formation&territoire=35'],
    ]);
    const martinique = plan.markers[1]!;
    expect(inBox([martinique.x, martinique.y], area('972').box)).toBe(true);
    const html = renderToString(h(DirectoryMap, { plan }));
    expect(html).toContain('regroupées par département');
    expect(html).toContain('href="/annuaire?service=formation&amp;territoire=69" class="groupe"><title>Rhône (69) : 4 structures</title>');
  });
});
