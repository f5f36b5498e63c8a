/**
 * A module's quiz as the learner space asks it: one field per question (`q1`, `q2`…: the chosen
 * choice's index; for a multiple-choice question, every ticked box's index, the repeated field
 * joined by commas), scored on the server against the content file, passed at the module's
 * `quizPassPercent` or 50 %. A multiple-choice question is right when every right box and no
 * other is ticked.
 */
import type { CurriculumModule, QuizQuestion } from '../curriculum/schema.js';

export const DEFAULT_PASS_PERCENT = 50;

/** What was answered to one question: an index (single choice), the ticked indexes, ascending (multiple choice), or null (blank). */
export type QuizAnswer = number | number[] | null;

/** The form field of question `index` (from 0). */
export function questionField(index: number): string {
  return `q${index + 1}`;
}

export function passPercentOf(module: Pick<CurriculumModule, 'quizPassPercent'>): number {
  return module.quizPassPercent ?? DEFAULT_PASS_PERCENT;
}

export interface QuizSheet {
  /** What was answered to each question, in order; null when a question was left blank. */
  answers: QuizAnswer[];
  /** French error by field, for the questions left blank or answered with a value that is no choice. */
  errors: Record<string, string>;
}

const INDEX = /^\d{1,2}$/;

/** Reads the answers from a form's fields: each one must be the index of one of its choices (several, comma-separated, for a multiple-choice question). */
export function readSheet(module: Pick<CurriculumModule, 'quiz'>, fields: Readonly<Record<string, string>>): QuizSheet {
  const errors: Record<string, string> = {};
  const answers = module.quiz.map((question, i): QuizAnswer => {
    const raw = (fields[questionField(i)] ?? '').trim();
    const field = questionField(i);
    if (raw === '') {
      errors[field] = question.multiple ? 'cochez au moins une réponse à cette question.' : 'choisissez une réponse à cette question.';
      return null;
    }
    const parts = question.multiple ? raw.split(',').map((p) => p.trim()) : [raw];
    const indexes = parts.map((p) => (INDEX.test(p) ? Number(p) : NaN));
    if (parts.length > question.choices.length || indexes.some((n) => !Number.isInteger(n) || n < 0 || n >= question.choices.length)) {
      errors[field] = 'cette réponse ne fait pas partie des choix proposés.';
      return null;
    }
    return question.multiple ? [...new Set(indexes)].sort((a, b) => a - b) : indexes[0]!;
  });
  return { answers, errors };
}

/** The indexes an answer ticked (none for a blank one). */
export function ticked(answer: QuizAnswer | undefined): number[] {
  return answer === null || answer === undefined ? [] : Array.isArray(answer) ? answer : [answer];
}

/** Right: the one right choice, or exactly the set of right boxes (all of them, and no other). */
export function isRight(question: Pick<QuizQuestion, 'answers'>, answer: QuizAnswer | undefined): boolean {
  const chosen = ticked(answer);
  return chosen.length === question.answers.length && question.answers.every((a) => chosen.includes(a));
}

/** The right answer to a question, as an attempt keeps it. */
export function rightAnswer(question: Pick<QuizQuestion, 'answers' | 'multiple'>): QuizAnswer {
  return question.multiple ? [...question.answers] : question.answers[0]!;
}

/** A wrong answer to a question (the next choice after the first right one; a multiple-choice one ticks it alone). */
export function wrongAnswer(question: Pick<QuizQuestion, 'answers' | 'multiple' | 'choices'>): QuizAnswer {
  const wrong = question.choices.findIndex((_, c) => !question.answers.includes(c));
  return question.multiple ? [wrong] : wrong;
}

/** An answer as the form field sends it: `2`, or `0,2` for ticked boxes. */
export function fieldValue(answer: QuizAnswer): string {
  return ticked(answer).join(',');
}

export interface QuizScore {
  score: number;
  total: number;
  passed: boolean;
  /** For each question: answered right. */
  right: boolean[];
}

/** Right answers over questions; passed when their share reaches the pass mark. */
export function scoreSheet(module: Pick<CurriculumModule, 'quiz' | 'quizPassPercent'>, answers: ReadonlyArray<QuizAnswer>): QuizScore {
  const right = module.quiz.map((question, i) => isRight(question, answers[i]));
  const score = right.filter(Boolean).length;
  const total = module.quiz.length;
  return { score, total, right, passed: total > 0 && score * 100 >= passPercentOf(module) * total };
}
