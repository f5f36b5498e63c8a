/**
 * /annuaire's numbered pages and map over a real store of 2,001 listed providers (101 pages of
 * 20): page numbers with the first and the last, the last page one click away, the filters kept
 * in every page link and applied to the map's points, and a bounded number of queries a page whatever its rank.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AREAS } from '../../src/directory/map/projection.js';
import { createDirectoryRouter, PAGE_SIZE } from '../../src/directory/routes.js';
import type { DirectoryService } from '../../src/directory/service.js';
import type { StoreDb } from '../../src/store/database.js';
import { Web } from '../../src/web/web.js';
import { sqliteBackend } from '../support/postgres.js';
import { directoryOn } from './fixtures.js';
import { seedProviders, spreadProviders } from './map-seed.js';

const HOSTILE = '<script>alert(1)</script> [[x]] ~~~~';

let store: StoreDb;
let server: ReturnType<express.Express['listen']>;
let base: string;
let queries = 0;
let directory: DirectoryService;

beforeAll(async () => {
  store = await sqliteBackend.open();
  directory = await directoryOn(store);
  await seedProviders(directory, [
    ...spreadProviders(2000),
    { name: HOSTILE, territories: ['75'], city: 'Paris', postalCode: '75011', lat: 48.86, lon: 2.38 },
  ]);
  // Every query the page runs goes through this plugin: the spec counts them.
  const counter: KyselyPlugin = { transformQuery: (args) => (queries++, args.node), transformResult: async (args) => args.result };
  const counted = Object.create(directory, { db: { value: directory.db.withPlugin(counter) } }) as DirectoryService;
  const app = express();
  app.use(createDirectoryRouter(counted, new Web()));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await store?.close();
});

async function get(path: string): Promise<{ status: number; html: string }> {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, html: await res.text() };
}

/** The pager's links, as `number → href` (`&amp;` read back). */
function pageLinks(html: string): Map<string, string> {
  const nav = /<nav class="pages"[^>]*>([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? '';
  return new Map([...nav.matchAll(/<li><a href="([^"]+)"[^>]*>(\d+)<\/a><\/li>/g)].map((m) => [m[2]!, m[1]!.replace(/&amp;/g, '&')]));
}

const current = (html: string) => /<span aria-current="page">(\d+)<\/span>/.exec(html)?.[1];
const slugs = (html: string) => [...html.matchAll(/<li class="provider" data-slug="([^"]+)"/g)].map((m) => m[1]);

describe('/annuaire’s numbered pages', () => {
  it('links the first, the last and the pages around the current one, and reaches the last in one click', async () => {
    const first = await get('/annuaire');
    expect(first.status).toBe(200);
    expect(first.html).toContain('2001 structures recommandées');
    expect(slugs(first.html)).toHaveLength(PAGE_SIZE);
    expect(current(first.html)).toBe('1');
    const links = pageLinks(first.html);
    expect([...links.keys()]).toEqual(['2', '3', '101']);
    expect(first.html).toContain('<li aria-hidden="true">…</li>');
    expect(first.html).toContain('Page 1 sur 101');

    const last = await get(links.get('101')!);
    expect(last.status).toBe(200);
    expect(current(last.html)).toBe('101');
    // By folded name, the hostile « <script>… » comes first: the last page holds « Structure 2000 ».
    expect(slugs(last.html)).toEqual(['structure-2000']);
    expect([...pageLinks(last.html).keys()]).toEqual(['1', '99', '100']);
    expect(last.html).toContain('rel="prev" href="/annuaire?page=100"');
    expect(last.html).not.toContain('rel="next"');

    const middle = await get('/annuaire?page=50');
    expect([...pageLinks(middle.html).keys()]).toEqual(['1', '48', '49', '51', '52', '101']);
    // Each page is the next 20 by name: no provider shown twice, none skipped.
    const second = await get('/annuaire?page=2');
    expect(slugs(first.html).at(-1)).toBe('structure-0019');
    expect(slugs(second.html)[0]).toBe('structure-0020');
  });

  it('keeps the filters in every page link and applies them to the map’s points', async () => {
    // Every tenth provider is in Fort-de-France: 200 of them, 10 pages.
    const page = await get('/annuaire?service=formation&territoire=972&page=4');
    expect(page.status).toBe(200);
    expect(page.html).toContain('200 structures recommandées');
    expect(current(page.html)).toBe('4');
    const links = pageLinks(page.html);
    expect([...links.keys()]).toEqual(['1', '2', '3', '5', '6', '10']);
    expect(links.get('1')).toBe('/annuaire?service=formation&territoire=972');
    for (const [n, href] of links) if (n !== '1') expect(href).toBe(`/annuaire?service=formation&territoire=972&page=${n}`);
    expect(page.html).toContain('rel="next" href="/annuaire?service=formation&amp;territoire=972&amp;page=5"');
    expect(page.html).toContain('<option value="972" selected>');

    // The map: the 200 matching providers, each its own link, all in the Martinique inset.
    const svg = /<svg[\s\S]*<\/svg>/.exec(page.html)![0];
    const points = [...svg.matchAll(/<a href="\/annuaire\/([^"]+)"><title>[^<]*<\/title><circle cx="([\d.]+)" cy="([\d.]+)"/g)];
    expect(points).toHaveLength(200);
    const box = AREAS.find((a) => a.id === '972')!.box;
    for (const [, , x, y] of points) {
      expect(Number(x)).toBeGreaterThanOrEqual(box.x);
      expect(Number(x)).toBeLessThanOrEqual(box.x + box.width);
      expect(Number(y)).toBeGreaterThanOrEqual(box.y);
      expect(Number(y)).toBeLessThanOrEqual(box.y + box.height);
    }
    expect(page.html).toContain('200 structures sur la carte (chaque point mène à la fiche de la structure)');
  });

  it('groups the map by département past 300 points, each mark linking to the list filtered on it', async () => {
    const { html } = await get('/annuaire?service=hebergement');
    expect(html).toContain('2001 structures sur la carte, regroupées par département');
    const marks = [...html.matchAll(/<a href="([^"]+)" class="groupe"><title>([^<]+)<\/title>/g)].map((m) => [m[1]!.replace(/&amp;/g, '&'), m[2]]);
    expect(marks).toHaveLength(10);
    expect(marks).toContainEqual(['/annuaire?service=hebergement&territoire=75', 'Paris (75) : 201 structures']);
    expect(marks).toContainEqual(['/annuaire?service=hebergement&territoire=972', 'Martinique (972) : 200 structures']);
  });

  it('shows a hostile name as text in the list and on the map', async () => {
    const { html } = await get('/annuaire?q=alert');
    expect(html).toContain('1 structure recommandée');
    expect(html).toContain('<title>&lt;script>alert(1)&lt;/script> [[x]] ~~~~</title>');
    expect(html).toContain('>&lt;script>alert(1)&lt;/script> [[x]] ~~~~</a></h3>');
    expect(html).not.toContain('<script');
    expect(html).toContain('href="/annuaire/script-alert-1-script-x"');
  });

  it('reads a filter\'s first page in five queries, then any other page of it in three, the first or the last', async () => {
    // First read of a filter: the change marker, the rows, the count, the quotes, the map.
    for (const path of ['/annuaire?q=Structure', '/annuaire?territoire=auvergne-rhone-alpes&page=3']) {
      queries = 0;
      expect((await get(path)).status).toBe(200);
      expect(queries, path).toBe(5);
    }
    // The same filters again, another page: the count and the map are kept while nothing changed.
    for (const path of ['/annuaire?q=Structure&page=100', '/annuaire?territoire=auvergne-rhone-alpes']) {
      queries = 0;
      expect((await get(path)).status).toBe(200);
      expect(queries, path).toBe(3);
    }
  });

  it('counts again after any write to the directory (its change marker moved)', async () => {
    const count = (html: string) => Number(/<h2 id="titre-resultats">(\d+) structure/.exec(html)?.[1]);
    const n = count((await get('/annuaire?territoire=976')).html);
    expect(count((await get('/annuaire?territoire=976')).html)).toBe(n);
    await seedProviders(directory, [{ name: 'Nouvelle structure mahoraise', territories: ['976'], city: 'Mamoudzou', postalCode: '97600', lat: -12.78, lon: 45.23 }]);
    queries = 0;
    expect(count((await get('/annuaire?territoire=976')).html)).toBe(n + 1);
    expect(queries).toBe(5);
  });

  it('says so for a page past the last or a page number that is not one, in French', async () => {
    const past = await get('/annuaire?territoire=972&page=11');
    expect(past.status).toBe(404);
    expect(past.html).toContain('La page 11 n’existe pas : la liste compte 10 pages.');
    expect(pageLinks(past.html).get('1')).toBe('/annuaire?territoire=972');
    for (const bad of ['0', '-2', 'deux', '1e3', '9999999']) {
      const res = await get(`/annuaire?page=${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.html).toContain('Numéro de page invalide');
    }
  });
});

describe('the map’s background', () => {
  it('is one SVG file of every contour and inset, linked from the map, served for a year under an address that carries its hash', async () => {
    const { html } = await get('/annuaire');
    const href = /<image class="fond" href="(\/annuaire\/carte\/fond-[0-9a-f]{12}\.svg)"/.exec(html)?.[1];
    expect(href).toBeDefined();
    // The page no longer carries the contours itself.
    expect(html).not.toContain('<path');
    const res = await fetch(`${base}${href}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const svg = await res.text();
    expect(svg.match(/<path d="M/g)?.length).toBeGreaterThanOrEqual(101);
    for (const area of AREAS.slice(1)) expect(svg).toContain(`>${area.label}</text>`);
    // Another address of the same shape is not a background.
    expect((await fetch(`${base}/annuaire/carte/fond-000000000000.svg`)).status).toBe(404);
  });
});
