/**
 * The curriculum as a Moodle backup (.mbz) that `admin/cli/restore_backup.php` restores into a
 * course Pollen tracks with no activity map: the parcours presentation in section 0, one named
 * section per curriculum group; per module a page (the lesson, completion on view, idnumber
 * `<slug>-page`), a link to its wiki page (manual completion: the learner ticks it once they
 * contributed on the wiki, and markModuleDone writes it; idnumber `<slug>-wiki`) and a quiz whose
 * questions sit in a category of the quiz's question bank, open once the page is viewed
 * (availability) and complete on its passing grade (complete-pass or complete-fail): the quiz
 * carries the module's slug, so Moodle itself holds "page viewed AND quiz passed" for a module.
 * Course completion on, over every activity.
 */
import { renderModulePage } from '../html.js';
import { wikiPageUrl } from '../imscc/weblink.js';
import type { PackageFile } from '../imscc/zip.js';
import { groupTitles, type CurriculumModule, type Group } from '../schema.js';
import { presentationBodyHtml } from '../imscc/export.js';
import { activityFiles, afterCompletionOf, pageXml, urlXml, type MbzActivity } from './activities.js';
import { courseFiles, type MbzSection } from './course.js';
import { questionCategoriesXml, quizGradeItemXml, quizInforefXml, quizXml, type QuizIds } from './quiz.js';
import { tarGzip } from './tar.js';
import { frenchNumber } from '../../text/french.js';

export interface ExportMbzOptions {
  /** Prefix of wiki page URLs, e.g. `https://wiki.example.org/index.php/`. */
  wikiBaseUrl: string;
  courseTitle?: string;
  shortName?: string;
  /** Seconds since the epoch written as creation times. Default: 2020-01-01 (same bytes on every export). */
  time?: number;
  /** The course's start date, seconds since the epoch. Default: `time` (curriculum:moodle gives today, or --start). */
  startDate?: number;
}

export const DEFAULT_MBZ_TITLE = 'Pollen : accompagner les associations vers le logiciel libre';
export const DEFAULT_MBZ_SHORTNAME = 'pollen-parcours';

/**
 * The activity idnumbers of a module in the built course: the quiz carries the slug (Pollen tracks
 * it: passing it is completing the module), the page and the wiki link a suffix of it.
 */
export function activityIdnumbers(slug: string): { page: string; wiki: string; quiz: string } {
  return { page: `${slug}-page`, wiki: `${slug}-wiki`, quiz: slug };
}

/** How each module goes, said in section 0 and in every page. */
const MODULE_NOTE =
  'Chaque module a trois activités : la leçon, un lien vers sa page du wiki, où l’on contribue (cochez-le ensuite), et un quiz, ' +
  'qui s’ouvre une fois la leçon lue. Le module est validé quand son quiz est réussi.';

export interface MbzBackup {
  files: PackageFile[];
  counts: { modules: number; sections: number; pages: number; webLinks: number; quizzes: number; questions: number };
}

function pageBody(module: CurriculumModule, titlesBySlug: ReadonlyMap<string, string>, wikiUrl: string): string {
  const html = renderModulePage(module, {
    titlesBySlug,
    wikiUrl,
    quizNote: 'Le quiz de ce module est une activité à part, juste après le lien vers le wiki : il s’ouvre une fois cette leçon lue, et le réussir valide le module.',
  });
  return html.slice(html.indexOf('<body>') + '<body>'.length, html.indexOf('</body>')).trim();
}

