import { z } from 'zod';

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a lowercase slug such as "logiciel-libre"');
const text = z.string().trim().min(1, 'a non-empty text');

export const activityTypes = ['read', 'do', 'quiz', 'contribute'] as const;

export const activitySchema = z.strictObject({
  type: z.enum(activityTypes),
  title: text,
  /** What the learner does, in French. */
  instructions: text,
  /** For `contribute`: the wiki page the learner is asked to edit (defaults to the module's page). */
  wikiPage: text.optional(),
  estimatedMinutes: z.number().int().positive().optional(),
});

const choiceIndex = z.number().int().min(0);

/**
 * One quiz question as the content file writes it: `answer` (the index, from 0, of the one right
 * choice) for a single-choice question, or `answers` (the indexes of every right choice, at least
 * one, each once) for a multiple-choice one, answered with checkboxes. Parsed to one shape,
 * `QuizQuestion`: `multiple` and the sorted `answers`.
 */
export const quizQuestionSchema = z
  .strictObject({
    question: text,
    // IMS CC 1.1's multiple-choice profile (the Moodle export) wants at least three choices.
    choices: z.array(text).min(3, 'at least 3 choices'),
    /** Single choice: index (from 0) of the right choice. */
    answer: choiceIndex.optional(),
    /** Multiple choice: indexes (from 0) of every right choice. */
    answers: z.array(choiceIndex).min(1, 'at least one right answer').optional(),
    explanation: text,
  })
  .superRefine((q, ctx) => {
    if ((q.answer === undefined) === (q.answers === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['answer'], message: 'give either "answer" (the index of the one right choice) or "answers" (the indexes of every right choice), not both' });
    }
    if (q.answer !== undefined && q.answer >= q.choices.length) {
      ctx.addIssue({ code: 'custom', path: ['answer'], message: 'answer must be the index of one of the choices' });
    }
    q.answers?.forEach((a, k) => {
      if (a >= q.choices.length) ctx.addIssue({ code: 'custom', path: ['answers', k], message: 'each of answers must be the index of one of the choices' });
      if (q.answers!.indexOf(a) !== k) ctx.addIssue({ code: 'custom', path: ['answers', k], message: `choice ${a} is listed twice in answers` });
    });
    if (q.answers && q.answers.length >= q.choices.length) {
      ctx.addIssue({ code: 'custom', path: ['answers'], message: 'at least one choice must be wrong (else ticking every box is right)' });
    }
    // Choices are told apart by their text in every export (wiki page, Moodle, the learner's feedback).
    q.choices.forEach((c, k) => {
      if (q.choices.indexOf(c) !== k) ctx.addIssue({ code: 'custom', path: ['choices', k], message: 'each choice must differ from the others' });
    });
  })
  .transform(({ answer, answers, ...rest }): QuizQuestion => ({
    ...rest,
    multiple: answers !== undefined,
    answers: answers ? [...answers].sort((a, b) => a - b) : [answer as number],
  }));

/** A quiz question once parsed: single choice (one index in `answers`) or multiple choice (checkboxes). */
export interface QuizQuestion {
  question: string;
  choices: string[];
  /** Multiple choice: every right choice must be ticked, and no other. */
  multiple: boolean;
  /** Indexes (from 0, ascending) of the right choices: exactly one for a single-choice question. */
  answers: number[];
  explanation: string;
}

export const moodleMappingSchema = z
  .strictObject({
    /** Activity idnumber in the Moodle course (resolved with core_course_get_course_module). */
    idnumber: z.string().min(1).optional(),
    /** Or the course-module id directly. */
    cmid: z.number().int().positive().optional(),
  })
  .refine((m) => m.idnumber !== undefined || m.cmid !== undefined, { message: 'give an idnumber or a cmid' });

export const groups = ['communs', 'accompagnement', 'communication'] as const;

/** Front matter of one `course-modules/NN-slug.md` file. */
export const moduleFrontMatterSchema = z.strictObject({
  slug,
  title: text,
  /** Section of the parcours the module belongs to. */
  group: z.enum(groups),
  summary: text,
  objectives: z.array(text).min(2, 'at least 2 learning objectives'),
  estimatedMinutes: z.number().int().positive(),
  prerequisites: z.array(slug).default([]),
  activities: z
    .array(activitySchema)
    .min(1)
    .refine((a) => a.some((x) => x.type === 'contribute'), { message: 'at least one activity of type "contribute"' }),
  quiz: z.array(quizQuestionSchema).min(3, 'at least 3 quiz questions'),
  /** Share of right answers (percent) that passes the quiz in the learner space; default 50. */
  quizPassPercent: z.number().int().min(1).max(100).optional(),
  /** Title of the wiki page the module is published to. */
  wikiPage: text,
  moodle: moodleMappingSchema,
  /** A workshop: being marked present at one of its agenda sessions completes the module. */
  attendanceCompletes: z.boolean().optional(),
});

export type ModuleFrontMatter = z.infer<typeof moduleFrontMatterSchema>;
export type Activity = z.infer<typeof activitySchema>;
export type Group = (typeof groups)[number];

export interface CurriculumModule extends ModuleFrontMatter {
  /** Position in the learner's order, from the file name prefix (1-based). */
  order: number;
  /** The lesson itself, Markdown, in French. */
  body: string;
  /** File it was loaded from, relative to the curriculum directory. */
  file: string;
}

export const groupTitles: Record<Group, string> = {
  communs: 'Les communs',
  accompagnement: 'Accompagner les associations',
  communication: 'Communication externe',
};

/** Subpage learners edit for a module's contribute activities, transcluded on the module page. */
export const CONTRIBUTIONS_SUBPAGE = 'Contributions';

/**
 * The wiki page a contribute activity asks learners to edit: its own `wikiPage`, else the
 * module's contributions subpage. Learners never edit the module page itself, so the
 * curriculum publisher can keep updating it without ever meeting a human edit.
 */
export function contributionPage(module: Pick<CurriculumModule, 'wikiPage'>, activity: Pick<Activity, 'wikiPage'>): string {
  return activity.wikiPage ?? `${module.wikiPage}/${CONTRIBUTIONS_SUBPAGE}`;
}

/** Each module's title and wiki page by slug, for other content (notes) that refers to modules. */
export function curriculumPages(modules: readonly CurriculumModule[]): Map<string, { title: string; wikiPage: string }> {
  return new Map(modules.map((m) => [m.slug, { title: m.title, wikiPage: m.wikiPage }]));
}
