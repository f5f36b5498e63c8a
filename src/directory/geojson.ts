/**
 * The listed providers with coordinates as GeoJSON (RFC 7946): a FeatureCollection of Point
 * features, coordinates [longitude, latitude] in WGS 84, no `crs` member. Properties follow what
 * uMap and OpenStreetMap tools read (`name`, `description`).
 */
import { PROVIDER_KINDS, SERVICES, type Provider } from './model.js';
import { territoryLabel } from './territories.js';

export interface PointFeature {
  type: 'Feature';
  id: string;
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: Record<string, string | number | boolean | null | string[]>;
}

export interface FeatureCollection {
  type: 'FeatureCollection';
  features: PointFeature[];
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

export function providersGeoJson(listed: readonly Provider[], pageUrl: (p: Provider) => string): FeatureCollection {
  const features: PointFeature[] = [];
  for (const p of listed) {
    const lat = p.address?.lat;
    const lon = p.address?.lon;
    if (lat == null || lon == null) continue;
    features.push({
      type: 'Feature',
      id: p.slug,
      geometry: { type: 'Point', coordinates: [round(lon), round(lat)] },
      properties: {
        name: p.name,
        description: p.description,
        kind: PROVIDER_KINDS[p.kind],
        services: p.services.map((s) => SERVICES[s]),
        territories: p.territories.map(territoryLabel),
        city: p.address?.city ?? null,
        website: p.website,
        verifiedRecommendations: p.verifiedCount,
        trainingComplete: p.training?.complete ?? false,
        url: pageUrl(p),
      },
    });
  }
  return { type: 'FeatureCollection', features };
}
