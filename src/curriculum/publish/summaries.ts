/** French edit summaries and the text of the bot's draft subpage. */
import type { CurriculumPage } from './pages.js';
import { escapePreformatted } from '../../wikitext/escape.js';
import { wikiLink } from './wikitext.js';

const SIGNATURE = '(robot Pollen)';

function subject(page: CurriculumPage): string {
  if (page.kind === 'template') return 'du modèle de navigation';
  if (page.kind === 'index') return 'du sommaire';
  return `du module ${page.module?.order ?? '?'}`;
}

/** « Parcours de formation : mise à jour du module 3 (robot Pollen) », plus the caller's words if any. */
export function editSummary(page: CurriculumPage, creation: boolean, extra?: string): string {
  const base = `Parcours de formation : ${creation ? 'création' : 'mise à jour'} ${subject(page)} ${SIGNATURE}`;
  return extra?.trim() ? `${base} — ${extra.trim()}` : base;
}

/** Summary of a draft subpage edit. */
export function draftSummary(page: CurriculumPage, extra?: string): string {
  const base = `Parcours de formation : version du robot ${subject(page)}, la page ayant été modifiée à la main ${SIGNATURE}`;
  return extra?.trim() ? `${base} — ${extra.trim()}` : base;
}

/**
 * The bot's version of a page a person changed, for them to compare: a notice, then the text.
 * Category links are turned into plain links (`[[:Catégorie:…]]`) and the template's own code
 * is shown, not run, so the draft joins no category and duplicates nothing.
 */
export function draftText(page: CurriculumPage): string {
  const notice =
    `'''Brouillon du robot Pollen.''' La dernière modification de la page ${wikiLink(page.title)} n’est pas celle du robot, ` +
    'qui ne l’a donc pas écrasée. Voici la version que le robot aurait publiée : comparez-la ' +
    'avec la page et reportez-y ce qui doit l’être. Ce brouillon est mis à jour à chaque publication.';
  const body = page.kind === 'template'
    ? `<pre>${escapePreformatted(page.text)}</pre>`
    : page.text.replace(/\[\[\s*(Catégorie|Category)\s*:/giu, '[[:$1:');
  return `${notice}\n----\n${body}`;
}
