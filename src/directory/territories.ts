/**
 * French territories a provider serves: the 101 départements, the 18 régions (2016 map), and
 * « à distance ». Ids are stable and short: a département's INSEE code (`69`, `2A`, `974`), a
 * région's slug (`auvergne-rhone-alpes`), `a-distance`.
 */
import { frenchOrder } from '../text/french.js';
import { lazily } from '../text/lazily.js';

interface RegionRow {
  slug: string;
  name: string;
  departements: string;
}

/** Régions with their départements, as `code:Name` separated by `;`. */
const REGIONS: RegionRow[] = [
  { slug: 'auvergne-rhone-alpes', name: 'Auvergne-Rhône-Alpes', departements: '01:Ain;03:Allier;07:Ardèche;15:Cantal;26:Drôme;38:Isère;42:Loire;43:Haute-Loire;63:Puy-de-Dôme;69:Rhône;73:Savoie;74:Haute-Savoie' },
  { slug: 'bourgogne-franche-comte', name: 'Bourgogne-Franche-Comté', departements: '21:Côte-d’Or;25:Doubs;39:Jura;58:Nièvre;70:Haute-Saône;71:Saône-et-Loire;89:Yonne;90:Territoire de Belfort' },
  { slug: 'bretagne', name: 'Bretagne', departements: '22:Côtes-d’Armor;29:Finistère;35:Ille-et-Vilaine;56:Morbihan' },
  { slug: 'centre-val-de-loire', name: 'Centre-Val de Loire', departements: '18:Cher;28:Eure-et-Loir;36:Indre;37:Indre-et-Loire;41:Loir-et-Cher;45:Loiret' },
  { slug: 'corse', name: 'Corse', departements: '2A:Corse-du-Sud;2B:Haute-Corse' },
  { slug: 'grand-est', name: 'Grand Est', departements: '08:Ardennes;10:Aube;51:Marne;52:Haute-Marne;54:Meurthe-et-Moselle;55:Meuse;57:Moselle;67:Bas-Rhin;68:Haut-Rhin;88:Vosges' },
  { slug: 'hauts-de-france', name: 'Hauts-de-France', departements: '02:Aisne;59:Nord;60:Oise;62:Pas-de-Calais;80:Somme' },
  { slug: 'ile-de-france', name: 'Île-de-France', departements: '75:Paris;77:Seine-et-Marne;78:Yvelines;91:Essonne;92:Hauts-de-Seine;93:Seine-Saint-Denis;94:Val-de-Marne;95:Val-d’Oise' },
  { slug: 'normandie', name: 'Normandie', departements: '14:Calvados;27:Eure;50:Manche;61:Orne;76:Seine-Maritime' },
  { slug: 'nouvelle-aquitaine', name: 'Nouvelle-Aquitaine', departements: '16:Charente;17:Charente-Maritime;19:Corrèze;23:Creuse;24:Dordogne;33:Gironde;40:Landes;47:Lot-et-Garonne;64:Pyrénées-Atlantiques;79:Deux-Sèvres;86:Vienne;87:Haute-Vienne' },
  { slug: 'occitanie', name: 'Occitanie', departements: '09:Ariège;11:Aude;12:Aveyron;30:Gard;31:Haute-Garonne;32:Gers;34:Hérault;46:Lot;48:Lozère;65:Hautes-Pyrénées;66:Pyrénées-Orientales;81:Tarn;82:Tarn-et-Garonne' },
  { slug: 'pays-de-la-loire', name: 'Pays de la Loire', departements: '44:Loire-Atlantique;49:Maine-et-Loire;53:Mayenne;72:Sarthe;85:Vendée' },
  { slug: 'provence-alpes-cote-d-azur', name: 'Provence-Alpes-Côte d’Azur', departements: '04:Alpes-de-Haute-Provence;05:Hautes-Alpes;06:Alpes-Maritimes;13:Bouches-du-Rhône;83:Var;84:Vaucluse' },
  { slug: 'guadeloupe', name: 'Guadeloupe', departements: '971:Guadeloupe' },
  { slug: 'martinique', name: 'Martinique', departements: '972:Martinique' },
  { slug: 'guyane', name: 'Guyane', departements: '973:Guyane' },
  { slug: 'la-reunion', name: 'La Réunion', departements: '974:La Réunion' },
  { slug: 'mayotte', name: 'Mayotte', departements: '976:Mayotte' },
];

