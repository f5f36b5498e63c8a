/**
 * Demo agenda (POLLEN_DEMO=1): about twenty fictional sessions over the past and coming months,
 * some full with a waiting list, one cancelled, some online, a few past ones with attendance, so a
 * fresh start shows a non-empty agenda, feed and « compte rendu manquant » list. Every name,
 * address and e-mail here is invented (example.org addresses).
 */
import { AgendaService } from '../agenda/service.js';
import type { SessionInput } from '../agenda/model.js';

interface DemoSession {
  module: string | null;
  title: string;
  /** Days from today (negative: past). */
  inDays: number;
  hours: [string, string];
  place: { address?: string; onlineUrl?: string; latitude?: number; longitude?: number };
  facilitators: string[];
  capacity: number;
  /** Visitors registered (more than the capacity: a waiting list). */
  registered: number;
  cancelled?: boolean;
  /** Past sessions: how many of those registered came. */
  present?: number;
}

const ROOMS = {
  lyon: { address: 'Maison des associations, 28 rue Denfert-Rochereau, 69004 Lyon', latitude: 45.7748, longitude: 4.8271 },
  nantes: { address: 'Tiers-lieu La Fabrique, 12 quai des Antilles, 44200 Nantes', latitude: 47.2006, longitude: -1.5731 },
  rennes: { address: 'Salle des Lices, 3 place des Lices, 35000 Rennes', latitude: 48.1122, longitude: -1.6833 },
  lille: { address: 'Maison de la vie associative, 72 rue Royale, 59000 Lille', latitude: 50.6411, longitude: 3.0585 },
  online: { onlineUrl: 'https://visio.example.org/pollen-atelier' },
};

const SESSIONS: DemoSession[] = [
  { module: 'logiciel-libre', title: 'Les quatre libertés, en pratique', inDays: -75, hours: ['14:00', '17:00'], place: ROOMS.lyon, facilitators: ['Camille Roche'], capacity: 12, registered: 10, present: 8 },
  { module: 'donnees-ouvertes', title: 'Ouvrir les données de son association', inDays: -61, hours: ['09:30', '12:30'], place: ROOMS.nantes, facilitators: ['Yanis Morel'], capacity: 15, registered: 15, present: 13 },
  { module: 'communs-et-associations', title: 'Pourquoi les communs servent les associations', inDays: -47, hours: ['18:00', '20:00'], place: ROOMS.online, facilitators: ['Camille Roche', 'Inès Garnier'], capacity: 40, registered: 22, present: 17 },
  { module: 'offre-de-service', title: 'Définir son offre d’accompagnement', inDays: -33, hours: ['14:00', '17:30'], place: ROOMS.rennes, facilitators: ['Louis Perret'], capacity: 10, registered: 12, present: 9 },
  { module: 'diagnostic-numerique', title: 'Diagnostic des outils numériques : cas pratiques', inDays: -19, hours: ['09:30', '16:30'], place: ROOMS.lille, facilitators: ['Inès Garnier'], capacity: 16, registered: 14, present: 11 },
  { module: 'mediation-numerique', title: 'Techniques de médiation numérique', inDays: -12, hours: ['14:00', '17:00'], place: ROOMS.lyon, facilitators: ['Nora Benali'], capacity: 12, registered: 9 },
  { module: null, title: 'Rencontre du réseau : bilan du trimestre', inDays: -5, hours: ['18:30', '20:30'], place: ROOMS.online, facilitators: ['Camille Roche'], capacity: 60, registered: 25 },
  { module: 'logiciel-libre', title: 'Les quatre libertés, en pratique', inDays: 6, hours: ['14:00', '17:00'], place: ROOMS.nantes, facilitators: ['Yanis Morel'], capacity: 12, registered: 14 },
  { module: 'exprimer-besoins', title: 'Aider une association à exprimer ses besoins', inDays: 9, hours: ['09:30', '12:30'], place: ROOMS.online, facilitators: ['Louis Perret'], capacity: 20, registered: 7 },
  { module: 'financer-accompagnement', title: 'Trouver des financements pour l’accompagnement', inDays: 13, hours: ['14:00', '17:00'], place: ROOMS.lille, facilitators: ['Inès Garnier'], capacity: 15, registered: 15 },
  { module: 'donnees-ouvertes', title: 'Ouvrir les données de son association', inDays: 16, hours: ['09:30', '12:30'], place: ROOMS.rennes, facilitators: ['Yanis Morel'], capacity: 15, registered: 3, cancelled: true },
  { module: 'concevoir-accompagnement', title: 'Concevoir et personnaliser l’accompagnement', inDays: 20, hours: ['14:00', '17:30'], place: ROOMS.lyon, facilitators: ['Nora Benali', 'Camille Roche'], capacity: 12, registered: 6 },
  { module: 'communiquer-offre', title: 'Communiquer sur son offre', inDays: 27, hours: ['18:00', '20:00'], place: ROOMS.online, facilitators: ['Louis Perret'], capacity: 50, registered: 19 },
  { module: 'diagnostic-numerique', title: 'Diagnostic des outils numériques : cas pratiques', inDays: 34, hours: ['09:30', '16:30'], place: ROOMS.nantes, facilitators: ['Inès Garnier'], capacity: 16, registered: 5 },
  { module: 'mediation-numerique', title: 'Techniques de médiation numérique', inDays: 41, hours: ['14:00', '17:00'], place: ROOMS.lille, facilitators: ['Nora Benali'], capacity: 12, registered: 2 },
  { module: null, title: 'Numérique libre, cycle de trois ateliers : 1. objectifs et stratégie', inDays: 48, hours: ['14:00', '17:00'], place: ROOMS.rennes, facilitators: ['Camille Roche'], capacity: 18, registered: 8 },
  { module: null, title: 'Numérique libre, cycle de trois ateliers : 2. un système cohérent avec nos valeurs', inDays: 55, hours: ['14:00', '17:00'], place: ROOMS.rennes, facilitators: ['Camille Roche'], capacity: 18, registered: 6 },
  { module: null, title: 'Numérique libre, cycle de trois ateliers : 3. prise en main des outils', inDays: 62, hours: ['14:00', '17:00'], place: ROOMS.rennes, facilitators: ['Camille Roche'], capacity: 18, registered: 4 },
  { module: 'communs-et-associations', title: 'Pourquoi les communs servent les associations', inDays: 69, hours: ['18:00', '20:00'], place: ROOMS.online, facilitators: ['Yanis Morel'], capacity: 40, registered: 0 },
  { module: 'offre-de-service', title: 'Définir son offre d’accompagnement', inDays: 83, hours: ['09:30', '12:30'], place: ROOMS.lyon, facilitators: ['Louis Perret'], capacity: 10, registered: 1 },
];

