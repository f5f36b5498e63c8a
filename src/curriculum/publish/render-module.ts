/** One module as a French wiki page: navigation, header, summary, objectives, activities, lesson, quiz. */
import { frenchList } from '../../text/french.js';
import { markdownToWikitext } from '../../wikitext/markdown.js';
import { activityTypeLabels } from '../html.js';
import { contributionPage, groupTitles, type Activity, type CurriculumModule } from '../schema.js';
import { INDEX_TITLE, MAIN_CATEGORY, NAVIGATION_TEMPLATE, groupCategory } from './names.js';
import { categoryLink, formatMinutes, templateCall, text, wikiLink } from './wikitext.js';

/** Where a module sits in the parcours: what the page links to. */
export interface ModulePageContext {
  previous?: CurriculumModule;
  next?: CurriculumModule;
  /** Number of modules in the parcours. */
  total: number;
  /** Every module by slug, to link prerequisites to their pages. */
  bySlug: ReadonlyMap<string, CurriculumModule>;
}

export function navigationCall(previous: CurriculumModule | undefined, next: CurriculumModule | undefined): string {
  return templateCall(NAVIGATION_TEMPLATE, [
    ['précédent', previous?.wikiPage],
    ['suivant', next?.wikiPage],
    ['index', INDEX_TITLE],
  ]);
}

function header(module: CurriculumModule, ctx: ModulePageContext): string {
  const prerequisites = module.prerequisites.map((slug) => {
    const target = ctx.bySlug.get(slug);
    if (!target) throw new Error(`${module.file}: prerequisite "${slug}" is not a module of the parcours`);
    return wikiLink(target.wikiPage, target.title);
  });
  return [
    `* '''Partie''' : ${text(groupTitles[module.group])} (module ${module.order} sur ${ctx.total})`,
    `* '''Durée estimée''' : ${formatMinutes(module.estimatedMinutes)}`,
    `* '''Prérequis''' : ${prerequisites.length > 0 ? prerequisites.join(', ') : 'aucun'}`,
  ].join('\n');
}

function activity(module: CurriculumModule, a: Activity): string {
  const details = [activityTypeLabels[a.type], a.estimatedMinutes ? formatMinutes(a.estimatedMinutes) : undefined]
    .filter((d) => d !== undefined)
    .join(', ');
  let line = `# '''${text(a.title)}''' (${text(details)}) : ${text(a.instructions)}`;
  if (a.type === 'contribute') line += ` Page à modifier : ${wikiLink(contributionPage(module, a))}.`;
  return line;
}

function quiz(module: CurriculumModule): string {
  const questions = module.quiz.flatMap((q, i) => [
    `=== Question ${i + 1} ===`,
    text(q.question, true),
    ...(q.multiple ? ["''Plusieurs réponses sont justes : trouvez-les toutes.''"] : []),
    ...q.choices.map((choice) => `# ${text(choice)}`),
    '',
  ]);
  const answers = module.quiz.map((q, i) => {
    if (q.multiple) {
      const numbers = q.answers.map((a) => String(a + 1));
      const named = q.answers.map((a) => `« ${text(q.choices[a] ?? '')} »`);
      return `* '''Question ${i + 1}''' : réponses ${frenchList(numbers)}, ${frenchList(named)}. ${text(q.explanation)}`;
    }
    const right = q.choices[q.answers[0]!] ?? '';
    return `* '''Question ${i + 1}''' : réponse ${q.answers[0]! + 1}, « ${text(right)} ». ${text(q.explanation)}`;
  });
  return [
    '== Quiz ==',
    'Répondez d’abord à chaque question, puis vérifiez dans la section « Réponses ».',
    '',
    ...questions,
    '== Réponses ==',
    '<div class="mw-collapsible mw-collapsed" data-expandtext="Afficher les réponses" data-collapsetext="Masquer les réponses">',
    'Les réponses et leurs explications sont masquées : cliquez sur « Afficher les réponses ».',
    '<div class="mw-collapsible-content">',
    ...answers,
    '</div>',
    '</div>',
  ].join('\n');
}

/**
 * Learners' contributions live on a subpage shown here by transclusion: they edit the subpage,
 * never the module page, so republishing the module never meets their edits.
 */
function contributions(module: CurriculumModule): string {
  const page = contributionPage(module, {});
  return [
    '== Contributions des apprenants ==',
    `{{#ifexist: ${page} | {{:${page}}} | ''Pas encore de contribution : ${wikiLink(page, 'ajoutez la vôtre')}.'' }}`,
    `<small>${wikiLink(page, 'Modifier les contributions')}</small>`,
  ].join('\n');
}

/**
 * The module's sessions (workshops at a date and place) live on a subpage the agenda bot keeps
 * up to date (src/agenda/wiki.ts), shown here by transclusion.
 */
function sessions(module: CurriculumModule): string {
  const page = `${module.wikiPage}/Sessions`;
  return ['== Sessions ==', `{{#ifexist: ${page} | {{:${page}}} | ''Aucune session programmée pour l’instant{{#ifexist: Agenda | : voir l’${wikiLink('Agenda', 'agenda')}}}.'' }}`].join('\n');
}

/** The wikitext of a module's page. Pure and deterministic: the same module gives the same text. */
export function renderModulePage(module: CurriculumModule, ctx: ModulePageContext): string {
  const navigation = navigationCall(ctx.previous, ctx.next);
  const lesson = markdownToWikitext(module.body, { topHeadingLevel: 3 });
  const sections = [
    navigation,
    `<!-- Page publiée par le robot Pollen depuis course-modules/${module.file}. ` +
      'Une modification faite à la main est conservée : le robot ne l’écrase pas et la signale. -->',
    header(module, ctx),
    text(module.summary, true),
    ['== Objectifs ==', 'À la fin de ce module, vous saurez :', ...module.objectives.map((o) => `* ${text(o)}`)].join('\n'),
    ['== Activités ==', ...module.activities.map((a) => activity(module, a))].join('\n'),
    `== Leçon ==\n${lesson}`,
    quiz(module),
    sessions(module),
    contributions(module),
    navigation,
    [categoryLink(MAIN_CATEGORY), categoryLink(groupCategory(module.group))].join('\n'),
  ];
  return sections.join('\n\n').normalize('NFC');
}
