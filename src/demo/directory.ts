/**
 * A fictional but realistic directory: 30 structures across France's régions, 60
 * recommendations (most verified, some waiting), 3 declarations waiting. Every name, contact and
 * address is invented; domains are under example.org / example.net (reserved for examples).
 */
import type { Viewer } from '../auth/viewer.js';
import type { DirectoryService } from '../directory/service.js';
import type { ProviderKind, ServiceId } from '../directory/model.js';
import type { DemoContext } from './index.js';
import { de } from '../text/french.js';

const FACILITATOR: Viewer = { role: 'facilitator', learnerId: null, displayName: 'Démonstration' };

/** name | kind | city | département | lat | lon (empty city: no address, remote only) */
const PROVIDERS = `Les Chatons du Vercors|chatons|Grenoble|38|45.188|5.724
Libre Ouest Numérique|entreprise|Rennes|35|48.117|-1.678
Coop’Cloud Garonne|entreprise|Toulouse|31|43.604|1.444
Hébergement Solidaire Lorrain|association|Nancy|54|48.692|6.184
Les Communs de la Loire|association|Nantes|44|47.218|-1.553
Nuage Provençal|chatons|Marseille|13|43.296|5.370
Atelier Numérique du Bocage|association|Caen|14|49.182|-0.370
Octets Libres d’Alsace|chatons|Strasbourg|67|48.573|7.752
Serveurs Paysans|chatons|Clermont-Ferrand|63|45.777|3.087
Clé Libre Formation|entreprise|Lille|59|50.629|3.057
Réseau Lucioles|association|Bordeaux|33|44.837|-0.579
Logiciels Libres du Léman|entreprise|Annecy|74|45.899|6.129
La Fabrique des Communs Bourguignons|association|Dijon|21|47.322|5.041
Hébergeurs du Finistère|chatons|Brest|29|48.390|-4.486
Numérique Éthique Val de Loire|entreprise|Tours|37|47.394|0.684
Les Sentiers du Libre|association|Montpellier|34|43.611|3.877
Cloud Coopératif Francilien|entreprise|Paris|75|48.857|2.352
Chatons de l’Est Parisien|chatons|Montreuil|93|48.864|2.443
Accompagnement Libre Picard|association|Amiens|80|49.894|2.296
Bastia Numérique Libre|entreprise|Bastia|2B|42.697|9.450
Tiers-Lieu des Causses|autre|Rodez|12|44.350|2.575
Datacoop Limousine|chatons|Limoges|87|45.834|1.262
Les Libristes de Champagne|association|Reims|51|49.258|4.031
Pixel Commun Rouennais|entreprise|Rouen|76|49.443|1.099
Hébergement Associatif Réunionnais|chatons|Saint-Denis|974|-20.882|55.450
Cap Libre Guadeloupe|association|Pointe-à-Pitre|971|16.241|-61.533
Collectif Docs et Formations|autre|Lyon|69|45.764|4.836
Numérique Nomade|entreprise||||
Franc-Comtois du Libre|association|Besançon|25|47.238|6.024
Orléans Services Libres|chatons|Orléans|45|47.902|1.909`;

const SERVICE_SETS: ServiceId[][] = [
  ['hebergement', 'accompagnement', 'formation'],
  ['diagnostic', 'accompagnement', 'support'],
  ['hebergement', 'support', 'developpement'],
  ['formation', 'financement', 'accompagnement'],
  ['diagnostic', 'formation', 'support', 'hebergement'],
];

const ASSOCIATIONS = [
  'Amicale des Jardins Partagés', 'Compagnie Théâtre en Herbe', 'Club de Randonnée des Crêtes', 'Épicerie Solidaire du Quartier', 'Chorale des Tilleuls',
  'Association Vélo Pour Tous', 'Maison des Jeunes et de la Culture', 'Ressourcerie Le Grenier', 'Collectif Parents d’Élèves', 'Aide aux Devoirs Solidaire',
];
const TOOLS = [['Nextcloud', 'Thunderbird'], ['Framaspace', 'Etherpad'], ['Mobilizon', 'PeerTube'], ['Dolibarr', 'Nextcloud'], ['Jitsi Meet', 'Mattermost']];
/** What each TOOLS pair replaced, in the same order. */
const REPLACED = [['Google Drive', 'Outlook'], ['Dropbox', 'Google Docs'], ['Facebook Événements', 'YouTube'], ['Excel', 'Google Drive'], ['Zoom', 'WhatsApp']];
const QUOTES = [
  'Ils ont pris le temps d’écouter nos besoins avant de proposer des outils.',
  'Nos bénévoles utilisent maintenant l’agenda partagé sans aide.',
  'Une documentation claire, que nous avons pu compléter nous-mêmes.',
  'Un suivi attentif pendant les trois mois après la migration.',
];

