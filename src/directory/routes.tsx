/**
 *   GET /annuaire           the public directory (filters: service, territoire, type, q; page: page)
 *   GET /annuaire.geojson   listed providers with coordinates, RFC 7946
 *   GET /annuaire/carte/fond-<hash>.svg   the map's background (contours, insets)
 *
 * /annuaire reads a page in four queries whatever its size: the page's rows, the count, the
 * page's verified quotes, and the map's points (each matching provider up to 300 of them, else
 * one row per département, counted by the store).
 */
import express, { type Router } from 'express';
import type { Web } from '../web/web.js';
import { providersGeoJson } from './geojson.js';
import type { ProviderFilter } from './inputs.js';
import { FilterSummaries, mapData, providersPage } from './listing.js';
import { MAP_BACKGROUND, MAP_BACKGROUND_URL } from './map/background.js';
import { planGroups, planMap } from './map/map.js';
import { DirectoryError, type Provider } from './model.js';
import { DIRECTORY_CSS, DirectoryContent, type DirectoryPageData } from './page.js';
import type { DirectoryService } from './service.js';
import { providerPageTitle } from './wiki-pages.js';

export const PAGE_SIZE = 20;

/** Page numbers past this are refused (a typo, a robot): 20,000 pages of 20 is a big directory. */
const MAX_PAGE = 20_000;

const one = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 200) : null);

export interface DirectoryRoutesOptions {
  /** The wiki's page URL for a title; absent: no wiki links. */
  wikiPageUrl?: ((title: string) => string) | undefined;
}

/** `/annuaire?…` with the filters that are set, and `page` past the first. */
export function directoryUrl(filter: ProviderFilter, page = 1): string {
  const params = new URLSearchParams();
  if (filter.service) params.set('service', filter.service);
  if (filter.territory) params.set('territoire', filter.territory);
  if (filter.kind) params.set('type', filter.kind);
  if (filter.text) params.set('q', filter.text);
  if (page > 1) params.set('page', String(page));
  return params.size ? `/annuaire?${params}` : '/annuaire';
}

export function createDirectoryRouter(directory: DirectoryService, web: Web, options: DirectoryRoutesOptions = {}): Router {
  const router = express.Router();
  const wikiUrl = (p: Provider) => (options.wikiPageUrl ? options.wikiPageUrl(providerPageTitle(p)) : null);
  // A filter's count and map, until the directory changes (listing.ts).
  const summaries = new FilterSummaries();

  router.get('/annuaire', web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      // As typed: providerFilterSchema checks it in listing.ts (a refusal is a French 400 below).
      const filter = { service: one(req.query.service), territory: one(req.query.territoire), kind: one(req.query.type), text: one(req.query.q) } as ProviderFilter;
      const asked = one(req.query.page);
      const page = asked && /^\d{1,6}$/.test(asked) ? Number(asked) : 1;
      const send = (status: number, data: DirectoryPageData) =>
        web.send(res, status, { title: 'Annuaire des prestataires recommandés', section: 'annuaire', context, stylesheets: [DIRECTORY_CSS], children: <DirectoryContent {...data} /> });
      const empty = { providers: [], totalCount: 0, page: 1, pageCount: 1, quotes: [], wikiUrl, pageUrl: (n: number) => directoryUrl({}, n) };
      if (page < 1 || page > MAX_PAGE || (asked !== null && String(page) !== asked)) {
        return void send(400, { ...empty, filter, pageUrl: (n) => directoryUrl(filter, n), error: 'Numéro de page invalide : choisissez une page dans la liste des pages.' });
      }
      let rows;
      const kept = await summaries.of(directory.db, filter);
      try {
        rows = await providersPage(directory.db, filter, page, PAGE_SIZE, kept.summary);
      } catch (err) {
        if (!(err instanceof DirectoryError)) throw err;
        return void send(400, { ...empty, filter: {}, error: err.message });
      }
      const listUrl = (departement: string) => directoryUrl({ ...filter, territory: departement });
      const [quotes, map] = await Promise.all([
        directory.recommendations(rows.providers.map((p) => p.id), ['verified']),
        kept.summary?.map ?? mapData(directory.db, filter, rows.totalCount).then((points) => ('groups' in points ? planGroups(points.groups, listUrl) : planMap(points.providers, listUrl))),
      ]);
      kept.keep({ totalCount: rows.totalCount, map });
      const pageUrl = (n: number) => directoryUrl(filter, n);
      const outOfRange = rows.totalCount > 0 && page > rows.pageCount;
      send(outOfRange ? 404 : 200, {
        filter, quotes, wikiUrl, pageUrl, map,
        providers: rows.providers, totalCount: rows.totalCount, page: outOfRange ? rows.pageCount : page, pageCount: rows.pageCount,
        error: outOfRange ? `La page ${page} n’existe pas : la liste compte ${rows.pageCount} page${rows.pageCount > 1 ? 's' : ''}.` : undefined,
      });
    } catch (err) {
      next(err);
    }
  });

  // The map's background: one drawing whose URL changes with it, cached by browsers for a year.
  router.get(MAP_BACKGROUND_URL, (_req, res) => {
    res.type('image/svg+xml').set('Cache-Control', 'public, max-age=31536000, immutable').send(MAP_BACKGROUND);
  });

  router.get('/annuaire.geojson', async (req, res) => {
    try {
      const origin = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
      const geo = providersGeoJson(await directory.listed(), (p) => wikiUrl(p) ?? `${origin}/annuaire?q=${encodeURIComponent(p.name)}`);
      res.type('application/geo+json').set('Access-Control-Allow-Origin', '*').send(JSON.stringify(geo));
    } catch {
      res.status(503).json({ error: 'L’annuaire n’a pas pu être lu. Réessayez dans un instant.' });
    }
  });
  return router;
}
