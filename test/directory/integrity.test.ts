/**
 * Integrity of the directory (issue 27): a duplicate cannot slip in through an overlapping
 * territory, no two providers share a wiki page, one association recommends a provider once.
 */
import { afterEach, expect, it } from 'vitest';
import { DirectoryError } from '../../src/directory/model.js';
import { directoryMigrations } from '../../src/directory/migrations.js';
import { DirectoryService } from '../../src/directory/service.js';
import { directoryPages } from '../../src/directory/wiki.js';
import type { StoreDb } from '../../src/store/database.js';
import { runMigrations } from '../../src/store/migrations.js';
import { describeEachStore } from '../support/postgres.js';
import { ANON, declaration, directoryOn, FACILITATOR, learner, listedProvider, recommendation } from './fixtures.js';

async function refusal(promise: Promise<unknown>): Promise<DirectoryError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(DirectoryError);
  return err as DirectoryError;
}

describeEachStore('directory integrity', (backend) => {
  const opened: StoreDb[] = [];
  const open = async () => {
    const store = await backend.open();
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  it('judges duplicates on overlapping territories: a région overlaps its départements, either way round', async () => {
    const directory = await directoryOn(await open());
    const picard = { website: null, address: { street: null, postalCode: '80000', city: 'Amiens', lat: 49.89, lon: 2.3 } };
    await listedProvider(directory, 'Accompagnement Libre Picard', { ...picard, territories: ['80'] });
    const byRegion = await refusal(directory.declare(learner('local-intrus'), declaration('Accompagnement Libre Picard', { website: null, territories: ['hauts-de-france'] }), '203.0.113.60'));
    expect(byRegion).toMatchObject({ code: 'DUPLICATE_PROVIDER', details: { existing: 'accompagnement-libre-picard' } });
    expect(byRegion.message).toContain('Somme (80)');

    await directory.declare(learner('local-region'), declaration('Réseau Nordique', { website: null, territories: ['hauts-de-france'] }), '203.0.113.61');
    const byDepartement = await refusal(directory.declare(learner('local-dep'), declaration('RÉSEAU nordique', { website: null, territories: ['59'] }), '203.0.113.61'));
    expect(byDepartement).toMatchObject({ code: 'DUPLICATE_PROVIDER', details: { existing: 'reseau-nordique' } });

    // Two départements of one région are two places: the same name is another structure there.
    const other = await directory.declare(learner('local-lille'), declaration('Accompagnement Libre Picard', { website: null, territories: ['59'], address: { street: null, postalCode: '59000', city: 'Lille', lat: 50.63, lon: 3.06 } }), '203.0.113.62');
    expect(other.slug).toBe('accompagnement-libre-picard-2');
  });

  it('never gives two providers the same wiki title: the second gets its town, then a number', async () => {
    const directory = await directoryOn(await open());
    const at = (city: string) => ({ website: null, address: { street: null, postalCode: null, city, lat: null, lon: null } });
    const first = await listedProvider(directory, 'Accompagnement Libre Picard', { ...at('Amiens'), territories: ['80'] });
    const second = await listedProvider(directory, 'accompagnement libre picard', { ...at('Lille'), territories: ['59'] });
    const third = await listedProvider(directory, 'Accompagnement Libre Picard', { ...at('Lille'), territories: ['62'] });
    const remote = await listedProvider(directory, 'Accompagnement Libre Picard', { website: null, address: null, territories: ['a-distance'] });
    expect([first.wikiTitle, second.wikiTitle, third.wikiTitle, remote.wikiTitle]).toEqual([
      'Annuaire/Accompagnement Libre Picard',
      'Annuaire/accompagnement libre picard (Lille)',
      'Annuaire/Accompagnement Libre Picard (Lille, 2)',
      'Annuaire/Accompagnement Libre Picard (À distance)',
    ]);
    const providerPages = (await directoryPages(directory)).filter((p) => p.text.startsWith('{{Fiche annuaire'));
    expect(providerPages).toHaveLength(4);
    expect(new Set(providerPages.map((p) => p.title)).size).toBe(4);
  });

  it('gives providers that already shared a title distinct ones when the store is upgraded', async () => {
    const store = await open();
    await runMigrations(store, directoryMigrations.slice(0, 1));
    const row = (name: string, slug: string, city: string) => ({
      slug, name, name_key: name.toLowerCase(), website_key: null, kind: 'association', description: 'd', services: '["formation"]', territories: '["80"]',
      street: null, postal_code: null, city, lat: null, lon: null, website: null, public_contact: null, learner_id: null, status: 'approved',
      listed: 0, verified_count: 0, training: null, search_text: name, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z',
    });
    await store.db.insertInto('directory_providers').values([row('Libre Picard', 'libre-picard', 'Amiens'), row('Libre Picard', 'libre-picard-2', 'Abbeville')]).execute();
    await runMigrations(store, directoryMigrations);
    const directory = new DirectoryService(store);
    expect((await directory.provider('libre-picard'))!.wikiTitle).toBe('Annuaire/Libre Picard');
    expect((await directory.provider('libre-picard-2'))!.wikiTitle).toBe('Annuaire/Libre Picard (Abbeville)');
  });

  it('counts one recommendation per association: a later verified one replaces the earlier, with history', async () => {
    const directory = await directoryOn(await open());
    const p = await listedProvider(directory, 'Hébergeurs du Plateau');
    const [earlier] = await directory.recommendations([p.id]);
    const again = await directory.recommend(ANON, recommendation(p.slug, { quote: 'Toujours aussi patients.' }), '198.51.100.70');
    // Until a facilitator verifies the later one, the earlier stays: a stranger cannot unlist anyone.
    expect(await directory.provider(p.slug)).toMatchObject({ verifiedCount: 1, listed: true });
    await directory.verifyRecommendation(FACILITATOR, again.id);
    expect(await directory.provider(p.slug)).toMatchObject({ verifiedCount: 1, listed: true });
    const all = await directory.recommendations([p.id], ['pending', 'verified', 'rejected', 'replaced']);
    expect(all.map((r) => [r.id, r.status])).toEqual(expect.arrayContaining([[earlier!.id, 'replaced'], [again.id, 'verified']]));
    const history = await directory.history('recommendation', [earlier!.id]);
    expect(history.map((e) => e.action)).toEqual(['recommended', 'verified', 'replaced']);
    expect(history[2]!.reason).toContain(`n° ${again.id}`);
    const fiche = (await directoryPages(directory)).find((x) => x.title === p.wikiTitle)!;
    expect(fiche.text).toContain('|recommandations=1');
    expect(fiche.text.match(/Toujours aussi patients/g)).toHaveLength(1);
    expect(fiche.text).not.toContain('Une équipe patiente');

    // The same association spelled otherwise but with its RNA number is the same association.
    const spelled = await directory.recommend(ANON, recommendation(p.slug, { associationName: 'JARDINS PARTAGES du plateau (bureau)', verificationContact: 'autre@jardins.example.net' }), '198.51.100.71');
    await directory.verifyRecommendation(FACILITATOR, spelled.id);
    expect(await directory.provider(p.slug)).toMatchObject({ verifiedCount: 1 });
    // A rejected later one replaces nothing; another association counts.
    const rejected = await directory.recommend(ANON, recommendation(p.slug), '198.51.100.72');
    await directory.rejectRecommendation(FACILITATOR, rejected.id, 'Injoignable');
    const other = await directory.recommend(ANON, recommendation(p.slug, { associationName: 'Ludothèque du Plateau', rna: 'W691000099' }), '198.51.100.73');
    await directory.verifyRecommendation(FACILITATOR, other.id);
    expect(await directory.provider(p.slug)).toMatchObject({ verifiedCount: 2 });
  });

  it('counts an association recommended twice in an older store once after the upgrade', async () => {
    const store = await open();
    await runMigrations(store, directoryMigrations.slice(0, 2));
    const directory = new DirectoryService(store);
    const p = await listedProvider(directory, 'Serveurs Paysans');
    const second = await directory.recommend(ANON, recommendation(p.slug), '198.51.100.74');
    // As the code before the fix did: verified without replacing the first.
    await store.db.updateTable('directory_recommendations').set({ status: 'verified' }).where('id', '=', second.id).execute();
    await directory.relistAll();
    expect((await directory.provider(p.slug))!.verifiedCount).toBe(2);
    await runMigrations(store, directoryMigrations);
    await directory.relistAll();
    expect((await directory.provider(p.slug))!.verifiedCount).toBe(1);
    expect((await directory.recommendations([p.id], ['verified'])).map((r) => r.id)).toEqual([second.id]);
  });

  it('sends a listed provider back to moderation when it changes its name, website or territories, and hides it until then', async () => {
    const store = await open();
    const directory = await directoryOn(store);
    const owner = learner('local-ateliersducodelibre');
    const p = await listedProvider(directory, 'Ateliers du Code Libre', { territories: ['33'] });
    // Other fields change at once and stay listed.
    expect(await directory.update(owner, p.slug, { description: 'Nouvelle présentation.' })).toMatchObject({ status: 'approved', listed: true });

    await store.db.insertInto('directory_wiki_pages').values({ title: p.wikiTitle, text_hash: 'publiée', revid: 1, published_at: '2026-01-01T00:00:00.000Z' }).execute();
    const renamed = await directory.update(owner, p.slug, { name: 'Code Libre Aquitain' });
    expect(renamed).toMatchObject({ status: 'pending', listed: false, name: 'Code Libre Aquitain', wikiTitle: 'Annuaire/Code Libre Aquitain', formerWikiTitles: [p.wikiTitle] });
    expect((await directory.providers({}, 10)).totalCount).toBe(0);
    expect((await directory.history('provider', [p.id])).at(-1)).toMatchObject({ action: 'updated', reason: 'Nom modifié : la fiche est retirée de l’annuaire jusqu’à une nouvelle validation' });
    expect((await directory.moderationQueue()).providers.map((x) => x.slug)).toEqual([p.slug]);
    // Meanwhile the wiki's former page is marked: not in the directory for now.
    const waiting = (await directoryPages(directory)).find((x) => x.title === p.wikiTitle);
    expect(waiting?.text).toContain('ne figure pas dans l’annuaire pour l’instant');

    await directory.approveProvider(FACILITATOR, p.slug);
    expect(await directory.provider(p.slug)).toMatchObject({ status: 'approved', listed: true });
    const pages = await directoryPages(directory);
    expect(pages.find((x) => x.title === p.wikiTitle)?.text).toContain('[[Annuaire/Code Libre Aquitain|Code Libre Aquitain]]');
    expect(pages.find((x) => x.title === 'Annuaire/Code Libre Aquitain')?.text).toContain('{{Fiche annuaire');

    expect(await directory.update(owner, p.slug, { website: 'https://autre-site.example.org' })).toMatchObject({ status: 'pending', listed: false });
    await directory.approveProvider(FACILITATOR, p.slug);
    const moved = await directory.update(owner, p.slug, { territories: ['33', '24'] });
    expect(moved).toMatchObject({ status: 'pending', listed: false });
    expect((await directory.history('provider', [p.id])).at(-1)!.reason).toContain('Territoires modifiés');
    await directory.approveProvider(FACILITATOR, p.slug);
    // A facilitator's own correction is the check: it stays listed.
    expect(await directory.update(FACILITATOR, p.slug, { name: 'Code Libre d’Aquitaine' })).toMatchObject({ status: 'approved', listed: true });
    // Nobody else can take a former title.
    const other = await directory.declare(learner('local-autre'), declaration('Ateliers du Code Libre', { territories: ['75'], website: null, address: { street: null, postalCode: null, city: 'Paris', lat: null, lon: null } }), '203.0.113.80');
    expect(other.wikiTitle).toBe('Annuaire/Ateliers du Code Libre (Paris)');
  });
});
