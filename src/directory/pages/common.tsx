/** What the directory's public pages share: their stylesheet, French months, answers, labels. */
import { ANSWER_LABELS, type CriterionAnswer } from '../model.js';
import { stylesheet } from '../../web/styles.js';

export const PROVIDER_PAGES_CSS = stylesheet(`
.provider-facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 16rem), 1fr)); gap: .75rem; margin: 0 0 1.25rem; padding: 0; }
.provider-facts > div { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; overflow-wrap: anywhere; }
.provider-facts dt { color: var(--muted); font-size: .92rem; font-weight: 600; }
.provider-facts dd { margin: .15rem 0 0; }
.provider-facts ul { margin: 0; padding-left: 1.1rem; }
.recommendations { list-style: none; padding: 0; margin: 0; }
.recommendations > li { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; margin: 0 0 .75rem; overflow-wrap: anywhere; }
.recommendations h3 { margin: 0 0 .25rem; font-size: 1.05rem; }
.criteria { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: .15rem 1rem; margin: .5rem 0; max-width: 36rem; }
.criteria dt { font-weight: 400; }
.criteria dd { margin: 0; font-weight: 600; }
blockquote { margin: .5rem 0; padding: .25rem .9rem; border-left: 4px solid var(--line); font-style: italic; }
.call { display: inline-block; text-decoration: none; font-weight: 600; border-radius: 6px; padding: .45rem .9rem; border: 2px solid #12355b; background: #12355b; color: #fff; }
.call:focus-visible { outline: 3px solid #12355b; outline-offset: 2px; box-shadow: 0 0 0 5px #fff; }
form.stack .pair { display: flex; flex-wrap: wrap; gap: 0 1rem; }
form.stack .pair > .field { flex: 1 1 10rem; }
form.stack .choices-inline .choice { display: inline-flex; margin-right: 1.25rem; }
form.stack h2 { font-size: 1.15rem; margin: 1.25rem 0 .5rem; }
form.stack button { margin-top: .25rem; }
form.inline { display: inline; background: none; border: none; padding: 0; }
.manage { display: grid; gap: 1.25rem; }
`);

export const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

/** « mars 2025 » from `2025-03`. */
export function frenchMonth(month: string): string {
  const [year, m] = month.split('-');
  const name = MONTHS[Number(m) - 1];
  return name ? `${name} ${year}` : month;
}

export const ANSWER_CHOICES: ReadonlyArray<{ value: CriterionAnswer; label: string }> = [
  { value: 'yes', label: 'Oui' },
  { value: 'partial', label: 'En partie' },
  { value: 'no', label: 'Non' },
];

export function answerLabel(answer: CriterionAnswer): string {
  return ANSWER_LABELS[answer];
}

/** A list written for people: « A, B et C ». */
export function frenchList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} et ${items.at(-1)!}`;
}

/** Words separated by commas or new lines, trimmed, no empties, no repeats. */
export function splitList(text: string | undefined): string[] {
  return [...new Set((text ?? '').split(/[,;\n]/).map((t) => t.trim()).filter(Boolean))];
}
