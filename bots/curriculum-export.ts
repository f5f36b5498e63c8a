import { Command } from 'commander';
import { pathToFileURL } from 'node:url';
import { DEFAULT_IMSCC_PATH, wikiBaseUrlFromApi, writeCartridge } from '../src/curriculum/imscc/write.js';
import { CurriculumError, loadCurriculum } from '../src/curriculum/loader.js';

/** The local wiki's API when no wiki is configured, on POLLEN_WIKI_PORT as scripts/wiki/up.sh starts it. */
function localWikiApiUrl(): string {
  return `http://127.0.0.1:${process.env.POLLEN_WIKI_PORT || '8080'}/api.php`;
}

interface ExportOptions {
  dir: string;
  out: string;
  wikiBaseUrl: string;
  title?: string;
}

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('curriculum:export')
    .description('Write the curriculum as an IMS Common Cartridge 1.1 package for Moodle course import.')
    .option('--dir <dir>', 'directory of the module files', process.env.POLLEN_CURRICULUM_DIR || 'course-modules')
    .option('--out <file>', 'package to write', DEFAULT_IMSCC_PATH)
    .option('--wiki-base-url <url>', 'prefix of wiki page URLs', wikiBaseUrlFromApi(process.env.WIKI_API_URL || localWikiApiUrl()))
    .option('--title <title>', 'course title in the package')
    .action(async (opts: ExportOptions) => {
      try {
        const modules = await loadCurriculum(opts.dir);
        if (modules.length === 0) throw new Error(`${opts.dir}: no module file found`);
        const { bytes, cartridge } = await writeCartridge(modules, opts.out, { wikiBaseUrl: opts.wikiBaseUrl, courseTitle: opts.title });
        const c = cartridge.counts;
        console.log(`${opts.out} (${bytes} bytes, ${cartridge.files.length} files)`);
        console.log(
          `${c.modules} modules in ${c.sections} sections: ${c.pages} pages, ${c.webLinks} wiki links, ` +
            `${c.quizzes} quizzes (${c.questions} questions)`,
        );
      } catch (err) {
        const detail = err instanceof CurriculumError ? `the curriculum does not validate:\n${err.message}` : (err as Error).message;
        console.error(`Export failed: ${detail}`);
        process.exitCode = 1;
      }
    });
  await program.parseAsync(argv);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv);
