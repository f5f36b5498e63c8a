/** Titles and names the published parcours uses on the wiki (French, as the wiki's readers see them). */
import { groupTitles, type Group } from '../schema.js';

/** The index page of the parcours, and its main category. */
export const INDEX_TITLE = 'Parcours de formation';
/** Name of the navigation template, as called from pages. */
export const NAVIGATION_TEMPLATE = 'Navigation parcours';
/** Its page title on a French wiki. */
export const NAVIGATION_TEMPLATE_TITLE = `Modèle:${NAVIGATION_TEMPLATE}`;
/** Category of every page of the parcours. */
export const MAIN_CATEGORY = 'Parcours de formation';
/** Category of the template. */
export const TEMPLATE_CATEGORY = 'Modèles du parcours de formation';
/** Subpage where the bot writes its version of a page a human has changed (with draftOnConflict). */
export const DRAFT_SUFFIX = 'Brouillon du robot';

/** One category per group, e.g. « Parcours de formation – Les communs ». */
export function groupCategory(group: Group): string {
  return `${MAIN_CATEGORY} – ${groupTitles[group]}`;
}

/** `<page>/Brouillon du robot`. */
export function draftTitle(pageTitle: string): string {
  return `${pageTitle}/${DRAFT_SUFFIX}`;
}
