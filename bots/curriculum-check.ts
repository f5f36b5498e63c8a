import { frenchProgram } from '../src/cli/french-help.js';
import { pathToFileURL } from 'node:url';
import { CurriculumError, loadCurriculum } from '../src/curriculum/loader.js';
import type { CurriculumModule } from '../src/curriculum/schema.js';

/** Totals printed by `npm run curriculum:check`. */
export interface CurriculumSummary {
  modules: number;
  totalMinutes: number;
  totalHours: number;
}

export function summarize(modules: readonly CurriculumModule[]): CurriculumSummary {
  const totalMinutes = modules.reduce((sum, m) => sum + m.estimatedMinutes, 0);
  return { modules: modules.length, totalMinutes, totalHours: Math.round(totalMinutes / 6) / 10 };
}

/** One line per module, then the totals. */
export function formatReport(modules: readonly CurriculumModule[]): string {
  const lines = modules.map(
    (m) => `${String(m.order).padStart(2, '0')}  ${m.slug.padEnd(40)} ${String(m.estimatedMinutes).padStart(4)} min  [${m.group}]`,
  );
  const s = summarize(modules);
  lines.push(`${s.modules} modules, ${s.totalMinutes} min en tout (${String(s.totalHours).replace('.', ',')} h)`);
  return lines.join('\n');
}

async function main(argv: string[]): Promise<void> {
  const program = frenchProgram('curriculum:check', 'Valide chaque fichier de module du parcours et affiche un récapitulatif.')
    .argument('[dossier]', 'dossier des fichiers de module', process.env.POLLEN_CURRICULUM_DIR || 'course-modules')
    .action(async (dir: string) => {
      try {
        const modules = await loadCurriculum(dir);
        if (modules.length === 0) {
          console.error(`${dir}: no module file found (expected files such as 01-some-slug.md)`);
          process.exitCode = 1;
          return;
        }
        console.log(formatReport(modules));
      } catch (err) {
        if (err instanceof CurriculumError) {
          console.error(`The curriculum does not validate. Fix what is listed below, then run the check again:\n${err.message}`);
        } else {
          console.error(`Cannot read the curriculum in ${dir}: ${(err as Error).message}`);
        }
        process.exitCode = 1;
      }
    });
  await program.parseAsync(argv);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv);
