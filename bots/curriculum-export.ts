import { plural } from '../src/cli/format.js';
import { frenchProgram } from '../src/cli/french-help.js';
import { pathToFileURL } from 'node:url';
import { defaultWikiBaseUrl } from '../src/curriculum/imscc/paths.js';
import { DEFAULT_IMSCC_PATH, writeCartridge } from '../src/curriculum/imscc/write.js';
import { CurriculumError, loadCurriculum } from '../src/curriculum/loader.js';
import { isLoopbackUrl } from '../src/config/public-url.js';


interface ExportOptions {
  dir: string;
  out: string;
  wikiBaseUrl: string;
  title?: string;
}

async function main(argv: string[]): Promise<void> {
  const program = frenchProgram('curriculum:export', 'Écrit le parcours en paquet IMS Common Cartridge 1.1, pour les plateformes autres que Moodle (pour Moodle : curriculum:moodle).')
    .option('--dir <dossier>', 'dossier des fichiers de module', process.env.POLLEN_CURRICULUM_DIR || 'course-modules')
    .option('--out <fichier>', 'paquet à écrire', DEFAULT_IMSCC_PATH)
    .option('--wiki-base-url <url>', 'début des adresses publiques des pages du wiki (défaut : tiré de WIKI_API_URL, sinon le wiki local sur POLLEN_WIKI_PORT)', defaultWikiBaseUrl())
    .option('--title <titre>', 'titre du cours dans le paquet')
    .action(async (opts: ExportOptions) => {
      try {
        const modules = await loadCurriculum(opts.dir);
        if (modules.length === 0) throw new Error(`${opts.dir} : aucun fichier de module trouvé`);
        if (isLoopbackUrl(opts.wikiBaseUrl)) {
          console.error(
            `Attention : les liens vers le wiki pointent sur ${opts.wikiBaseUrl}, une adresse de cette machine que les navigateurs des apprenant·es ne joindront pas. ` +
              'Donnez --wiki-base-url (ou WIKI_API_URL) avec l’adresse publique du wiki.',
          );
        }
        const { bytes, cartridge } = await writeCartridge(modules, opts.out, { wikiBaseUrl: opts.wikiBaseUrl, courseTitle: opts.title });
        const c = cartridge.counts;
        console.log(`${opts.out} (${plural(bytes, 'octet')}, ${plural(cartridge.files.length, 'fichier')})`);
        console.log(
          `${plural(c.modules, 'module')} en ${plural(c.sections, 'section')} : ${plural(c.pages, 'page')}, ${plural(c.webLinks, 'lien', 'liens')} vers le wiki, ` +
            `${plural(c.quizzes, 'quiz', 'quiz')} (${plural(c.questions, 'question')})`,
        );
      } catch (err) {
        const detail = err instanceof CurriculumError ? `le parcours n’est pas valide :\n${err.message}` : (err as Error).message;
        console.error(`Export impossible : ${detail}`);
        process.exitCode = 1;
      }
    });
  await program.parseAsync(argv);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv);
