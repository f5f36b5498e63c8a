/**
 * A module's quiz as the learner space asks it: one field per question (`q1`, `q2`…, the chosen
 * choice's index), scored on the server against the content file, passed at the module's
 * `quizPassPercent` or 50 %.
 */
import type { CurriculumModule } from '../curriculum/schema.js';

export const DEFAULT_PASS_PERCENT = 50;

/** The form field of question `index` (from 0). */
export function questionField(index: number): string {
  return `q${index + 1}`;
}

export function passPercentOf(module: Pick<CurriculumModule, 'quizPassPercent'>): number {
  return module.quizPassPercent ?? DEFAULT_PASS_PERCENT;
}

export interface QuizSheet {
  /** The index chosen for each question, in order; null when a question was left blank. */
  answers: Array<number | null>;
  /** French error by field, for the questions left blank or answered with a value that is no choice. */
  errors: Record<string, string>;
}

/** Reads the answers from a form's fields: each one must be the index of one of its choices. */
export function readSheet(module: Pick<CurriculumModule, 'quiz'>, fields: Readonly<Record<string, string>>): QuizSheet {
  const errors: Record<string, string> = {};
  const answers = module.quiz.map((question, i) => {
    const raw = (fields[questionField(i)] ?? '').trim();
    const chosen = /^\d{1,2}$/.test(raw) ? Number(raw) : NaN;
    if (Number.isInteger(chosen) && chosen >= 0 && chosen < question.choices.length) return chosen;
    errors[questionField(i)] = raw === '' ? 'choisissez une réponse à cette question.' : 'cette réponse ne fait pas partie des choix proposés.';
    return null;
  });
  return { answers, errors };
}

export interface QuizScore {
  score: number;
  total: number;
  passed: boolean;
  /** For each question: answered right. */
  right: boolean[];
}

/** Right answers over questions; passed when their share reaches the pass mark. */
export function scoreSheet(module: Pick<CurriculumModule, 'quiz' | 'quizPassPercent'>, answers: ReadonlyArray<number | null>): QuizScore {
  const right = module.quiz.map((question, i) => answers[i] === question.answer);
  const score = right.filter(Boolean).length;
  const total = module.quiz.length;
  return { score, total, right, passed: total > 0 && score * 100 >= passPercentOf(module) * total };
}
