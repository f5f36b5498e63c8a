/** The learner's download as CSV: one line per module and per quiz attempt (UTF-8 with BOM, for spreadsheets). */
import { ticked } from './quiz.js';
import type { LearnerData } from './service.js';

/** One CSV cell: quoted, and a leading = + - @ neutralised so a spreadsheet never runs it as a formula. */
function cell(value: string | number | boolean | null): string {
  let text = value === null ? '' : typeof value === 'boolean' ? (value ? 'oui' : 'non') : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

const STATES: Record<string, string> = { done: 'terminé', failed: 'échoué', not_started: 'à faire', outside_moodle: 'hors Moodle' };

export function learnerDataCsv(data: LearnerData): string {
  const lines: Array<Array<string | number | boolean | null>> = [['rubrique', 'module', 'titre', 'date', 'état ou score', 'détail']];
  lines.push(['compte', null, data.account.name, data.account.createdAt, null, data.account.email]);
  for (const m of data.progress?.modules ?? []) lines.push(['module', m.slug, m.title, m.completedAt, STATES[m.state] ?? m.state, m.via]);
  for (const a of data.quizAttempts) {
    lines.push(['quiz', a.module, a.title, a.at, `${a.score}/${a.total}`, `${a.passed ? 'réussi' : 'pas réussi'} ; réponses : ${a.answers.map((x) => (x === null ? '-' : ticked(x).map((c) => c + 1).join('+'))).join(' ')}`]);
  }
  return `\uFEFF${lines.map((l) => l.map(cell).join(',')).join('\r\n')}\r\n`;
}
