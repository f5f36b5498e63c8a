/**
 * The summary template at the top of every note page, and the wikitext of the template itself
 * (`Modèle:Compte-rendu`) so that the publisher can create it on a wiki that lacks it.
 */
import { escapeTemplateValue } from '../wikitext/escape.js';

/** Name of the template, without namespace. */
export const SUMMARY_TEMPLATE_NAME = 'Compte-rendu';
/** Full title of the template page on a French wiki. */
export const SUMMARY_TEMPLATE_PAGE = `Modèle:${SUMMARY_TEMPLATE_NAME}`;

export interface SummaryFields {
  date: string;
  lieu?: string;
  animateurs?: string[];
  participants?: string[];
  module?: string;
  /** The module's wiki page, when the slug is a curriculum module: shown as a link. */
  moduleLink?: { title: string; wikiPage: string } | undefined;
  source?: string;
}

/**
 * `{{Compte-rendu | date = … | lieu = … }}`, one parameter a line, empty ones left out.
 * Values are escaped for template context (`|`, `=`, `{{`, `}}`, `[[`…).
 */
export function summaryTemplateCall(fields: SummaryFields): string {
  const params: Array<[string, string | undefined]> = [
    ['date', fields.date],
    ['lieu', fields.lieu],
    ['animateurs', fields.animateurs?.join(', ')],
    ['participants', fields.participants?.join(', ')],
    ['module', fields.module],
    ['source', fields.source],
  ];
  const lines = params
    .filter((p): p is [string, string] => p[1] !== undefined && p[1].trim() !== '')
    .map(([name, value]) =>
      name === 'module' && fields.moduleLink
        ? // A curriculum page title (validated when the curriculum loads): a link, its text escaped.
          `| module = [[${fields.moduleLink.wikiPage}|${escapeTemplateValue(fields.moduleLink.title)}]]`
        : `| ${name} = ${escapeTemplateValue(value)}`,
    );
  return [`{{${SUMMARY_TEMPLATE_NAME}`, ...lines, '}}'].join('\n');
}

/**
 * Wikitext of `Modèle:Compte-rendu`: a small infobox table floated right. It uses only core
 * features (no ParserFunctions), so every row is shown, with « non précisé » when empty.
 */
export const SUMMARY_TEMPLATE_WIKITEXT = `<includeonly>{| class="wikitable infobox-compte-rendu" style="float:right; clear:right; margin:0 0 1em 1em; width:22em; font-size:90%;"
|+ Compte-rendu
|-
! scope="row" style="text-align:left" | Date
| {{{date|''non précisée''}}}
|-
! scope="row" style="text-align:left" | Lieu
| {{{lieu|''non précisé''}}}
|-
! scope="row" style="text-align:left" | Animation
| {{{animateurs|''non précisé''}}}
|-
! scope="row" style="text-align:left" | Participants
| {{{participants|''non précisé''}}}
|-
! scope="row" style="text-align:left" | Module du parcours
| {{{module|''aucun''}}}
|-
! scope="row" style="text-align:left" | Source
| {{{source|''non précisée''}}}
|}</includeonly><noinclude>
== Utilisation ==
Ce modèle résume un compte-rendu d'atelier ou de réunion. Il est placé en haut des pages
« Comptes-rendus/… » par le robot Pollen, qui les crée à partir des notes des animateur·rices.

<pre>
{{Compte-rendu
| date = 2025-03-12
| lieu = Maison des associations, Lyon
| animateurs = Camille, Yanis
| participants = Aïcha, Bernard
| module = diagnostic-numerique
| source = pad de l'atelier
}}
</pre>

== Paramètres ==
* <code>date</code> : date de l'atelier (AAAA-MM-JJ) ;
* <code>lieu</code> : où il s'est tenu ;
* <code>animateurs</code> : qui l'a animé, séparés par des virgules ;
* <code>participants</code> : qui était présent ;
* <code>module</code> : identifiant du module du parcours concerné ;
* <code>source</code> : d'où vient la note (fichier, pad, réunion).

Tous les paramètres sont facultatifs. Le modèle n'ajoute aucune catégorie : le robot ajoute
[[:Catégorie:Compte-rendu]] sur chaque page.
</noinclude>`;
