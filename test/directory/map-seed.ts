/**
 * Many listed providers at once for /annuaire's pages and map: rows written straight into the
 * directory's tables (as a long-lived directory would hold them after moderation), since going
 * through declare/approve/recommend/verify for thousands of them would take minutes.
 */
import { foldText, slugify } from '../../src/directory/model.js';
import type { DirectoryService } from '../../src/directory/service.js';
import { matchKeys } from '../../src/directory/territories.js';

export interface SeedProvider {
  name: string;
  territories: string[];
  services?: string[];
  kind?: string;
  city?: string;
  postalCode?: string | null;
  lat?: number | null;
  lon?: number | null;
}

/** Cities spread over France, the overseas départements included. */
export const CITIES: ReadonlyArray<{ city: string; postalCode: string; departement: string; lat: number; lon: number }> = [
  { city: 'Lyon', postalCode: '69007', departement: '69', lat: 45.75, lon: 4.84 },
  { city: 'Paris', postalCode: '75011', departement: '75', lat: 48.86, lon: 2.38 },
  { city: 'Rennes', postalCode: '35000', departement: '35', lat: 48.11, lon: -1.68 },
  { city: 'Lille', postalCode: '59000', departement: '59', lat: 50.63, lon: 3.06 },
  { city: 'Marseille', postalCode: '13001', departement: '13', lat: 43.3, lon: 5.37 },
  { city: 'Toulouse', postalCode: '31000', departement: '31', lat: 43.6, lon: 1.44 },
  { city: 'Strasbourg', postalCode: '67000', departement: '67', lat: 48.58, lon: 7.75 },
  { city: 'Bastia', postalCode: '20200', departement: '2B', lat: 42.7, lon: 9.45 },
  { city: 'Fort-de-France', postalCode: '97200', departement: '972', lat: 14.6, lon: -61.07 },
  { city: 'Saint-Denis', postalCode: '97400', departement: '974', lat: -20.88, lon: 55.45 },
];

export async function seedProviders(directory: DirectoryService, providers: readonly SeedProvider[]): Promise<void> {
  const now = new Date().toISOString();
  await directory.db.transaction().execute(async (trx) => {
    for (const p of providers) {
      const services = p.services ?? ['hebergement', 'formation'];
      const slug = slugify(p.name);
      const row = await trx
        .insertInto('directory_providers')
        .values({
          slug, name: p.name, name_key: foldText(p.name), wiki_title: `Annuaire/${p.name}`, website_key: null, kind: p.kind ?? 'chatons',
          description: `${p.name} accompagne les associations vers des outils libres.`, services: JSON.stringify(services), territories: JSON.stringify(p.territories),
          street: null, postal_code: p.postalCode ?? null, city: p.city ?? null, lat: p.lat ?? null, lon: p.lon ?? null, website: null, public_contact: null,
          learner_id: null, status: 'approved', listed: 1, verified_count: 1, training: null, search_text: foldText(`${p.name} ${p.city ?? ''}`), created_at: now, updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const id = Number(row.id);
      await trx.insertInto('directory_provider_services').values(services.map((service) => ({ service, provider_id: id }))).execute();
      await trx.insertInto('directory_provider_areas').values(matchKeys(p.territories).map((area_key) => ({ area_key, provider_id: id }))).execute();
    }
  });
}

/** `count` providers spread over CITIES, « Structure 0001 » onwards. */
export function spreadProviders(count: number): SeedProvider[] {
  return Array.from({ length: count }, (_, i) => {
    const c = CITIES[i % CITIES.length]!;
    return { name: `Structure ${String(i + 1).padStart(4, '0')}`, territories: [c.departement], city: c.city, postalCode: c.postalCode, lat: c.lat + ((i % 7) - 3) * 0.01, lon: c.lon + ((i % 5) - 2) * 0.01 };
  });
}
