/**
 * What stays private never reaches a public place: no page of /annuaire (any results page, any
 * filter), no GeoJSON feature and no wiki fiche shows a recommendation's verification contact or
 * a quote its association did not agree to publish (the GraphQL side is in graphql.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishDirectory } from '../../src/directory/wiki.js';
import type { WikiClient } from '../../src/wiki/client.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { ANON, FACILITATOR, listedProvider, recommendation } from './fixtures.js';
import { startDirectoryGateway, type DirectoryGateway } from './support.js';

const SECRET_DOMAIN = 'secret-verification.example.net';
const PRIVATE_QUOTE = 'Citation que l’association n’a pas voulu publier';
const PUBLIC_QUOTE = 'Citation publiée avec accord';

describe('private contacts on public pages', { timeout: 120_000 }, () => {
  let wiki: LocalWiki;
  let client: WikiClient;
  let gw: DirectoryGateway;
  const titles: string[] = [];

  beforeAll(async () => {
    wiki = await startWiki();
    client = await wiki.botClient();
    gw = await startDirectoryGateway(wiki);
    const directory = gw.runtime.deps.directory!;
    // 22 listed providers: /annuaire has a second page. Each has a verified recommendation with a
    // private contact and a quote published with consent, another verified one whose quote was not
    // consented, and a pending one.
    for (let i = 1; i <= 22; i++) {
      const name = `Structure Témoin ${String(i).padStart(2, '0')}`;
      const p = await listedProvider(directory, name, {
        website: `https://temoin-${i}.example.org`, territories: ['35'], address: { street: null, postalCode: '35000', city: 'Rennes', lat: 48.11, lon: -1.68 },
      }, `203.0.113.${i}`);
      const ip = `198.51.100.${i}`;
      const first = (await directory.recommendations([p.id]))[0]!;
      expect(first.verificationContact).toContain('@');
      const shown = await directory.recommend(ANON, recommendation(p.slug, { associationName: `Association Publique ${i}`, rna: null, verificationContact: `public-${i}@${SECRET_DOMAIN}`, quote: PUBLIC_QUOTE, quoteConsent: true }), ip);
      await directory.verifyRecommendation(FACILITATOR, shown.id);
      const hidden = await directory.recommend(ANON, recommendation(p.slug, { associationName: `Association Discrète ${i}`, rna: null, verificationContact: `discrete-${i}@${SECRET_DOMAIN}`, quote: PRIVATE_QUOTE, quoteConsent: false }), ip);
      await directory.verifyRecommendation(FACILITATOR, hidden.id);
      await directory.recommend(ANON, recommendation(p.slug, { associationName: `Association en Attente ${i}`, rna: null, verificationContact: `attente-${i}@${SECRET_DOMAIN}` }), ip);
      titles.push((await directory.provider(p.slug))!.wikiTitle);
    }
  });
  afterAll(async () => {
    await gw?.close();
    await wiki?.stop();
  });

  /** Every private value of the fixtures, and the fixture's default verification contact. */
  function expectNothingPrivate(text: string) {
    expect(text).not.toContain(SECRET_DOMAIN);
    expect(text).not.toContain('bureau@jardins-plateau.example.net');
    expect(text).not.toContain('jardins-plateau.example.net');
    expect(text).not.toContain(PRIVATE_QUOTE);
    expect(text).not.toContain('n’a pas voulu publier');
  }

  it('shows no verification contact nor unconsented quote on any page of /annuaire', async () => {
    const pages: string[] = [];
    let url: string | null = `${gw.gateway.url}/annuaire`;
    while (url) {
      const html: string = await (await fetch(url)).text();
      pages.push(html);
      const next: string | undefined = /<a[^>]*rel="next"[^>]*href="([^"]+)"|<a[^>]*href="([^"]+)"[^>]*rel="next"/.exec(html)?.slice(1).find(Boolean);
      url = next ? new URL(next.replace(/&amp;/g, '&'), gw.gateway.url).href : null;
    }
    expect(pages).toHaveLength(2);
    for (const q of ['?q=Témoin', '?territoire=35', '?territoire=bretagne&service=hebergement', '?q=discrete', '?q=attente']) {
      pages.push(await (await fetch(`${gw.gateway.url}/annuaire${q}`)).text());
    }
    // The pages do show what is public: so they are the pages where a leak would be.
    expect(pages[0]).toContain('Structure Témoin 01');
    expect(pages.join('\n')).toContain(PUBLIC_QUOTE);
    for (const html of pages) expectNothingPrivate(html);
  });

  it('puts no verification contact in the GeoJSON feed', async () => {
    const res = await fetch(`${gw.gateway.url}/annuaire.geojson`);
    const text = await res.text();
    expect((JSON.parse(text) as { features: unknown[] }).features).toHaveLength(22);
    expectNothingPrivate(text);
  });

  it('publishes wiki fiches without them', async () => {
    const report = await publishDirectory(client, gw.runtime.deps.directory!);
    expect(report.failures).toEqual([]);
    const pages = await client.getPages([...titles, 'Annuaire'], { content: true });
    expect(pages.get(titles[0]!)!.content).toContain(PUBLIC_QUOTE);
    for (const page of pages.values()) {
      expect(page.exists).toBe(true);
      expectNothingPrivate(page.content ?? '');
    }
  });
});
