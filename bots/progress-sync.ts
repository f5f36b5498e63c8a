import { parisDateTime, plural } from '../src/cli/format.js';
import { frenchProgram } from '../src/cli/french-help.js';
import { pathToFileURL } from 'node:url';
import { hashPassword } from '../src/auth/passwords.js';
import { ConfigError, loadConfig } from '../src/config/index.js';
import { loadCurriculum } from '../src/curriculum/loader.js';
import { createLogger } from '../src/log.js';
import { MoodleClient, MoodleError, moodleSettingProblem, type MoodleSiteSettings } from '../src/moodle/index.js';
import { LearnerStore } from '../src/progress/learners.js';
import type { SyncReport } from '../src/progress/model.js';
import { createProgressRuntime } from '../src/progress/runtime.js';
import type { StoreDb } from '../src/store/database.js';
import { openPollenStore } from '../src/store-schema.js';
import { WikiClient, resolveWiki } from '../src/wiki/index.js';

/** The sync's outcome in one French paragraph, for the operator. */
export function formatSyncReport(report: SyncReport): string {
  const lines = [
    `Synchronisation (${report.source === 'moodle' ? 'Moodle' : 'magasin local'}) du ${parisDateTime(report.snapshotAt)} :`,
    `  ${plural(report.learners, 'apprenant·e', 'apprenant·es')}, ${report.stalled} à l'arrêt, ${plural(report.moodleRequests, 'requête', 'requêtes')} HTTP vers Moodle, ${report.durationMs} ms.`,
  ];
  if (report.catalogRefreshed && report.source === 'moodle') lines.push('  Activités du cours relues dans Moodle.');
  if (report.unmatchedActivities.length > 0) {
    lines.push(`  ${plural(report.unmatchedActivities.length, 'activité', 'activités')} de Moodle sans module du parcours (numéro d’identification inconnu) :`);
    for (const a of report.unmatchedActivities) lines.push(`    - « ${a.name} » (idnumber ${a.idnumber}, cmid ${a.cmid})`);
  }
  if (report.modulesWithoutActivity.length > 0) {
    lines.push(`  ${plural(report.modulesWithoutActivity.length, 'module', 'modules')} du parcours sans activité dans Moodle : ${report.modulesWithoutActivity.join(', ')}`);
  }
  for (const w of report.warnings) lines.push(`  attention : ${w}`);
  return lines.join('\n');
}

/** Creates a local learner account (embedded mode). The password is stored as a scrypt hash only. */
export async function addLearner(
  store: StoreDb,
  input: { username: string; displayName: string; password: string; wikiUser?: string | undefined },
  now: () => Date = () => new Date(),
): Promise<string> {
  if (!/^[\p{L}\p{N}._@-]{1,100}$/u.test(input.username)) throw new Error('Nom d’utilisateur invalide : lettres, chiffres, . _ @ - (100 au plus).');
  if (input.password.length < 10) throw new Error('Mot de passe trop court : 10 caractères au moins.');
  const learners = new LearnerStore(store, now);
  if ((await learners.list({ includeInactive: true })).some((l) => l.username === input.username)) {
    throw new Error(`Un compte « ${input.username} » existe déjà : choisissez un autre identifiant.`);
  }
  return (await learners.addLocalLearner({ ...input, passwordHash: await hashPassword(input.password) })).id;
}

async function readPassword(): Promise<string> {
  // From stdin, never from the command line (it would land in the shell history and `ps`).
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function main(argv: string[]): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
  const program = frenchProgram('progress:sync', 'Suivi de progression des apprenant·es.');
  program
    .command('sync', { isDefault: true })
    .description('Lit la progression de chaque apprenant·e (Moodle ou magasin local) et enregistre un instantané daté.')
    .option('--no-wiki', 'ne pas compter les contributions au wiki')
    .action(async (options: { wiki: boolean }) => {
      const logger = createLogger(config.logLevel);
      const store = await openPollenStore(config.store);
      try {
        const curriculum = await loadCurriculum(config.curriculumDir);
        const moodle = config.moodle && new MoodleClient({ url: config.moodle.url, token: config.moodle.token, logger: logger.child({ upstream: 'moodle' }) });
        // Contributions are read from the configured wiki, else the local one (started if needed).
        let wiki: WikiClient | undefined;
        if (options.wiki) {
          const settings = await resolveWiki(config, () => console.error('Aucun wiki configuré (WIKI_API_URL) : démarrage du wiki local…'));
          wiki = await WikiClient.connect({ apiUrl: settings.apiUrl, username: settings.botUser, password: settings.botPassword, contact: settings.contact });
        }
        const { tracker } = createProgressRuntime({ config, store, curriculum, moodle, wiki, logger });
        console.log(formatSyncReport(await tracker.sync()));
      } finally {
        await store.close();
      }
    });
  program
    .command('add-learner')
    .description('Crée un compte apprenant·e local (sans Moodle). Le mot de passe est lu sur l’entrée standard.')
    .argument('<identifiant>', 'identifiant de connexion')
    .argument('<nom>', 'nom affiché, entre guillemets')
    .option('--wiki-user <name>', 'compte wiki de la personne (par défaut : son identifiant, initiale en majuscule)')
    .action(async (username: string, displayName: string, options: { wikiUser?: string }) => {
      const store = await openPollenStore(config.store);
      try {
        await addLearner(store, { username, displayName, password: await readPassword(), wikiUser: options.wikiUser });
        console.log(`Compte créé pour ${displayName} : connexion avec l’identifiant « ${username} ».`);
      } finally {
        await store.close();
      }
    });
  program
    .command('set-wiki-user')
    .description('Associe un·e apprenant·e à son compte wiki (vide : revenir à la règle par défaut).')
    .argument('<identifiant>', 'identifiant de l’apprenant·e')
    .argument('[compteWiki]', 'compte wiki (vide : règle par défaut)')
    .action(async (username: string, wikiUser: string | undefined) => {
      const store = await openPollenStore(config.store);
      try {
        const ok = await new LearnerStore(store).setWikiUser(username, wikiUser || null);
        console.log(ok ? 'Association enregistrée.' : `Aucun·e apprenant·e « ${username} » dans le magasin.`);
        if (!ok) process.exitCode = 1;
      } finally {
        await store.close();
      }
    });
  await program.parseAsync(argv);
}

/** The one line a failed run prints: the setting to check when one is to blame, else the error's class and code. */
export function syncFailureMessage(err: unknown, settings: MoodleSiteSettings | undefined): string {
  const setting = settings && moodleSettingProblem(err, settings);
  if (setting) return `progress:sync a échoué : ${setting}`;
  const e = err as { name?: string; code?: string; message?: string };
  // A Moodle error's own text is English and names no setting: its class and code say enough.
  if (err instanceof MoodleError) return `progress:sync a échoué : Moodle a refusé la demande ${err.wsfunction ?? ''} (${err.name}, code ${err.code}).`;
  return `progress:sync a échoué : ${e.name ?? 'Error'}${e.code ? ` (${e.code})` : ''} : ${e.message ?? String(err)}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv).catch((err: unknown) => {
    let settings: MoodleSiteSettings | undefined;
    try {
      const moodle = loadConfig().moodle;
      settings = moodle && { url: moodle.url, courseId: moodle.courseId };
    } catch {
      // main() already said what is wrong with the configuration
    }
    console.error(syncFailureMessage(err, settings));
    process.exitCode = 1;
  });
}
