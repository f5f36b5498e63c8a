/**
 *   GET /annuaire           the public directory (filters: service, territoire, type, q; page: apres)
 *   GET /annuaire.geojson   listed providers with coordinates, RFC 7946
 */
import express, { type Router } from 'express';
import { providersGeoJson } from './geojson.js';
import type { ProviderFilter } from './inputs.js';
import { DirectoryError, type Provider } from './model.js';
import { directoryPage, DIRECTORY_CSS_HASH } from './page.js';
import type { DirectoryService } from './service.js';
import { providerPageTitle } from './wiki-pages.js';

export const PAGE_SIZE = 20;

const one = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 200) : null);

export interface DirectoryRoutesOptions {
  /** The wiki's page URL for a title; absent: no wiki links. */
  wikiPageUrl?: ((title: string) => string) | undefined;
}

export function createDirectoryRouter(directory: DirectoryService, options: DirectoryRoutesOptions = {}): Router {
  const router = express.Router();
  const wikiUrl = (p: Provider) => (options.wikiPageUrl ? options.wikiPageUrl(providerPageTitle(p)) : null);

  router.get('/annuaire', async (req, res) => {
    res.set({
      'Content-Security-Policy': `default-src 'none'; style-src ${DIRECTORY_CSS_HASH}; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'same-origin',
    });
    const query = { service: one(req.query.service), territory: one(req.query.territoire), kind: one(req.query.type), text: one(req.query.q) };
    const after = one(req.query.apres);
    const filter: ProviderFilter = query as ProviderFilter;
    try {
      const page = await directory.providers(query, PAGE_SIZE, after);
      const quotes = await directory.recommendations(page.providers.map((p) => p.id), ['verified']);
      const params = new URLSearchParams(Object.entries({ service: query.service, territoire: query.territory, type: query.kind, q: query.text }).filter((e): e is [string, string] => e[1] !== null));
      const nextUrl = page.hasNextPage && page.endCursor ? `/annuaire?${new URLSearchParams([...params, ['apres', page.endCursor]])}` : null;
      const firstUrl = after ? `/annuaire${params.size ? `?${params}` : ''}` : null;
      res.type('html').send(directoryPage({ filter, page, quotes, nextUrl, firstUrl, wikiUrl }));
    } catch (err) {
      if (!(err instanceof DirectoryError)) {
        res.status(500).type('html').send(directoryPage({ filter: {}, page: { providers: [], totalCount: 0, hasNextPage: false, endCursor: null }, quotes: [], nextUrl: null, firstUrl: null, wikiUrl, error: 'L’annuaire n’a pas pu être lu. Réessayez dans un instant.' }));
        return;
      }
      const empty = { providers: [], totalCount: 0, hasNextPage: false, endCursor: null };
      res.status(400).type('html').send(directoryPage({ filter: {}, page: empty, quotes: [], nextUrl: null, firstUrl: '/annuaire', wikiUrl, error: err.message }));
    }
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
