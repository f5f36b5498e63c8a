import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { listedProvider } from './fixtures.js';
import { facilitator, startDirectoryGateway, type DirectoryGateway } from './support.js';

const yes = { answer: 'YES' };
const QUESTIONNAIRE = { delivered: yes, usersTrained: yes, documentationLeft: { answer: 'PARTIAL', comment: 'Guide à finir' }, supportAfter: yes, wouldRecommend: yes };

const PROVIDERS = `query($filter: ProviderFilter, $first: Int, $after: String) {
  providers(filter: $filter, first: $first, after: $after) {
    totalCount
    edges { cursor node { slug name kind services { id label } territories { id } verifiedRecommendationCount quotes { associationName quote } status } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const DECLARE = `mutation($input: ProviderInput!) { declareProvider(input: $input) { slug status listed } }`;
const RECOMMEND = `mutation($input: RecommendationInput!) { recommendProvider(input: $input) { id status message } }`;

describe('directory over HTTP (demo data, npm start wiring)', () => {
  let wiki: LocalWiki;
  let gw: DirectoryGateway;

  beforeAll(async () => {
    wiki = await startWiki();
    gw = await startDirectoryGateway(wiki, { POLLEN_DEMO: '1', POLLEN_DIRECTORY_RATE_LIMIT: '3' });
  });
  afterAll(async () => {
    await gw?.close();
    await wiki?.stop();
  });

  it('lists the demo directory with cursor pagination and a total count', async () => {
    const all = await gw.runtime.deps.directory!.listed();
    expect(all.length).toBe(27);
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    do {
      const { data, errors }: { data: any; errors?: unknown } = await gw.gateway.query(PROVIDERS, { first: 10, after });
      expect(errors).toBeUndefined();
      total = data!.providers.totalCount;
      seen.push(...data!.providers.edges.map((e: { node: { slug: string } }) => e.node.slug));
      after = data!.providers.pageInfo.hasNextPage ? data!.providers.pageInfo.endCursor : null;
    } while (after);
    expect(total).toBe(27);
    expect(seen).toEqual(all.map((p) => p.slug));
  });

  it('filters by service, territory and kind', async () => {
    const { data } = await gw.gateway.query(PROVIDERS, { filter: { service: 'FORMATION', territory: 'bretagne', kind: 'CHATONS' }, first: 20 });
    const nodes = data!.providers.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.slug)).toEqual(['hebergeurs-du-finistere']);
    expect(nodes[0].services.map((s: any) => s.label)).toContain('Formation des bénévoles et salariés');
    const near = await gw.gateway.query(PROVIDERS, { filter: { near: { lat: 45.76, lon: 4.84, radiusKm: 120 } }, first: 20 });
    expect(near.data!.providers.edges.map((e: any) => e.node.slug).sort()).toEqual(['collectif-docs-et-formations', 'les-chatons-du-vercors', 'logiciels-libres-du-leman']);
    const bad = await gw.gateway.query(PROVIDERS, { filter: { territory: 'atlantide' }, first: 5 });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.message).toContain('territoire inconnu');
  });

  it('shows anonymous callers public fields only; facilitators see contacts and pending items', async () => {
    const q = `{ provider(slug: "les-chatons-du-vercors") { status quotes { quote } recommendations { associationName verificationContact status } } }`;
    const anon = await gw.gateway.query(q);
    expect(anon.data?.provider).toMatchObject({ status: null, recommendations: null });
    expect(anon.data?.provider.quotes.length).toBeGreaterThan(0);
    expect(anon.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(JSON.stringify(anon)).not.toContain('example.net');
    const staff = await gw.gateway.query(q, undefined, facilitator);
    expect(staff.errors).toBeUndefined();
    expect(staff.data?.provider.status).toBe('APPROVED');
    expect(staff.data?.provider.recommendations[0].verificationContact).toMatch(/@.+\.example\.net$/);
    // A pending declaration is invisible to anonymous callers, visible to facilitators.
    const pending = `{ provider(slug: "orleans-services-libres") { name status } directoryModeration { pendingProviders { slug } pendingRecommendations { id provider { slug } } } }`;
    expect((await gw.gateway.query(pending)).data).toBeNull();
    const mod = await gw.gateway.query(pending, undefined, facilitator);
    expect(mod.data?.provider).toEqual({ name: 'Orléans Services Libres', status: 'PENDING' });
    expect(mod.data?.directoryModeration.pendingProviders.map((p: any) => p.slug)).toEqual(['numerique-nomade', 'franc-comtois-du-libre', 'orleans-services-libres']);
  });

  it('runs the lifecycle: a learner declares, an association recommends, only facilitators verify', async () => {
    const zoe = await gw.learner('zoe');
    expect((await gw.gateway.query(DECLARE, { input: { name: '', kind: 'AUTRE', description: 'x', services: [], territories: ['99'] } }, zoe)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const input = { name: 'Coopérative <b>Brindille</b>', kind: 'ENTREPRISE', description: 'Développement et hébergement {{libre}}.', services: ['DEVELOPPEMENT'], territories: ['42'], website: 'https://brindille.example.org' };
    expect((await gw.gateway.query(DECLARE, { input })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const declared = await gw.gateway.query(DECLARE, { input }, zoe);
    expect(declared.data?.declareProvider).toEqual({ slug: 'cooperative-b-brindille-b', status: 'PENDING', listed: false });
    const slug = declared.data!.declareProvider.slug;
    const dup = await gw.gateway.query(DECLARE, { input: { ...input, name: 'Autre', website: 'https://www.brindille.example.org/' } }, zoe);
    expect(dup.errors?.[0]?.extensions).toMatchObject({ code: 'DUPLICATE_PROVIDER', existing: slug });

    const self = await gw.gateway.query(RECOMMEND, { input: { providerSlug: slug, associationName: 'Moi-même', verificationContact: 'a@b.example.net', periodStart: '2025-02', work: 'Tout.', questionnaire: QUESTIONNAIRE } }, zoe);
    expect(self.errors?.[0]?.extensions?.code).toBe('SELF_RECOMMENDATION');
    const rec = await gw.gateway.query(RECOMMEND, { input: { providerSlug: slug, associationName: 'Ciné-club des Monts', verificationContact: 'bureau@cineclub.example.net', periodStart: '2025-02', work: 'Site et agenda.', questionnaire: QUESTIONNAIRE, quote: 'Très bien.', quoteConsent: true } });
    expect(rec.data?.recommendProvider).toMatchObject({ status: 'PENDING' });
    expect(rec.data?.recommendProvider.message).toContain('vérifier');
    const id = rec.data!.recommendProvider.id;

    const verify = `mutation($id: ID!) { verifyRecommendation(id: $id) { status } }`;
    expect((await gw.gateway.query(verify, { id }, zoe)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gw.gateway.query(verify, { id })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gw.gateway.query(`mutation { approveProvider(slug: "${slug}") { status } }`, undefined, zoe)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gw.gateway.query(`mutation { approveProvider(slug: "${slug}") { status listed } }`, undefined, facilitator)).data?.approveProvider).toEqual({ status: 'APPROVED', listed: false });
    expect((await gw.gateway.query(verify, { id }, facilitator)).data?.verifyRecommendation).toEqual({ status: 'VERIFIED' });
    const listed = await gw.gateway.query(PROVIDERS, { filter: { territory: '42' }, first: 5 });
    expect(listed.data!.providers.edges.map((e: any) => e.node.name)).toEqual(['Coopérative <b>Brindille</b>']);

    // Withdrawal by the provider's own learner unlists at once.
    const w = await gw.gateway.query(`mutation { withdrawProvider(slug: "${slug}", reason: "Fin d’activité") { status listed } }`, undefined, zoe);
    expect(w.data?.withdrawProvider).toEqual({ status: 'WITHDRAWN', listed: false });
    expect((await gw.gateway.query(PROVIDERS, { filter: { territory: '42' }, first: 5 })).data!.providers.totalCount).toBe(0);
  });

  it('shows the training badge from the linked learner\'s progress, and updates the entry', async () => {
    const yanis = await gw.learner('yanis');
    const declared = await gw.gateway.query(DECLARE, { input: { name: 'Atelier Libre du Pilat', kind: 'ASSOCIATION', description: 'Formations.', services: ['FORMATION'], territories: ['42'] } }, yanis);
    const slug = declared.data!.declareProvider.slug;
    const { runtime } = gw;
    const curriculum = runtime.deps.curriculum;
    for (const m of curriculum.filter((c) => c.group === 'communs')) await runtime.deps.progress!.markModuleDone('local-yanis', m.slug, true);
    await runtime.deps.directory!.refreshTraining();
    const q = `{ provider(slug: "${slug}") { training { parts partTitles percent complete } } }`;
    const badge = (await gw.gateway.query(q, undefined, yanis)).data?.provider.training;
    expect(badge).toMatchObject({ parts: ['communs'], partTitles: ['Les communs'], complete: false });
    // The percentage is progress's own figure for the learner.
    expect(badge.percent).toBe((await runtime.deps.progress!.learnerProgress('local-yanis')).percent);

    const update = `mutation($input: ProviderUpdateInput!) { updateProvider(slug: "${slug}", input: $input) { services { id } territories { id } } }`;
    const updated = await gw.gateway.query(update, { input: { services: ['FORMATION', 'SUPPORT'], territories: ['43'] } }, yanis);
    expect(updated.data?.updateProvider).toEqual({ services: [{ id: 'FORMATION' }, { id: 'SUPPORT' }], territories: [{ id: '43' }] });
    const other = await gw.learner('oceane');
    expect((await gw.gateway.query(update, { input: { territories: ['01'] } }, other)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('rate-limits anonymous recommendations per address with a French message', async () => {
    const input = { providerSlug: 'serveurs-paysans', associationName: 'Asso', verificationContact: 'x@asso.example.net', periodStart: '2025-01', work: 'Travail.', questionnaire: QUESTIONNAIRE };
    // The lifecycle spec used one of the 3 allowed from this address.
    const codes: unknown[] = [];
    for (let i = 0; i < 3; i++) codes.push((await gw.gateway.query(RECOMMEND, { input })).errors?.[0]?.extensions?.code);
    expect(codes).toEqual([undefined, undefined, 'RATE_LIMITED']);
    const refused = await gw.gateway.query(RECOMMEND, { input });
    expect(refused.errors?.[0]?.message).toMatch(/Trop d’envois depuis cette adresse/);
    expect(refused.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('serves /annuaire without script, filtered by a GET form, with markup escaped', async () => {
    const res = await fetch(`${gw.gateway.url}/annuaire?service=formation&territoire=bretagne`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).not.toContain('<script');
    expect(html).toContain('data-slug="hebergeurs-du-finistere"');
    expect(html).toMatch(/1 structure recommandée</);
    // Markup typed into any field shows as text.
    await listedProvider(gw.runtime.deps.directory!, 'Les <script>alert(1)</script> Libres', { territories: ['2A'], description: '<img src=x onerror=alert(1)> & {{modèle}}', website: 'https://script-libres.example.org' }, '192.0.2.99');
    const corse = await (await fetch(`${gw.gateway.url}/annuaire?territoire=corse`)).text();
    // The page is preact JSX: text escapes `<` and `&` (enough: no tag can open), `>` stays.
    expect(corse).toContain('Les &lt;script>alert(1)&lt;/script> Libres');
    expect(corse).toContain('&lt;img src=x onerror=alert(1)> &amp; {{modèle}}');
    expect(corse).not.toContain('<script>');
    expect(corse).not.toContain('<img');
    const bad = await fetch(`${gw.gateway.url}/annuaire?territoire=%3Cscript%3E`);
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(text).toContain('territoire inconnu : « &lt;script> »');
    expect(text).not.toContain('<script>');
  });

  it('serves /annuaire.geojson as an RFC 7946 FeatureCollection of the listed providers with coordinates', async () => {
    const res = await fetch(`${gw.gateway.url}/annuaire.geojson`);
    expect(res.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    const geo = (await res.json()) as { type: string; features: Array<Record<string, any>>; crs?: unknown };
    expect(geo.type).toBe('FeatureCollection');
    expect(geo).not.toHaveProperty('crs');
    const listed = (await gw.runtime.deps.directory!.listed()).filter((p) => p.address?.lat != null);
    expect(geo.features.map((f) => f.id)).toEqual(listed.map((p) => p.slug));
    for (const f of geo.features) {
      expect(Object.keys(f).sort()).toEqual(['geometry', 'id', 'properties', 'type']);
      expect(f.type).toBe('Feature');
      expect(f.geometry.type).toBe('Point');
      const [lon, lat] = f.geometry.coordinates as number[];
      expect(f.geometry.coordinates).toHaveLength(2);
      expect(lon).toBeGreaterThanOrEqual(-180);
      expect(lon).toBeLessThanOrEqual(180);
      expect(lat).toBeGreaterThanOrEqual(-90);
      expect(lat).toBeLessThanOrEqual(90);
      expect(typeof f.properties.name).toBe('string');
    }
    // Longitude first: Brest is west of Greenwich, north of 48°.
    const brest = geo.features.find((f) => f.id === 'hebergeurs-du-finistere')!;
    expect(brest.geometry.coordinates).toEqual([-4.486, 48.39]);
  });
});
