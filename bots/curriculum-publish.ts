import { frenchProgram } from '../src/cli/french-help.js';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig } from '../src/config/index.js';
import { CurriculumError, loadCurriculum } from '../src/curriculum/loader.js';
import {
  exitCodeOf, formatDryRunDiffs, formatPublishTable, publishCurriculum, type PublishReport,
} from '../src/curriculum/publish/index.js';
import { WikiClient } from '../src/wiki/client.js';
import { WikiError } from '../src/wiki/errors.js';
import { resolveWiki } from '../src/wiki/local.js';

export interface CurriculumPublishRun {
  /** Directory of the module files. */
  dir: string;
  dryRun?: boolean;
  draftOnConflict?: boolean;
  /** Appended to the French edit summaries. */
  summary?: string;
  /** Progress lines. Default: silent. */
  log?: (line: string) => void;
  /** Environment to read the wiki settings from. Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Loads the curriculum, connects to the configured wiki (WIKI_API_URL, WIKI_BOT_USER,
 * WIKI_BOT_PASSWORD) or, when none is configured, to the local wiki it starts, and publishes.
 */
export async function runCurriculumPublish(run: CurriculumPublishRun): Promise<PublishReport> {
  const config = loadConfig(run.env ?? process.env);
  const modules = await loadCurriculum(run.dir);
  if (modules.length === 0) throw new Error(`${run.dir}: no module file found (expected files such as 01-some-slug.md)`);
  const wiki = await resolveWiki(config, () => run.log?.('No wiki configured (WIKI_API_URL): starting the local wiki…'));
  const client = await WikiClient.connect({ apiUrl: wiki.apiUrl, username: wiki.botUser, password: wiki.botPassword, contact: wiki.contact });
  return publishCurriculum(client, modules, {
    dryRun: run.dryRun, draftOnConflict: run.draftOnConflict, summary: run.summary, log: run.log,
  });
}

/** What a person reads when the run could not start: what went wrong and what to do, no secrets. */
function explain(err: unknown, dir: string): string {
  if (err instanceof CurriculumError) return `The curriculum does not validate; fix it (npm run curriculum:check), then publish again:\n${err.message}`;
  if (err instanceof ConfigError) return err.message;
  if (err instanceof WikiError) return `${err.message}`;
  return `Publishing ${dir} failed: ${err instanceof Error ? err.message : String(err)}`;
}

interface CliOptions {
  dir: string;
  dryRun?: boolean;
  draftOnConflict?: boolean;
  summary?: string;
  quiet?: boolean;
}

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = frenchProgram('curriculum:publish', 'Publie le parcours sur le wiki : le modèle de navigation, la page d’index et une page par module.')
    .option('--dir <dossier>', 'dossier des fichiers de module', process.env.POLLEN_CURRICULUM_DIR || 'course-modules')
    .option('--dry-run', 'ne modifie rien ; affiche les différences de chaque page avec le wiki')
    .option('--draft-on-conflict', 'quand une personne a modifié une page, écrire la version du robot dans « <page>/Brouillon du robot »')
    .option('--summary <texte>', 'mots ajoutés à chaque résumé de modification')
    .option('--quiet', 'n’afficher que le tableau récapitulatif')
    .action(async (opts: CliOptions) => {
      try {
        const report = await runCurriculumPublish({
          dir: opts.dir, dryRun: opts.dryRun, draftOnConflict: opts.draftOnConflict, summary: opts.summary,
          log: opts.quiet ? undefined : (line) => console.error(line),
        });
        if (report.dryRun) {
          const diffs = formatDryRunDiffs(report);
          if (diffs) console.log(`${diffs}\n`);
        }
        console.log(formatPublishTable(report));
        code = exitCodeOf(report);
      } catch (err) {
        console.error(explain(err, opts.dir));
        code = 1;
      }
    });
  await program.parseAsync(argv);
  return code;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main(process.argv);
