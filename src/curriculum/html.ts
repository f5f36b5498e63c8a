import { Marked } from 'marked';
import { CONTRIBUTIONS_SUBPAGE, contributionPage, type Activity, type CurriculumModule } from './schema.js';

/** Markdown -> HTML for lesson bodies. GFM on; the content files are written by the team, so raw HTML is kept. */
const markdown = new Marked({ gfm: true, async: false });

/** Renders Markdown; `headingOffset` pushes headings down (1: `##` becomes `<h3>`) to nest them under the page's own. */
export function renderMarkdown(source: string, headingOffset = 0): string {
  const tokens = markdown.lexer(source);
  if (headingOffset) {
    markdown.walkTokens(tokens, (token) => {
      if (token.type === 'heading') token.depth = Math.min(6, token.depth + headingOffset);
    });
  }
  return markdown.parser(tokens).trim();
}

/** Escapes text for HTML content and attributes. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** "45 min", "1 h", "1 h 30". */
export function formatMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${String(m).padStart(2, '0')}`;
}

export const activityTypeLabels: Record<Activity['type'], string> = {
  read: 'Lire',
  do: 'Faire',
  quiz: 'Quiz',
  contribute: 'Contribuer au wiki',
};

export interface ModulePageOptions {
  /** Titles of all modules by slug, to name prerequisites (falls back to the slug). */
  titlesBySlug?: ReadonlyMap<string, string>;
  /** Absolute URL of the module's wiki page, linked from the page when given. */
  wikiUrl?: string;
  /** Sentence about where the quiz is, shown instead of the questions (e.g. when the quiz is a separate activity). */
  quizNote?: string;
}

function list(items: readonly string[]): string {
  return `<ul>\n${items.map((i) => `  <li>${i}</li>`).join('\n')}\n</ul>`;
}

function renderActivity(activity: Activity, module: CurriculumModule, wikiUrl: string | undefined): string {
  const parts = [`<strong>${escapeHtml(activityTypeLabels[activity.type])} : ${escapeHtml(activity.title)}</strong>`];
  if (activity.estimatedMinutes) parts.push(` <em>(${formatMinutes(activity.estimatedMinutes)})</em>`);
  parts.push(`<br />${escapeHtml(activity.instructions)}`);
  if (activity.type === 'contribute') {
    const page = contributionPage(module, activity);
    const pageText = escapeHtml(page);
    // The default contributions page is the module page's subpage: its URL follows from the module's.
    const url = wikiUrl && activity.wikiPage === undefined ? `${wikiUrl}/${CONTRIBUTIONS_SUBPAGE}` : undefined;
    const link = url ? `<a href="${escapeHtml(url)}">${pageText}</a>` : pageText;
    parts.push(`<br />Page du wiki à modifier : ${link}`);
  }
  return parts.join('');
}

function renderQuiz(module: CurriculumModule): string {
  const questions = module.quiz.map((q) => {
    const choices = q.choices.map((c) => `<li>${escapeHtml(c)}</li>`).join('');
    const right = q.answers.map((a) => escapeHtml(q.choices[a] ?? '')).join(' ; ');
    const ask = q.multiple ? '<p><em>Plusieurs réponses sont justes.</em></p>' : '';
    return (
      `<li><p>${escapeHtml(q.question)}</p>${ask}<ol type="a">${choices}</ol>` +
      `<details><summary>${q.multiple ? 'Réponses' : 'Réponse'}</summary><p>${right} : ${escapeHtml(q.explanation)}</p></details></li>`
    );
  });
  return `<ol>\n${questions.join('\n')}\n</ol>`;
}

/** A complete, standalone HTML page (in French) presenting one module, as imported into Moodle. */
export function renderModulePage(module: CurriculumModule, options: ModulePageOptions = {}): string {
  const title = `Module ${module.order} : ${module.title}`;
  const prerequisites = module.prerequisites.map((slug) => escapeHtml(options.titlesBySlug?.get(slug) ?? slug));
  const sections = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="resume">${escapeHtml(module.summary)}</p>`,
    `<p><strong>Durée estimée :</strong> ${formatMinutes(module.estimatedMinutes)}</p>`,
    `<h2>Objectifs</h2>\n<p>À la fin de ce module, vous saurez :</p>\n${list(module.objectives.map(escapeHtml))}`,
    `<h2>Prérequis</h2>\n${prerequisites.length ? list(prerequisites) : '<p>Aucun : ce module peut être suivi directement.</p>'}`,
    `<h2>Activités</h2>\n<ol>\n${module.activities.map((a) => `  <li>${renderActivity(a, module, options.wikiUrl)}</li>`).join('\n')}\n</ol>`,
    `<h2>Leçon</h2>\n${renderMarkdown(module.body, 1)}`,
    `<h2>Quiz</h2>\n${options.quizNote ? `<p>${escapeHtml(options.quizNote)}</p>` : renderQuiz(module)}`,
  ];
  if (options.wikiUrl) {
    sections.push(
      `<h2>Sur le wiki</h2>\n<p>Cette leçon est aussi publiée sur le wiki : <a href="${escapeHtml(options.wikiUrl)}">${escapeHtml(module.wikiPage)}</a>.</p>`,
    );
  }
  return [
    '<!DOCTYPE html>',
    '<html lang="fr">',
    '<head>',
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />',
    `<title>${escapeHtml(title)}</title>`,
    '</head>',
    '<body>',
    ...sections,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
