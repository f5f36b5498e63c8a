/** The index page « Parcours de formation »: the groups with their modules in order, and the time. */
import { groupTitles, groups, type CurriculumModule } from '../schema.js';
import { MAIN_CATEGORY, NAVIGATION_TEMPLATE_TITLE } from './names.js';
import { categoryLink, formatMinutes, text, wikiLink } from './wikitext.js';

function totalMinutes(modules: readonly CurriculumModule[]): number {
  return modules.reduce((sum, m) => sum + m.estimatedMinutes, 0);
}

/** The wikitext of the index page. Modules must be in the learner's order (as the loader gives them). */
export function renderIndexPage(modules: readonly CurriculumModule[]): string {
  const sections = groups
    .map((group) => ({ group, members: modules.filter((m) => m.group === group) }))
    .filter(({ members }) => members.length > 0)
    .map(({ group, members }) => {
      const count = `${members.length} module${members.length > 1 ? 's' : ''}`;
      return [
        `== ${text(groupTitles[group])} ==`,
        `''${count}, ${formatMinutes(totalMinutes(members))}''`,
        ...members.map(
          (m) => `* Module ${m.order} : ${wikiLink(m.wikiPage, m.title)} (${formatMinutes(m.estimatedMinutes)}). ${text(m.summary)}`,
        ),
      ].join('\n');
    });
  const intro = [
    '<!-- Page publiée par le robot Pollen depuis les fichiers du parcours (course-modules/). ' +
      'Une modification faite à la main est conservée : le robot ne l’écrase pas et la signale. -->',
    'Ce parcours de formation accompagne les hébergeurs, les associations du logiciel libre et les structures ' +
      'de conseil qui aident des associations à quitter les plateformes propriétaires. Chaque module propose ' +
      'une leçon, des activités, un quiz et une contribution à ce wiki : suivez-les dans l’ordre.',
    `'''${modules.length} modules''', durée totale estimée : '''${formatMinutes(totalMinutes(modules))}'''.`,
  ].join('\n\n');
  const footer = [
    '== À propos de ces pages ==',
    `Chaque page de module porte en haut et en bas la barre ${wikiLink(NAVIGATION_TEMPLATE_TITLE, 'Navigation parcours')}. ` +
      'Les pages sont publiées par le robot Pollen ; vos contributions sont les bienvenues dans les sections indiquées par chaque activité.',
    '',
    categoryLink(MAIN_CATEGORY),
  ].join('\n');
  return [intro, ...sections, footer].join('\n\n').normalize('NFC');
}