const FIRST = ['Alice', 'Bastien', 'Chloé', 'David', 'Emma', 'Farid', 'Gaëlle', 'Hugo', 'Irène', 'Jules', 'Karima', 'Léo', 'Maëlys', 'Nathan', 'Océane', 'Paul'];
const LAST = ['Durand', 'Lefèvre', 'Mercier', 'Blanc', 'Guérin', 'Faure', 'Roussel', 'Chevalier'];

function localDay(inDays: number, now: Date): string {
  return new Date(now.getTime() + inDays * 86_400_000).toISOString().slice(0, 10);
}

/** Loads the demo sessions into an empty agenda; an agenda with sessions is left as it is. */
export async function loadAgendaDemo(agenda: AgendaService): Promise<string> {
  const existing = await agenda.list({ includePrivate: true, limit: 1 });
  if (existing.total > 0) return `Démo : l’agenda a déjà ${existing.total} session(s), rien n’est ajouté.`;
  const now = agenda.now();
  let registrations = 0;
  for (const [index, demo] of SESSIONS.entries()) {
    const day = localDay(demo.inDays, now);
    const input: SessionInput = {
      moduleSlug: demo.module && agenda.modules.has(demo.module) ? demo.module : null,
      title: demo.title, startsAt: `${day}T${demo.hours[0]}`, endsAt: `${day}T${demo.hours[1]}`,
      address: demo.place.address ?? null, onlineUrl: demo.place.onlineUrl ?? null,
      latitude: demo.place.latitude ?? null, longitude: demo.place.longitude ?? null,
      facilitators: demo.facilitators, capacity: demo.capacity,
      description: 'Session de démonstration (données fictives).',
    };
    const { session } = await agenda.createSession(input);
    // People registered a week before the session, whatever its date.
    const before = new AgendaService(agenda.store, { modules: [...agenda.modules.values()], now: () => new Date(Date.parse(session.startsAt) - 7 * 86_400_000) });
    const seated: number[] = [];
    for (let i = 0; i < demo.registered; i++) {
      const name = `${FIRST[(index + i) % FIRST.length]} ${LAST[(index * 3 + i) % LAST.length]}`;
      // Visitors confirm from their mail (double opt-in): the fictional ones at once.
      const { token } = await before.registerVisitor(session.id, { name, email: `demo.${index}.${i}@example.org` });
      const result = await before.confirmRegistration(token);
      if (result.registration.status === 'confirmed') seated.push(result.registration.id);
      registrations++;
    }
    for (const id of seated.slice(0, demo.present ?? 0)) await agenda.markAttendance(id, true);
    // Through the store: fictional people get no cancellation mail (the service would queue them).
    if (demo.cancelled) await agenda.store.cancelSession(session.id, now.toISOString());
  }
  return `Démo : ${SESSIONS.length} sessions fictives et ${registrations} inscriptions ajoutées à l’agenda.`;
}
