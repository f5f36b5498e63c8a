/**
 * The local wiki's first impression: a French main page linking the parcours (and, once they
 * exist, the directory and the agenda) instead of the installer's « MediaWiki a été installé »,
 * and a description page for every category Pollen's pages use, so none is a red link.
 * The main page is written over the installer's placeholder once; after a person edits it,
 * theirs wins (publishPage's rules), and Pollen only keeps its own version up to date.
 */
import type { WikiClient } from '../../wiki/client.js';
import { publishPages, type PublishOutcome } from '../../wiki/publish.js';
import { groupTitles, type Group } from '../schema.js';
import { groupCategory, INDEX_TITLE, MAIN_CATEGORY, TEMPLATE_CATEGORY } from './names.js';

/** Accounts MediaWiki's installer signs the placeholder main page with. */
export const INSTALLER_ACCOUNTS = ['MediaWiki default', 'Maintenance script'];
export const DIRECTORY_TITLE = 'Annuaire';
export const AGENDA_TITLE = 'Agenda';
const NOTES_CATEGORY = 'Compte-rendu';

export function mainPageWikitext(options: { directory: boolean; agenda: boolean }): string {
  const lines = [
    '__NOTOC__',
    'Bienvenue sur le wiki des communs de la formation « Accompagner les associations vers le numérique libre ».',
    '',
    'Ce wiki rassemble ce que la communauté apprend et produit : le parcours de formation, les comptes-rendus d’ateliers et les contributions des apprenant·es. Chacun·e peut le lire et y contribuer.',
    '',
    '== Pour commencer ==',
    `* '''[[${INDEX_TITLE}]]''' : les modules du parcours, dans l’ordre, avec leurs activités.`,
    `* [[:Catégorie:${NOTES_CATEGORY}|Comptes-rendus d’ateliers]] : les notes des animateur·rices, publiées par le robot Pollen.`,
  ];
  if (options.directory) lines.push(`* [[${DIRECTORY_TITLE}]] : les structures recommandées par les associations qu’elles ont accompagnées.`);
  if (options.agenda) lines.push(`* [[${AGENDA_TITLE}]] : les prochains ateliers et sessions de formation.`);
  lines.push(
    '',
    '== Contribuer ==',
    '* Créez un compte, puis modifiez une page : chaque module propose une page de contributions.',
    '* Le robot Pollen publie le parcours et les comptes-rendus ; il n’écrase jamais une modification humaine.',
    '* Pour arrêter le robot en urgence, écrivez autre chose que « actif » sur la page [[Utilisateur:Robot/Arrêt]].',
    '',
    '<small>Cette page a été créée par Pollen au démarrage du wiki local. Modifiez-la librement : votre version sera gardée.</small>',
  );
  return lines.join('\n');
}

/** Category pages: a sentence saying what each holds. */
export function categoryPages(groups: readonly Group[]): Array<{ title: string; text: string }> {
  const pages = [
    { title: `Catégorie:${MAIN_CATEGORY}`, text: `Toutes les pages du [[${INDEX_TITLE}|parcours de formation]], publiées par le robot Pollen à partir des fichiers du parcours.` },
    { title: `Catégorie:${TEMPLATE_CATEGORY}`, text: 'Les modèles qu’utilisent les pages du parcours de formation (navigation entre modules).' },
    { title: `Catégorie:${NOTES_CATEGORY}`, text: 'Les comptes-rendus d’ateliers et de sessions, publiés par le robot Pollen à partir des notes des animateur·rices.' },
    ...groups.map((g) => ({
      title: `Catégorie:${groupCategory(g)}`,
      text: `Les modules de la partie « ${groupTitles[g]} » du [[${INDEX_TITLE}|parcours de formation]].\n\n[[Catégorie:${MAIN_CATEGORY}]]`,
    })),
  ];
  return pages;
}

/** Publishes the main page and the category pages; one batched read, edits only where needed. */
export async function publishWikiHome(client: WikiClient, groups: readonly Group[]): Promise<PublishOutcome[]> {
  const site = await client.siteInfo();
  const present = await client.getPages([DIRECTORY_TITLE, AGENDA_TITLE]);
  const main = {
    title: site.mainPage,
    text: mainPageWikitext({ directory: present.get(DIRECTORY_TITLE)?.exists === true, agenda: present.get(AGENDA_TITLE)?.exists === true }),
    summary: 'Page d’accueil en français, avec les liens vers le parcours (robot Pollen)',
    replaceableEditors: INSTALLER_ACCOUNTS,
  };
  const categories = categoryPages(groups).map((c) => ({ ...c, summary: 'Description de la catégorie (robot Pollen)' }));
  return publishPages(client, [main, ...categories]);
}