function slugOf(name: string): string {
  return name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export async function loadDirectoryDemo(ctx: DemoContext): Promise<string> {
  const directory = ctx.directory;
  if (!directory) return 'Démonstration : annuaire non configuré, rien chargé.';
  if ((await directory.db.selectFrom('directory_providers').select('id').limit(1).execute()).length > 0) {
    return 'Démonstration : l’annuaire contient déjà des structures, rien n’est ajouté.';
  }
  return seedDirectory(directory);
}

/** Seeds the 30 structures and 60 recommendations; returns the French summary line. */
export async function seedDirectory(directory: DirectoryService): Promise<string> {
  let verified = 0;
  let pendingRecs = 0;
  let listed = 0;
  const rows = PROVIDERS.split('\n').map((line) => line.split('|'));
  for (const [i, [name, kind, city, dep, lat, lon]] of rows.entries()) {
    const slug = slugOf(name!);
    const territories = city ? [dep!, ...(i % 3 === 0 ? ['a-distance'] : [])] : ['a-distance'];
    const provider = await directory.declare(FACILITATOR, {
      name,
      kind: kind as ProviderKind,
      description: `${name} accompagne les associations${city ? ` autour ${de(city)}` : ' partout en France, à distance'} dans le passage à des outils libres : écoute des besoins, choix des outils, formation et suivi.`,
      services: SERVICE_SETS[i % SERVICE_SETS.length],
      territories,
      address: city ? { street: null, postalCode: null, city, lat: Number(lat), lon: Number(lon) } : null,
      website: `https://${slug}.example.org`,
      publicContact: `contact@${slug}.example.org`,
      publicContactConsent: true,
    }, `demo:${i}`);
    // The last three stay declarations waiting for a facilitator.
    const approved = i < rows.length - 3;
    if (approved) await directory.approveProvider(FACILITATOR, provider.slug, 'Structure connue de l’équipe (démonstration)');
    for (let k = 0; k < 2; k++) {
      const n = i * 2 + k;
      const association = `${ASSOCIATIONS[n % ASSOCIATIONS.length]} ${de(city || 'Villeneuve')}`;
      const input = {
        providerSlug: provider.slug,
        associationName: association,
        rna: n % 3 === 0 ? null : `W${String(100000000 + n * 7919).slice(0, 9)}`,
        verificationContact: `bureau@${slugOf(association)}.example.net`,
        periodStart: `202${4 + (n % 2)}-${String((n % 12) + 1).padStart(2, '0')}`,
        periodEnd: null,
        work: `Migration de la messagerie et des documents partagés de l’association, puis formation de ${3 + (n % 8)} bénévoles.`,
        tools: TOOLS[n % TOOLS.length],
        questionnaire: {
          delivered: { answer: 'yes', comment: null },
          usersTrained: { answer: n % 5 === 0 ? 'partial' : 'yes', comment: n % 5 === 0 ? 'Une seconde session est prévue.' : null },
          documentationLeft: { answer: 'yes', comment: null },
          supportAfter: { answer: n % 4 === 0 ? 'partial' : 'yes', comment: null },
          wouldRecommend: { answer: 'yes', comment: null },
        },
        quote: QUOTES[n % QUOTES.length],
        quoteConsent: n % 3 !== 2,
      };
      // As the public form sends them: the tools replaced and the two follow-up criteria, then
      // confirmed as through the mailed link.
      const { recommendation: rec } = await directory.recommendByForm(input, {
        key: `demo:rec:${n}`,
        extra: {
          replacedTools: REPLACED[n % REPLACED.length]!,
          followUp: { needAssessed: { answer: n % 6 === 0 ? 'partial' : 'yes', comment: null }, autonomous: { answer: n % 4 === 0 ? 'partial' : 'yes', comment: n % 4 === 0 ? 'Encore quelques questions sur les partages.' : null } },
          contactConsent: true,
        },
        within: async () => {},
      });
      await directory.db.transaction().execute((trx) => directory.confirmRecommendation(trx, rec.id));
      // Every structure's first recommendation is checked; one in three second ones waits.
      if (approved && (k === 0 || n % 3 !== 0)) {
        await directory.verifyRecommendation(FACILITATOR, rec.id, 'Association jointe au téléphone (démonstration)');
        verified++;
      } else pendingRecs++;
    }
    if (approved) listed++;
  }
  return `Démonstration : annuaire chargé (${rows.length} structures dont ${listed} référencées, ${verified} recommandations vérifiées, ${pendingRecs} en attente).`;
}
