/** The navigation template `Modèle:Navigation parcours`, with its documentation in French. */
import { INDEX_TITLE, NAVIGATION_TEMPLATE, NAVIGATION_TEMPLATE_TITLE, TEMPLATE_CATEGORY } from './names.js';
import { categoryLink, templateCall, wikiLink } from './wikitext.js';

/**
 * Label of a link to a parcours page: the part after « Parcours de formation/ » when there is one
 * (`#titleparts` from ParserFunctions), else the whole title.
 */
function label(param: string): string {
  const parts = `{{#titleparts:{{{${param}}}}|0|2}}`;
  return `{{#if:${parts}|${parts}|{{{${param}}}}}}`;
}

function link(param: string, arrowBefore: string, arrowAfter: string): string {
  return `{{#if:{{{${param}|}}}|${arrowBefore}[[{{{${param}}}}|${label(param)}]]${arrowAfter}|&nbsp;}}`;
}

/**
 * Wikitext of `Modèle:Navigation parcours`. One line of output (no stray paragraphs), three cells:
 * previous module, index, next module. Needs ParserFunctions (`#if`, `#titleparts`).
 */
export function renderNavigationTemplate(): string {
  const style =
    'display:flex; justify-content:space-between; gap:1em; margin:0.5em 0; padding:0.4em 0.8em; ' +
    'border:1px solid #a2a9b1; background:#f8f9fa;';
  const body =
    `<div class="navigation-parcours" style="${style}">` +
    `<span class="navigation-parcours-precedent">${link('précédent', '← ', '')}</span>` +
    `<span class="navigation-parcours-index">[[{{{index|${INDEX_TITLE}}}}|Sommaire du parcours]]</span>` +
    `<span class="navigation-parcours-suivant">${link('suivant', '', ' →')}</span>` +
    '</div>';
  const example = templateCall(NAVIGATION_TEMPLATE, [
    ['précédent', `${INDEX_TITLE}/Module précédent`],
    ['suivant', `${INDEX_TITLE}/Module suivant`],
    ['index', INDEX_TITLE],
  ]);
  const documentation = [
    '== Documentation ==',
    `Ce modèle affiche la barre de navigation du ${wikiLink(INDEX_TITLE, 'parcours de formation')} : ` +
      'un lien vers le module précédent, un lien vers le sommaire et un lien vers le module suivant. ' +
      'Le robot Pollen le place en haut et en bas de chaque page de module.',
    '',
    '=== Paramètres ===',
    '* <code>précédent</code> : titre de la page du module précédent (absent pour le premier module).',
    '* <code>suivant</code> : titre de la page du module suivant (absent pour le dernier module).',
    `* <code>index</code> : titre de la page sommaire du parcours (par défaut « ${INDEX_TITLE} »).`,
    '',
    'Le lien affiche la partie du titre qui suit la barre oblique (« /Le logiciel libre… » devient « Le logiciel libre… »).',
    'Le modèle utilise l’extension ParserFunctions (<code>#if</code>, <code>#titleparts</code>).',
    '',
    '=== Exemple ===',
    `<pre><nowiki>${example}</nowiki></pre>`,
    '',
    '=== Qui maintient ce modèle ? ===',
    'Ce modèle est publié par le robot Pollen depuis les fichiers du parcours. ' +
      'Une modification faite ici à la main est conservée : le robot ne l’écrase pas et signale la différence.',
    '',
    categoryLink(TEMPLATE_CATEGORY),
  ].join('\n');
  return `<includeonly>${body}</includeonly><noinclude>\n${documentation}\n</noinclude>`;
}

export { NAVIGATION_TEMPLATE_TITLE };
