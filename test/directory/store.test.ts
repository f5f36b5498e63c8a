import { afterEach, expect, it } from 'vitest';
import type { StoreDb } from '../../src/store/database.js';
import { DirectoryError } from '../../src/directory/model.js';
import { describeEachStore } from '../support/postgres.js';
import { ANON, declaration, directoryOn, FACILITATOR, learner, listedProvider, recommendation } from './fixtures.js';

async function refusal(promise: Promise<unknown>): Promise<DirectoryError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(DirectoryError);
  return err as DirectoryError;
}

describeEachStore('directory store and lifecycle', (backend) => {
  const opened: StoreDb[] = [];
  const open = async () => {
    const store = await backend.open();
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  it('lists a provider only once approved and recommended by a verified association', async () => {
    const directory = await directoryOn(await open());
    const p = await directory.declare(learner('local-alice'), declaration('Hébergeurs du Confluent'), '203.0.113.7');
    expect(p).toMatchObject({ slug: 'hebergeurs-du-confluent', status: 'pending', listed: false, learnerId: 'local-alice' });
    await directory.approveProvider(FACILITATOR, p.slug);
    expect((await directory.provider(p.slug))!.listed).toBe(false);
    const r = await directory.recommend(ANON, recommendation(p.slug), '198.51.100.2');
    expect(r.status).toBe('pending');
    expect((await directory.providers({}, 10)).totalCount).toBe(0);
    await directory.verifyRecommendation(FACILITATOR, r.id);
    expect(await directory.provider(p.slug)).toMatchObject({ listed: true, verifiedCount: 1 });
    expect((await directory.providers({}, 10)).providers.map((x) => x.slug)).toEqual([p.slug]);
    // Withdrawal unlists at once; history keeps every step with its actor.
    await directory.withdraw(learner('local-alice'), p.slug, 'Activité arrêtée');
    expect((await directory.providers({}, 10)).totalCount).toBe(0);
    const history = await directory.history('provider', [p.id]);
    expect(history.map((e) => e.action)).toEqual(['declared', 'approved', 'withdrawn']);
    expect(history[2]).toMatchObject({ reason: 'Activité arrêtée', actor: 'apprenant·e local-alice' });
  });

  it('needs POLLEN_DIRECTORY_MIN_RECOMMENDATIONS verified ones, and the training when required', async () => {
    const badges = new Map([['local-bea', { parts: ['communs'], percent: 40, complete: false }]]);
    const directory = await directoryOn(await open(), { minRecommendations: 2, requireTraining: true, training: async () => badges });
    const p = await directory.declare(learner('local-bea'), declaration('Libre Ensemble'), '203.0.113.8');
    await directory.approveProvider(FACILITATOR, p.slug);
    for (const [name, rna] of [['Association A', 'W691000001'], ['Association B', 'W691000002']]) {
      const r = await directory.recommend(ANON, recommendation(p.slug, { associationName: name, rna }), '198.51.100.3');
      await directory.verifyRecommendation(FACILITATOR, r.id);
    }
    await directory.refreshTraining();
    expect(await directory.provider(p.slug)).toMatchObject({ verifiedCount: 2, listed: false, training: { percent: 40 } });
    badges.set('local-bea', { parts: ['communs', 'accompagnement', 'communication'], percent: 100, complete: true });
    await directory.refreshTraining();
    expect(await directory.provider(p.slug)).toMatchObject({ listed: true, training: { complete: true } });
  });

  it('re-lists every provider at start when the listing settings changed', async () => {
    const store = await open();
    const directory = await directoryOn(store);
    const p = await listedProvider(directory, 'Octets Solidaires');
    expect(p.listed).toBe(true);
    const stricter = await directoryOn(store, { minRecommendations: 2 });
    await stricter.relistAll();
    expect(await stricter.provider(p.slug)).toMatchObject({ listed: false, verifiedCount: 1 });
  });

  it('re-lists at start on the training requirement too (one UPDATE over every provider)', async () => {
    const store = await open();
    const badges = new Map([
      ['local-formee', { parts: ['communs', 'accompagnement', 'communication'], percent: 100, complete: true }],
      ['local-enchemin', { parts: ['communs'], percent: 40, complete: false }],
    ]);
    const directory = await directoryOn(store, { training: async (ids) => new Map(ids.flatMap((id) => (badges.has(id) ? [[id, badges.get(id)!] as const] : []))) });
    const trained = await listedProvider(directory, 'Formee', {}, '203.0.113.61');
    const halfway = await listedProvider(directory, 'En Chemin', {}, '203.0.113.62');
    const untrained = await listedProvider(directory, 'Sans Lien', {}, '203.0.113.63');
    const strict = await directoryOn(store, { requireTraining: true });
    await strict.relistAll();
    expect((await Promise.all([trained, halfway, untrained].map((p) => strict.provider(p.slug)))).map((p) => p?.listed)).toEqual([true, false, false]);
    const relaxed = await directoryOn(store);
    await relaxed.relistAll();
    expect((await Promise.all([trained, halfway, untrained].map((p) => relaxed.provider(p.slug)))).map((p) => [p?.listed, p?.verifiedCount])).toEqual([[true, 1], [true, 1], [true, 1]]);
  });

  it('filters by service, territory (département within its région), kind, text and distance, with a keyset cursor', async () => {
    const directory = await directoryOn(await open());
    await listedProvider(directory, 'Alpha Numérique', { territories: ['auvergne-rhone-alpes'], services: ['diagnostic'] });
    await listedProvider(directory, 'Bretagne Libre', { kind: 'association', territories: ['29'], address: { city: 'Brest', lat: 48.39, lon: -4.49, street: null, postalCode: null } });
    await listedProvider(directory, 'Chatons du Rhône', { territories: ['69'] });
    await listedProvider(directory, 'Distance Zéro', { territories: ['a-distance'], kind: 'entreprise', address: null });
    const slugs = async (filter: object) => (await directory.providers(filter, 10)).providers.map((p) => p.slug);
    expect(await slugs({ territory: '69' })).toEqual(['alpha-numerique', 'chatons-du-rhone']);
    expect(await slugs({ territory: 'auvergne-rhone-alpes' })).toEqual(['alpha-numerique', 'chatons-du-rhone']);
    expect(await slugs({ territory: 'bretagne' })).toEqual(['bretagne-libre']);
    expect(await slugs({ service: 'diagnostic' })).toEqual(['alpha-numerique']);
    expect(await slugs({ service: 'hebergement', territory: '69' })).toEqual(['chatons-du-rhone']);
    expect(await slugs({ kind: 'entreprise' })).toEqual(['distance-zero']);
    expect(await slugs({ text: 'RHONE' })).toEqual(['alpha-numerique', 'chatons-du-rhone']);
    expect(await slugs({ text: 'chatons  rhône' })).toEqual(['chatons-du-rhone']);
    expect(await slugs({ near: { lat: 48.4, lon: -4.5, radiusKm: 20 } })).toEqual(['bretagne-libre']);
    expect(await slugs({ near: { lat: 45.76, lon: 4.83, radiusKm: 600 } })).toEqual(['alpha-numerique', 'chatons-du-rhone']);

    const first = await directory.providers({}, 3);
    expect(first).toMatchObject({ totalCount: 4, hasNextPage: true });
    const second = await directory.providers({}, 3, first.endCursor);
    expect(second).toMatchObject({ totalCount: 4, hasNextPage: false });
    expect([...first.providers, ...second.providers].map((p) => p.slug)).toEqual(['alpha-numerique', 'bretagne-libre', 'chatons-du-rhone', 'distance-zero']);
    expect((await refusal(directory.providers({ territory: '999' }, 3))).code).toBe('BAD_USER_INPUT');
  });

  it('refuses duplicates (same website, or same name on the same territory) and writes nothing', async () => {
    const store = await open();
    const directory = await directoryOn(store);
    await directory.declare(learner('local-a'), declaration('Les Communs Numériques', { website: 'https://www.communs.example.org/' }), '203.0.113.9');
    const site = await refusal(directory.declare(learner('local-b'), declaration('Autre nom', { website: 'http://communs.example.org' }), '203.0.113.9'));
    expect(site).toMatchObject({ code: 'DUPLICATE_PROVIDER', details: { existing: 'les-communs-numeriques' } });
    expect(site.message).toContain('déjà');
    const named = await refusal(directory.declare(learner('local-b'), declaration('LES COMMUNS numériques', { website: null, territories: ['69', '01'] }), '203.0.113.9'));
    expect(named.code).toBe('DUPLICATE_PROVIDER');
    // Same name elsewhere is another structure.
    const other = await directory.declare(learner('local-c'), declaration('Les Communs Numériques', { website: null, territories: ['29'] }), '203.0.113.9');
    expect(other.slug).toBe('les-communs-numeriques-2');
    const { n } = await store.db.selectFrom('directory_providers').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(n)).toBe(2);
  });

  it('refuses self-recommendation by linked account or by the provider\'s own domain', async () => {
    const directory = await directoryOn(await open());
    const p = await directory.declare(learner('local-dan'), declaration('Pixel Solidaire', { website: 'https://pixel-solidaire.example.org', publicContact: 'contact@pixel-solidaire.example.org', publicContactConsent: true }), '203.0.113.10');
    expect((await refusal(directory.recommend(learner('local-dan'), recommendation(p.slug), '203.0.113.10'))).code).toBe('SELF_RECOMMENDATION');
    const byDomain = await refusal(directory.recommend(ANON, recommendation(p.slug, { verificationContact: 'moi@pixel-solidaire.example.org' }), '203.0.113.10'));
    expect(byDomain).toMatchObject({ code: 'SELF_RECOMMENDATION' });
    // A shared webmail says nothing about who writes.
    const ok = await directory.recommend(ANON, recommendation(p.slug, { verificationContact: 'jardins.plateau@laposte.net' }), '203.0.113.10');
    expect(ok.status).toBe('pending');
    expect(await directory.recommendations([p.id], ['pending', 'verified', 'rejected'])).toHaveLength(1);
  });

  it('rate-limits anonymous recommendations per address, counted in the store', async () => {
    const store = await open();
    const directory = await directoryOn(store, { rateLimit: { max: 2, windowMinutes: 60 } });
    const p = await directory.declare(learner('local-eve'), declaration('Réseau Clairière'), '203.0.113.11');
    await directory.recommend(ANON, recommendation(p.slug), '198.51.100.50');
    await directory.recommend(ANON, recommendation(p.slug), '198.51.100.50');
    const limited = await refusal(directory.recommend(ANON, recommendation(p.slug), '198.51.100.50'));
    expect(limited.code).toBe('RATE_LIMITED');
    expect(limited.message).toMatch(/réessayez dans \d+ minute/);
    // Another address, and another service instance on the same store (a second replica), agree.
    await directory.recommend(ANON, recommendation(p.slug), '198.51.100.51');
    const replica = await directoryOn(store, { rateLimit: { max: 2, windowMinutes: 60 } });
    expect((await refusal(replica.recommend(ANON, recommendation(p.slug), '198.51.100.50'))).code).toBe('RATE_LIMITED');
    const keys = await store.db.selectFrom('directory_rate_events').select('client_key').execute();
    expect(keys.every((k) => !String(k.client_key).includes('198.51'))).toBe(true);
  });

  it('rejects with reasons, refuses bad input with every problem in French, and keeps history', async () => {
    const directory = await directoryOn(await open());
    const bad = await refusal(directory.declare(learner('local-f'), declaration('', { services: [], territories: ['99'], website: 'javascript:alert(1)' }), '203.0.113.12'));
    expect(bad.code).toBe('BAD_USER_INPUT');
    expect(bad.message).toContain('nom de la structure');
    expect(bad.message).toContain('territoire inconnu');
    expect(bad.message).toContain('site web');
    const p = await directory.declare(learner('local-f'), declaration('Toile Commune'), '203.0.113.12');
    const r = await directory.recommend(ANON, recommendation(p.slug), '203.0.113.12');
    expect((await refusal(directory.rejectRecommendation(FACILITATOR, r.id, '  '))).code).toBe('BAD_USER_INPUT');
    await directory.rejectRecommendation(FACILITATOR, r.id, 'Association injoignable au contact donné');
    await directory.rejectProvider(FACILITATOR, p.slug, 'Aucun projet vérifiable');
    expect((await directory.history('recommendation', [r.id])).map((e) => [e.action, e.reason])).toEqual([
      ['recommended', null],
      ['rejected', 'Association injoignable au contact donné'],
    ]);
    expect((await directory.moderationQueue()).recommendations).toEqual([]);
    expect((await refusal(directory.update(learner('local-other'), p.slug, { name: 'X' }))).code).toBe('FORBIDDEN');
  });
});
