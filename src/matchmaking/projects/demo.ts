/**
 * POLLEN_DEMO=1: a few fictional diagnostics and accompaniment projects with the demo
 * directory's listed structures: one first contact, one project under way, one done and
 * recommended « après un projet accompagné » (verified), one abandoned. Nothing is mailed (the
 * demo writes through the services without the pages) and nothing is added when diagnostics exist.
 */
import type { Viewer } from '../../auth/viewer.js';
import type { DemoContext } from '../../demo/index.js';
import type { Diagnostic } from '../service.js';
import type { MilestoneId } from './model.js';

const FACILITATOR: Viewer = { role: 'facilitator', learnerId: null, displayName: 'Démonstration' };

interface DemoProject {
  association: string;
  territory: string;
  tools: Diagnostic['tools'];
  message: string;
  milestones: Array<[MilestoneId, string, string]>;
  end: 'contact' | 'en_cours' | 'termine' | 'abandonne';
}

const PROJECTS: DemoProject[] = [
  {
    association: 'Jardins Partagés de la Croix-Rousse', territory: '69', end: 'termine',
    tools: { messagerie: 'proprietaire', fichiers: 'proprietaire', agenda: 'proprietaire', visio: 'libre', site: 'libre', formulaires: 'aucun', comptabilite: 'aucun', adherents: 'aucun' },
    message: 'Nous voulons quitter Gmail et Google Drive avant la prochaine assemblée générale.',
    milestones: [['diagnostic', '2026-01-12', 'Besoins étudiés avec le bureau et deux bénévoles'], ['outils', '2026-02-03', 'Nextcloud et la messagerie installés'], ['formation', '2026-02-21', 'Neuf bénévoles formés'], ['autonomie', '2026-03-30', 'Le bureau gère seul les comptes']],
  },
  {
    association: 'Chorale des Tilleuls', territory: '38', end: 'en_cours',
    tools: { messagerie: 'proprietaire', fichiers: 'libre', agenda: 'proprietaire', visio: 'proprietaire', site: 'libre', formulaires: 'aucun', comptabilite: 'aucun', adherents: 'aucun' },
    message: 'Un agenda partagé pour les répétitions, et des réunions sans Zoom.',
    milestones: [['diagnostic', '2026-02-14', 'Rencontre avec la cheffe de chœur']],
  },
  {
    association: 'Épicerie Solidaire du Quartier', territory: '35', end: 'contact',
    tools: { messagerie: 'libre', fichiers: 'proprietaire', agenda: 'libre', visio: 'libre', site: 'proprietaire', formulaires: 'proprietaire', comptabilite: 'aucun', adherents: 'aucun' },
    message: 'Bonjour, pouvez-vous nous aider pour notre site et nos formulaires d’inscription ?',
    milestones: [],
  },
  {
    association: 'Club de Randonnée des Crêtes', territory: '63', end: 'abandonne',
    tools: { messagerie: 'proprietaire', fichiers: 'proprietaire', agenda: 'libre', visio: 'libre', site: 'libre', formulaires: 'libre', comptabilite: 'aucun', adherents: 'aucun' },
    message: 'Nous cherchons une messagerie pour le club.',
    milestones: [],
  },
];

export async function loadProjectsDemo(ctx: DemoContext): Promise<string> {
  const { matchmaking, projects, directory } = ctx;
  if (!matchmaking || !projects || !directory) return 'Démonstration : diagnostics non configurés, rien chargé.';
  if ((await ctx.database.db.selectFrom('matchmaking_diagnostics').select('id').limit(1).execute()).length > 0) {
    return 'Démonstration : des diagnostics existent déjà, rien n’est ajouté.';
  }
  const listed = await directory.listed();
  if (listed.length === 0) return 'Démonstration : aucune structure listée, aucun projet ajouté.';
  const link = (t: string) => `/projets/${t}`;
  for (const [i, d] of PROJECTS.entries()) {
    const provider = listed.find((p) => p.territories.includes(d.territory)) ?? listed[i % listed.length]!;
    const diagnostic: Diagnostic = { associationName: d.association, size: i % 2 ? 'moyenne' : 'petite', volunteers: 8 + i * 5, staff: i === 0 ? 1 : null, territory: d.territory, tools: d.tools, bothers: ['couts', 'donnees'], bothersText: '' };
    const email = `bureau@${d.association.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '')}.example.net`;
    const token = await matchmaking.create(diagnostic, email, (t) => `/diagnostic/${t}`);
    const found = (await matchmaking.findWithId(token))!;
    const { token: projectToken } = await projects.contact({ diagnosticToken: token, diagnosticId: found.id, diagnostic, provider, message: d.message, email, shareEmail: i % 2 === 0, link });
    if (d.end === 'contact') continue;
    if (d.end === 'abandonne') {
      await projects.abandon(projectToken, 'Le club a choisi de rester avec sa fédération (démonstration).');
      continue;
    }
    await projects.open(projectToken);
    for (const [milestone, day, note] of d.milestones) await projects.milestone(projectToken, milestone, day, note);
    if (d.end !== 'termine') continue;
    const project = await projects.done(projectToken, (slug) => `/annuaire/${slug}/recommander`);
    const yes = { answer: 'yes' as const, comment: null };
    const { recommendation } = await directory.recommendByForm({
      providerSlug: provider.slug, associationName: d.association, rna: null, verificationContact: email, periodStart: '2026-03', periodEnd: null,
      work: 'Diagnostic, installation de Nextcloud et de la messagerie, formation de neuf bénévoles, suivi jusqu’à l’autonomie du bureau.',
      tools: ['Nextcloud', 'Thunderbird'], questionnaire: { delivered: yes, usersTrained: yes, documentationLeft: yes, supportAfter: yes, wouldRecommend: yes },
      quote: 'Un projet suivi étape par étape : nous savons maintenant tout faire nous-mêmes.', quoteConsent: true,
    }, {
      key: `demo:project:${project.id}`,
      extra: { replacedTools: ['Gmail', 'Google Drive'], followUp: { needAssessed: yes, autonomous: yes }, contactConsent: true, projectId: project.id },
      within: async () => {},
    });
    await directory.db.transaction().execute((trx) => directory.confirmRecommendation(trx, recommendation.id));
    await directory.verifyRecommendation(FACILITATOR, recommendation.id, 'Association jointe au téléphone (démonstration)');
  }
  // The demo writes no mail: what the services queued for these fictional addresses is dropped.
  await ctx.database.db.deleteFrom('mail_outbox').where('kind', 'in', ['diagnostic', 'project-contact', 'project-contact-copy', 'project-recommend'])
    .where('recipient', 'like', '%.example.%').execute();
  return `Démonstration : ${PROJECTS.length} diagnostics et leurs projets d’accompagnement (un premier contact, un en cours, un terminé et recommandé, un abandonné).`;
}