export const REMOTE = 'a-distance';

export type TerritoryKind = 'departement' | 'region' | 'remote';

export interface Territory {
  id: string;
  kind: TerritoryKind;
  name: string;
  /** A département's région (its slug); a région's own slug; null for « à distance ». */
  region: string | null;
}

const territories = new Map<string, Territory>();
const departementsOf = new Map<string, string[]>();
for (const r of REGIONS) {
  territories.set(r.slug, { id: r.slug, kind: 'region', name: r.name, region: r.slug });
  const codes: string[] = [];
  for (const pair of r.departements.split(';')) {
    const [code, name] = pair.split(':') as [string, string];
    territories.set(code, { id: code, kind: 'departement', name, region: r.slug });
    codes.push(code);
  }
  departementsOf.set(r.slug, codes);
}
territories.set(REMOTE, { id: REMOTE, kind: 'remote', name: 'À distance', region: null });


const rank = { region: 0, departement: 1, remote: 2 } as const;
/** The list is fixed once this module has loaded: sorted once, on first use. */
const sortedTerritories = lazily(() => [...territories.values()].sort((a, b) => rank[a.kind] - rank[b.kind] || frenchOrder(a.id, b.id)));

/** Every territory: régions first (alphabetical), then départements by code, then « à distance ». */
export function allTerritories(): Territory[] {
  return [...sortedTerritories()];
}

export function territory(id: string): Territory | undefined {
  return territories.get(id);
}

/** Régions only, by name. */
export function regions(): Territory[] {
  return allTerritories().filter((t) => t.kind === 'region');
}

/**
 * The keys a provider serving `ids` is found under: each territory itself, a département's
 * région (it serves part of it), and a région's départements (it serves each of them).
 * Searching « 69 » finds providers serving the Rhône or all of Auvergne-Rhône-Alpes; searching
 * the région finds both too.
 */
export function matchKeys(ids: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const id of ids) {
    const t = territories.get(id);
    if (!t) continue;
    keys.add(t.id);
    if (t.kind === 'departement' && t.region) keys.add(t.region);
    if (t.kind === 'region') for (const code of departementsOf.get(t.id) ?? []) keys.add(code);
  }
  return [...keys];
}


/** The régions `ids` touch (for category pages): a département's région, a région itself. */
export function regionsOf(ids: readonly string[]): Territory[] {
  const out = new Map<string, Territory>();
  for (const id of ids) {
    const region = territories.get(id)?.region;
    const t = region ? territories.get(region) : undefined;
    if (t) out.set(t.id, t);
  }
  return out.size < 2 ? [...out.values()] : [...out.values()].sort((a, b) => frenchOrder(a.name, b.name));
}

/** « Rhône (69) », « Bretagne », « À distance ». */
export function territoryLabel(id: string): string {
  const t = territories.get(id);
  if (!t) return id;
  return t.kind === 'departement' ? `${t.name} (${t.id})` : t.name;
}

/** One territory covers another: the same one, or a région and one of its départements. */
function covers(outer: Territory, inner: Territory): boolean {
  return outer.id === inner.id || (outer.kind === 'region' && inner.kind === 'departement' && inner.region === outer.id);
}

/**
 * The territories of `theirs` that overlap `ours`: the same territory, a région and one of its
 * départements either way round. Two départements of one région do not overlap (a provider in
 * the Somme and one in the Nord serve different places), « à distance » overlaps only itself.
 */
export function overlappingTerritories(ours: readonly string[], theirs: readonly string[]): string[] {
  const mine = ours.flatMap((id) => territories.get(id) ?? []);
  return theirs.filter((id) => {
    const t = territories.get(id);
    return t !== undefined && mine.some((m) => covers(m, t) || covers(t, m));
  });
}
