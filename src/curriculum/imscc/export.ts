import { escapeHtml, formatMinutes, renderModulePage } from '../html.js';
import { groups, groupTitles, type CurriculumModule } from '../schema.js';
import { renderManifest, resourceTypes, type CartridgeActivity, type ModuleEntry } from './manifest.js';
import { quizTitle, renderAssessment } from './qti.js';
import { renderWebLink, wikiPageUrl } from './weblink.js';
import { xmlId } from './xml.js';
import { zipDeterministic, type PackageFile } from './zip.js';
import { DEFAULT_WIKI_BASE_URL } from './paths.js';
import { frenchNumber } from '../../text/french.js';

export interface ExportImsccOptions {
  /** Prefix of wiki page URLs, e.g. `http://127.0.0.1:8080/index.php/`. Default: {@link DEFAULT_WIKI_BASE_URL}. */
  wikiBaseUrl?: string;
  /** Course title in the cartridge metadata (Moodle's course name on import). Default: {@link DEFAULT_COURSE_TITLE}. */
  courseTitle?: string;
}

export { DEFAULT_WIKI_BASE_URL };
export const DEFAULT_COURSE_TITLE = 'Pollen : accompagner les associations vers le logiciel libre';
export const MANIFEST_PATH = 'imsmanifest.xml';

/** Everything that goes into the package, before zipping: useful to inspect or test without unzipping. */
export interface Cartridge {
  /** In package order, the manifest first. */
  files: PackageFile[];
  counts: { modules: number; sections: number; pages: number; webLinks: number; quizzes: number; questions: number };
}

function moduleFolder(module: CurriculumModule): string {
  return module.file.replace(/\.md$/, '');
}

/**
 * Titles of a module's three activities. Each carries the module's number and title: the activities
 * sit right in their group's section, with no heading item above them (see renderSection).
 */
export function activityTitles(module: CurriculumModule): { page: string; wiki: string; quiz: string } {
  const name = `Module ${module.order} : ${module.title}`;
  return { page: name, wiki: `${name} – page du wiki`, quiz: quizTitle(module) };
}

export const PRESENTATION_TITLE = 'Présentation du parcours';
const PRESENTATION_PATH = 'presentation.html';

/** Lays out one module's three activities: lesson page, link to its wiki page, quiz. */
function moduleActivities(module: CurriculumModule): CartridgeActivity[] {
  const titles = activityTitles(module);
  const folder = moduleFolder(module);
  const page = `${folder}/lecon.html`;
  const link = `${folder}/lien-wiki.xml`;
  const quiz = `${folder}/assessment.xml`;
  return [
    {
      itemIdentifier: xmlId('I', module.slug, 'page'),
      title: titles.page,
      resource: { identifier: xmlId('R', module.slug, 'page'), type: resourceTypes.webcontent, file: page, href: page },
    },
    {
      itemIdentifier: xmlId('I', module.slug, 'wiki'),
      title: titles.wiki,
      resource: { identifier: xmlId('R', module.slug, 'wiki'), type: resourceTypes.weblink, file: link },
    },
    {
      itemIdentifier: xmlId('I', module.slug, 'quiz'),
      title: titles.quiz,
      resource: { identifier: xmlId('R', module.slug, 'quiz'), type: resourceTypes.assessment, file: quiz },
    },
  ];
}

/**
 * The course presentation's body (the cartridge's first page, the .mbz's section 0): what the
 * path is, its groups and modules in order, how a module goes (`moduleNote`).
 */
export function presentationBodyHtml(courseTitle: string, description: string, ordered: readonly CurriculumModule[], moduleNote: string): string {
  const sections = groups
    .map((group) => [group, ordered.filter((m) => m.group === group)] as const)
    .filter(([, modules]) => modules.length > 0)
    .map(
      ([group, modules]) =>
        `<h2>${escapeHtml(groupTitles[group])}</h2>\n<ul>\n${modules
          .map((m) => `  <li>${escapeHtml(`Module ${m.order} : ${m.title}`)} (${formatMinutes(m.estimatedMinutes)})</li>`)
          .join('\n')}\n</ul>`,
    );
  return [`<h1>${escapeHtml(courseTitle)}</h1>`, `<p>${escapeHtml(description)}</p>`, `<p>${escapeHtml(moduleNote)}</p>`, ...sections].join('\n');
}

/** The course presentation page (first section). */
function renderPresentationPage(courseTitle: string, description: string, ordered: readonly CurriculumModule[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="fr">',
    '<head>',
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />',
    `<title>${escapeHtml(PRESENTATION_TITLE)}</title>`,
    '</head>',
    '<body>',
    presentationBodyHtml(courseTitle, description, ordered, 'Chaque module a trois activités : la leçon, un lien vers sa page du wiki, où l’on contribue, et un quiz.'),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export function buildCartridge(modules: readonly CurriculumModule[], opts: ExportImsccOptions = {}): Cartridge {
  const wikiBaseUrl = opts.wikiBaseUrl ?? DEFAULT_WIKI_BASE_URL;
  const title = opts.courseTitle ?? DEFAULT_COURSE_TITLE;
  const ordered = [...modules].sort((a, b) => a.order - b.order);
  const titlesBySlug = new Map(ordered.map((m) => [m.slug, m.title]));

  const entries: ModuleEntry[] = [];
  const contentFiles: PackageFile[] = [];
  for (const module of ordered) {
    const wikiUrl = wikiPageUrl(wikiBaseUrl, module.wikiPage);
    const activities = moduleActivities(module);
    entries.push({ module, activities });
    const [page, link, quiz] = activities.map((a) => a.resource.file) as [string, string, string];
    contentFiles.push(
      {
        path: page,
        content: renderModulePage(module, {
          titlesBySlug,
          wikiUrl,
          quizNote: 'Le quiz de ce module est une activité à part, juste après la page du wiki.',
        }),
      },
      { path: link, content: renderWebLink(`Page du wiki : ${module.wikiPage}`, wikiUrl) },
      { path: quiz, content: renderAssessment(module) },
    );
  }

  const totalMinutes = ordered.reduce((sum, m) => sum + m.estimatedMinutes, 0);
  const description =
    `Parcours de formation en ${ordered.length} modules (environ ${frenchNumber(Math.round(totalMinutes / 6) / 10)} heures) ` +
    'pour accompagner les associations vers le logiciel libre et les communs.';
  const presentation: CartridgeActivity = {
    itemIdentifier: 'I_presentation_page',
    title: PRESENTATION_TITLE,
    resource: { identifier: 'R_presentation_page', type: resourceTypes.webcontent, file: PRESENTATION_PATH, href: PRESENTATION_PATH },
  };
  const manifest = renderManifest({
    identifier: 'M_pollen-parcours',
    title,
    description,
    presentation: { title: PRESENTATION_TITLE, activities: [presentation] },
    entries,
  });

  return {
    files: [
      { path: MANIFEST_PATH, content: manifest },
      { path: PRESENTATION_PATH, content: renderPresentationPage(title, description, ordered) },
      ...contentFiles,
    ],
    counts: {
      modules: ordered.length,
      sections: new Set(ordered.map((m) => m.group)).size,
      pages: ordered.length,
      webLinks: ordered.length,
      quizzes: ordered.length,
      questions: ordered.reduce((sum, m) => sum + m.quiz.length, 0),
    },
  };
}

/** The curriculum as an IMS Common Cartridge 1.1 package (.imscc zip); same modules, same bytes. */
export function exportImscc(modules: CurriculumModule[], opts: ExportImsccOptions = {}): Uint8Array {
  return zipDeterministic(buildCartridge(modules, opts).files);
}
