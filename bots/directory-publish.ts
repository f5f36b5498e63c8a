/**
 * `npm run directory:publish [-- --dry-run]`: the directory to the wiki (Annuaire/<Nom> pages,
 * index, template, category pages), with the bots' etiquette. Unchanged pages cost nothing.
 */
import { Command } from 'commander';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { buildRuntime } from '../src/app.js';
import { ConfigError, loadConfig } from '../src/config/index.js';
import { publishDirectory } from '../src/directory/wiki.js';
import type { PublishStatus } from '../src/wiki/publish.js';

/** What happened to each page, in French (the page is « la page », hence the feminine). */
const STATUS_LABELS: Record<PublishStatus, string> = {
  created: 'créée', updated: 'mise à jour', unchanged: 'inchangée', conflict: 'conflit', 'skipped-nobots': 'refus des robots', stopped: 'arrêtée',
};

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = new Command()
    .name('directory:publish')
    .description('Publie l’annuaire des prestataires recommandés sur le wiki.')
    .option('--dry-run', 'ne rien modifier : dire seulement ce qui serait publié')
    .action(async (opts: { dryRun?: boolean }) => {
      let runtime;
      try {
        const config = loadConfig();
        runtime = await buildRuntime(config, pino({ level: 'warn' }));
        const directory = runtime.deps.directory!;
        await directory.refreshTraining();
        const report = await publishDirectory(runtime.wiki, directory, { dryRun: opts.dryRun, publicUrl: config.publicUrl });
        for (const o of report.outcomes) console.log(`${STATUS_LABELS[o.status].padEnd(15)} ${o.title}${o.reason ? ` — ${o.reason}` : ''}`);
        for (const d of report.drafts) console.log(`brouillon       ${d}`);
        for (const f of report.failures) console.error(`échec           ${f.title} — ${f.reason}`);
        console.log(`${report.checked} page(s) examinée(s), ${report.skipped} inchangée(s) sans appel au wiki, ${report.edits} modification(s), ${report.apiCalls} appel(s) au wiki${opts.dryRun ? ' (essai : rien n’a été modifié)' : ''}.`);
        if (report.halted) {
          console.error('Publication arrêtée par la page d’arrêt d’urgence du robot.');
          code = 3;
        } else if (report.failures.length > 0) {
          console.error(`${report.failures.length} page(s) refusée(s) par le wiki : les autres ont été publiées.`);
          code = 4;
        } else if (report.outcomes.some((o) => o.status === 'conflict')) code = 2;
      } catch (err) {
        console.error(err instanceof ConfigError ? err.message : `La publication de l’annuaire a échoué : ${err instanceof Error ? err.message : String(err)}`);
        code = 1;
      } finally {
        runtime?.close();
      }
    });
  await program.parseAsync(argv);
  return code;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main(process.argv);
