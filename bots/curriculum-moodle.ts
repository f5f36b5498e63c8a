import { Command } from 'commander';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultWikiBaseUrl } from '../src/curriculum/imscc/paths.js';
import { CurriculumError, loadCurriculum } from '../src/curriculum/loader.js';
import { exportMbz, buildMbz } from '../src/curriculum/mbz/export.js';
import { isLoopbackUrl } from '../src/config/public-url.js';

export const DEFAULT_MBZ_PATH = 'dist/pollen-parcours.mbz';

interface Options {
  dir: string;
  out: string;
  wikiBaseUrl: string;
  title?: string;
  shortname?: string;
  start?: string;
}

/** The course's start date in seconds: --start (AAAA-MM-JJ, midnight UTC), else today at midnight UTC. */
export function courseStartDate(start: string | undefined, now: Date = new Date()): number {
  if (start === undefined) return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) / 1000;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(start);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!match || new Date(ms).toISOString().slice(0, 10) !== start) throw new Error(`--start ${start} : donnez une date réelle au format AAAA-MM-JJ, par exemple 2026-09-01.`);
  return ms / 1000;
}

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('curriculum:moodle')
    .description('Écrit le parcours en sauvegarde de cours Moodle (.mbz), à restaurer avec admin/cli/restore_backup.php ou la restauration web.')
    .option('--dir <dir>', 'dossier des fichiers de modules', process.env.POLLEN_CURRICULUM_DIR || 'course-modules')
    .option('--out <file>', 'sauvegarde à écrire', DEFAULT_MBZ_PATH)
    .option('--wiki-base-url <url>', 'préfixe des adresses des pages du wiki (défaut : tiré de WIKI_API_URL, sinon le wiki local sur POLLEN_WIKI_PORT)', defaultWikiBaseUrl())
    .option('--start <date>', 'date de début du cours, AAAA-MM-JJ (défaut : aujourd’hui)')
    .option('--title <title>', 'nom complet du cours')
    .option('--shortname <name>', 'nom abrégé du cours')
    .action(async (opts: Options) => {
      try {
        const modules = await loadCurriculum(opts.dir);
        if (modules.length === 0) throw new Error(`${opts.dir} : aucun fichier de module`);
        if (isLoopbackUrl(opts.wikiBaseUrl)) {
          console.error(
            `Attention : les liens vers le wiki pointent sur ${opts.wikiBaseUrl}, une adresse de cette machine que les navigateurs des apprenant·es ne joindront pas. ` +
              'Donnez --wiki-base-url (ou WIKI_API_URL) avec l’adresse publique du wiki.',
          );
        }
        const options = { wikiBaseUrl: opts.wikiBaseUrl, startDate: courseStartDate(opts.start), ...(opts.title ? { courseTitle: opts.title } : {}), ...(opts.shortname ? { shortName: opts.shortname } : {}) };
        const bytes = exportMbz(modules, options);
        await mkdir(path.dirname(path.resolve(opts.out)), { recursive: true });
        await writeFile(opts.out, bytes);
        const c = buildMbz(modules, options).counts;
        console.log(`${opts.out} (${bytes.byteLength} octets)`);
        console.log(`${c.modules} modules en ${c.sections} sections : ${c.pages} pages, ${c.webLinks} liens vers le wiki, ${c.quizzes} quiz (${c.questions} questions)`);
        console.log(`Début du cours : ${new Date(options.startDate * 1000).toISOString().slice(0, 10)}`);
        console.log(`Restauration : php admin/cli/restore_backup.php --file=${path.resolve(opts.out)} --categoryid=1`);
      } catch (err) {
        const detail = err instanceof CurriculumError ? `le parcours ne se valide pas :\n${err.message}` : (err as Error).message;
        console.error(`Échec de l’export : ${detail}`);
        process.exitCode = 1;
      }
    });
  await program.parseAsync(argv);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv);