export function buildMbz(modules: readonly CurriculumModule[], options: ExportMbzOptions): MbzBackup {
  const time = options.time ?? 1577836800;
  const ordered = [...modules].sort((a, b) => a.order - b.order);
  const titlesBySlug = new Map(ordered.map((m) => [m.slug, m.title]));
  const groups = [...new Set(ordered.map((m) => m.group))] as Group[];
  const totalMinutes = ordered.reduce((sum, m) => sum + m.estimatedMinutes, 0);
  const hours = frenchNumber(Math.round(totalMinutes / 6) / 10);
  const description = `Parcours de formation en ${ordered.length} modules (environ ${hours} heures) pour accompagner les associations vers le logiciel libre et les communs.`;
  const fullname = options.courseTitle ?? DEFAULT_MBZ_TITLE;
  const sections: MbzSection[] = [
    { id: 1, number: 0, name: null, summary: presentationBodyHtml(fullname, description, ordered, MODULE_NOTE) },
    ...groups.map((group, i) => ({ id: i + 2, number: i + 1, name: groupTitles[group], summary: '' })),
  ];
  const sectionOf = new Map(groups.map((group, i) => [group, sections[i + 1] as MbzSection]));
  const activities: MbzActivity[] = [];
  const categories: string[] = [];
  const gradeItems = { category: 1, course: 1 };
  let moduleId = 0;
  let questionId = 0;
  let questionCategoryId = 0;
  const ids = { page: 0, url: 0, quiz: 0 };
  const contextOf = (cmid: number) => 100 + cmid;

  for (const module of ordered) {
    const section = sectionOf.get(module.group) as MbzSection;
    const wikiUrl = wikiPageUrl(options.wikiBaseUrl, module.wikiPage);
    const idnumbers = activityIdnumbers(module.slug);
    const base = (modname: MbzActivity['modname']) => {
      moduleId++;
      ids[modname]++;
      return { moduleId, instanceId: ids[modname], contextId: contextOf(moduleId), modname, sectionId: section.id, sectionNumber: section.number };
    };
    const pageName = `Module ${module.order} : ${module.title}`;
    const page = base('page');
    activities.push({ ...page, idnumber: idnumbers.page, name: pageName, completion: { kind: 'view' }, instanceXml: pageXml(page.instanceId, pageName, pageBody(module, titlesBySlug, wikiUrl), time) });
    const linkName = `Sur le wiki : ${module.wikiPage}`;
    const link = base('url');
    const intro = `<p>${escapeHtml(`Lisez la page du module sur le wiki et contribuez-y, puis cochez cette activité.`)}</p>`;
    activities.push({ ...link, idnumber: idnumbers.wiki, name: linkName, completion: { kind: 'manual' }, instanceXml: urlXml(link.instanceId, linkName, intro, wikiUrl, time) });
    const quizName = `Quiz : ${module.title}`;
    const quiz = base('quiz');
    const quizIds: QuizIds = {
      quizId: quiz.instanceId, moduleId: quiz.moduleId, contextId: quiz.contextId, gradeItemId: gradeItems.course + quiz.instanceId,
      topCategoryId: questionCategoryId + 1, firstQuestionId: questionId + 1, gradeCategoryId: gradeItems.category,
    };
    questionCategoryId += 2;
    questionId += module.quiz.length;
    categories.push(questionCategoriesXml(module, quizIds, time));
    activities.push({
      ...quiz, idnumber: idnumbers.quiz, name: quizName, completion: { kind: 'passgrade' }, availability: afterCompletionOf(page.moduleId),
      instanceXml: quizXml(module, quizName, quizIds, time),
      gradeItemsXml: quizGradeItemXml(quizName, idnumbers.quiz, quizIds, quiz.instanceId + 1, time),
      inforefXml: quizInforefXml(quizIds),
    });
  }

  const course = {
    fullname,
    shortname: options.shortName ?? DEFAULT_MBZ_SHORTNAME,
    summary: `<p>${escapeHtml(description)}</p>`,
    contextId: 50,
    sections,
    activities,
    gradeCategoryId: gradeItems.category,
    courseGradeItemId: gradeItems.course,
    questionCategoriesXml: categories.join(''),
    time,
    startDate: options.startDate ?? time,
    fileName: 'pollen-parcours.mbz',
  };
  return {
    files: [...courseFiles(course), ...activities.flatMap((a) => activityFiles(a, time))],
    counts: {
      modules: ordered.length,
      sections: groups.length,
      pages: ordered.length,
      webLinks: ordered.length,
      quizzes: ordered.length,
      questions: ordered.reduce((sum, m) => sum + m.quiz.length, 0),
    },
  };
}

/** The backup's bytes (.tar.gz); same modules and options, same bytes. */
export function exportMbz(modules: readonly CurriculumModule[], options: ExportMbzOptions): Uint8Array {
  return tarGzip(buildMbz(modules, options).files);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
