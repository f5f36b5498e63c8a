/**
 * Demo needed software (POLLEN_DEMO=1): a few fictional proposals, approved, with the associations
 * that need them, their pledges and who could do the work, plus one waiting for the facilitators.
 * Every name and address is invented (example.org / example.net).
 */
import type { SoftwareNeedsService } from '../software-needs/service.js';
import { nameKey } from '../software-needs/service.js';
import { distinctNeedTitle } from '../software-needs/wiki-title.js';

interface DemoEntry { role: 'need' | 'offer'; name: string; hours?: number; euros?: number; note?: string; link?: string }
interface DemoProposal { title: string; kind: 'logiciel' | 'fonctionnalite'; software: string | null; description: string; pending?: boolean; entries: DemoEntry[] }

const PROPOSALS: DemoProposal[] = [
  {
    title: 'Relances d’adhésion automatiques dans Paheko', kind: 'fonctionnalite', software: 'Paheko',
    description: 'Chaque année, nous relançons à la main les adhérent·es dont la cotisation arrive à échéance.\nNous voudrions que Paheko envoie lui-même un rappel un mois avant, puis le jour de l’échéance.',
    entries: [
      { role: 'need', name: 'Les Jardins Partagés du Plateau', hours: 10, note: 'Nous pouvons tester et écrire la documentation.' },
      { role: 'need', name: 'AMAP du Vercors', euros: 300 },
      { role: 'need', name: 'Compagnie Théâtre en Marche', euros: 150, hours: 4 },
      { role: 'offer', name: 'Hébergeurs du Plateau', link: 'https://hebergeurs-plateau.example.org', note: 'Nous contribuons déjà à Paheko.' },
    ],
  },
  {
    title: 'Planning de bénévoles partagé', kind: 'logiciel', software: null,
    description: 'Un outil simple où chaque bénévole s’inscrit sur des créneaux (accueil, buvette, rangement), avec rappel par e-mail la veille, sans créer de compte.',
    entries: [
      { role: 'need', name: 'Festival des Cabanes', hours: 20 },
      { role: 'need', name: 'Épicerie solidaire du Centre', euros: 200 },
      { role: 'offer', name: 'Camille Développe', link: 'https://code.example.net/camille', note: 'Trois mois de travail environ.' },
    ],
  },
  {
    title: 'Import des relevés bancaires CSV dans Garradin', kind: 'fonctionnalite', software: 'Paheko (Garradin)',
    description: 'Importer les relevés de la banque au format CSV pour rapprocher les écritures sans tout ressaisir.',
    entries: [{ role: 'need', name: 'Club de randonnée des Monts', euros: 100 }],
  },
  {
    title: 'Visioconférence légère pour les conseils d’administration', kind: 'logiciel', software: 'BigBlueButton', pending: true,
    description: 'Une visio qui fonctionne avec une connexion faible, pour des réunions de dix personnes.',
    entries: [{ role: 'need', name: 'Association des Parents d’Élèves de Saint-Genis' }],
  },
];

const mailOf = (name: string) => `contact@${nameKey(name).replace(/ /g, '-').slice(0, 40)}.example.org`;

export async function loadSoftwareNeedsDemo(service: SoftwareNeedsService): Promise<string> {
  const db = service.db;
  const existing = await db.selectFrom('software_needs').select('id').limit(1).executeTakeFirst();
  if (existing) return 'Démo : les besoins logiciels sont déjà là, rien n’a été ajouté.';
  const now = Date.now();
  const taken = new Set<string>();
  await db.transaction().execute(async (trx) => {
    for (const [i, p] of PROPOSALS.entries()) {
      const at = new Date(now - (40 - i * 7) * 86_400_000).toISOString();
      const wikiTitle = p.pending ? null : distinctNeedTitle(p.title, taken);
      if (wikiTitle) taken.add(wikiTitle.toLowerCase());
      const needs = p.entries.filter((e) => e.role === 'need').length;
      const row = await trx.insertInto('software_needs').values({
        title: p.title, description: p.description, kind: p.kind, software: p.software, status: p.pending ? 'pending' : 'approved', reject_reason: null,
        association_count: needs, wiki_title: wikiTitle, submission_key: `demo:${i}`, created_at: at, confirmed_at: at, decided_at: p.pending ? null : at,
      }).returning('id').executeTakeFirstOrThrow();
      for (const [j, e] of p.entries.entries()) {
        const entry = await trx.insertInto('software_need_entries').values({
          need_id: Number(row.id), role: e.role, name: e.name, name_key: nameKey(e.name), email: mailOf(e.name), link: e.link ?? null,
          hours: e.hours ?? null, euros: e.euros ?? null, note: e.note ?? null, status: 'confirmed', submission_key: j === 0 ? `demo:${i}:author` : `demo:${i}:${j}`,
          created_at: at, confirmed_at: at, association_id: null,
        }).returning('id').executeTakeFirstOrThrow();
        await trx.updateTable('software_need_entries').set({ association_id: Number(entry.id) }).where('id', '=', Number(entry.id)).execute();
      }
    }
  });
  return `Démo : ${PROPOSALS.length} besoins logiciels (dont un en attente de validation).`;
}
