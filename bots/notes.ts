/**
 * npm run notes -- publish FILE|DIR… [--dry-run] | watch DIR [--interval MS] | status [--limit N] | retry
 * Facilitators' notes to wiki pages, through the durable queue in the local store.
 */
import { sessionMinutes } from '../src/agenda/minutes.js';
import { parisDateTime } from '../src/cli/format.js';
import { frenchProgram } from '../src/cli/french-help.js';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig, type Config } from '../src/config/index.js';
import { loadCurriculum } from '../src/curriculum/loader.js';
import { curriculumPages } from '../src/curriculum/schema.js';
import type { CurriculumPages } from '../src/notes/convert.js';
import { previewNotes, type NotePreview } from '../src/notes/preview.js';
import { publishPendingNotes, stateCount, stateLabel, type NoteRunResult, type NotesRunReport } from '../src/notes/publisher.js';
import { claimNotice, claimSummary, nothingProcessedReason } from '../src/notes/claim-notices.js';
import { NOTE_STATES, NoteQueue, type NoteClaim, type QueueEntry, type QueueRecord } from '../src/notes/queue.js';
import { readNoteInputs } from '../src/notes/sources.js';
import { watchFolder } from '../src/notes/watch.js';
import { isStoreBusy, StoreUnavailableError, type StoreDb } from '../src/store/database.js';
import { storeBusyReason } from '../src/store/transaction.js';
import { openPollenStore } from '../src/store-schema.js';
import { WikiClient } from '../src/wiki/client.js';
import { WikiError } from '../src/wiki/errors.js';
import { resolveWiki } from '../src/wiki/local.js';

const say = (line: string): void => void process.stdout.write(`${line}\n`);
// `npm run notes -- status | head -3`: the reader left, which is no error; stop quietly.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
const note = (line: string): void => void process.stderr.write(`${line}\n`);

/** The curriculum's module pages, so a note's `module:` links to its page; none if it does not load. */
async function moduleLinks(config: Config): Promise<{ modules?: CurriculumPages }> {
  try {
    return { modules: curriculumPages(await loadCurriculum(config.curriculumDir)) };
  } catch {
    note(`Parcours illisible dans ${config.curriculumDir} : les notes sont publiées sans lien vers leur module.`);
    return {};
  }
}

/** The configured wiki (WIKI_API_URL…), or the local one, started when none is configured. */
async function connectWiki(config: Config): Promise<WikiClient> {
  const wiki = await resolveWiki(config, () => note('Aucun wiki configuré (WIKI_API_URL) : démarrage du wiki local…'));
  return WikiClient.connect({ apiUrl: wiki.apiUrl, username: wiki.botUser, password: wiki.botPassword, contact: wiki.contact });
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${Math.abs(n) >= 2 ? many : one}`;
}

function printRun(run: NotesRunReport): void {
  const count = (state: string): number => run.results.filter((r) => r.state === state).length;
  say(
    `${plural(run.results.length, 'note traitée', 'notes traitées')} : ${plural(count('published'), 'publiée', 'publiées')}, ` +
    `${count('conflict')} en conflit, ${count('failed')} en échec, ${count('queued')} en attente ; ` +
    `${plural(run.edits, 'modification', 'modifications')} sur le wiki, ${plural(run.apiCalls, 'appel', 'appels')} à l’API.`,
  );
  if (run.halted) say(run.halted);
}

function exitCodeOf(run: NotesRunReport): number {
  if (run.results.some((r) => r.state === 'failed')) return 1;
  return run.stopped || run.results.some((r) => r.state === 'conflict') ? 2 : 0;
}

function printPreview(p: NotePreview): void {
  const what = { create: 'nouvelle page', update: 'mise à jour', unchanged: 'aucun changement', conflict: 'conflit (page modifiée à la main)', 'skipped-nobots': 'page interdite aux robots', invalid: 'note invalide', stopped: 'arrêt d’urgence' }[p.action];
  say(`=== ${p.title ?? p.fileName ?? 'note'} : ${what}${p.fileName ? ` (${p.fileName})` : ''}`);
  if (p.reason) say(p.reason);
  for (const warning of p.warnings) say(`avertissement : ${warning}`);
  if (p.draftTitle) say(`La nouvelle version irait dans « ${p.draftTitle} ».`);
  if (p.wikitext !== undefined) say(`--- wikitexte ---\n${p.wikitext}`);
  if (p.diff) say(`--- différences avec la page actuelle ---\n${p.diff}`);
  say('');
}

function formatEntry(e: QueueEntry, claim?: NoteClaim): string {
  const where = e.pageTitle ?? e.fileName ?? `note ${e.id}`;
  const link = e.state === 'conflict' && e.linkTitle ? ` → voir « ${e.linkTitle} »${e.linkUrl ? ` ${e.linkUrl}` : ''}` : '';
  const retry = e.state === 'failed' && e.retryable && e.nextAttemptAt ? ` (nouvel essai après le ${parisDateTime(e.nextAttemptAt)})` : '';
  const reason = e.reason && e.state !== 'published' ? `\n      ${e.reason}` : '';
  const held = claim ? `\n      ${claimNotice(claim)}` : '';
  return `${String(e.id).padStart(4)}  ${stateLabel(e.state).padEnd(10)} ${where}${e.fileName && e.pageTitle ? ` (${e.fileName})` : ''}${link}${retry}${reason}${held}`;
}

/** `status --limit N`: a whole number of notes, 1 to 1000; anything else is refused. */
function parseLimit(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`--limit attend un nombre entier de notes, de 1 à 1000 (reçu : « ${value} »)`);
  return n;
}

function explain(err: unknown): string {
  if (err instanceof ConfigError) return err.message;
  if (err instanceof StoreUnavailableError) return err.message;
  if (isStoreBusy(err)) return `Base de données occupée : ${storeBusyReason()}. Relancez la commande dans un instant.`;
  if (err instanceof WikiError) return `Le wiki a refusé ou n’a pas répondu : ${err.message}`;
  const e = err as { code?: unknown; path?: unknown };
  if (e?.code === 'ENOENT') return `Fichier ou dossier introuvable : ${String(e.path)}`;
  return `Échec : ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * How long `publish` waits for its notes that another process (a watcher, a gateway, another
 * `publish`) took, to say how they ended; it takes over any whose process stops answering.
 */
const OTHERS_WAIT_MS = 120_000;
const OTHERS_POLL_MS = 500;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Publishes `ids` (each command line is its own worker in the queue's claims: src/jobs
 * processHolderId; a killed one's notes are taken at once by the next run on this machine), then
 * waits for those another process had taken. Returns this run's report and those other outcomes.
 */
async function publishOwnNotes(client: WikiClient, queue: NoteQueue, ids: number[], links: { modules?: CurriculumPages }): Promise<{ run: NotesRunReport; others: QueueRecord[] }> {
  const publish = (some: number[]) => publishPendingNotes(client, queue, { ids: some, ignoreBackoff: true, log: say, ...links });
  const run = await publish(ids);
  const deadline = Date.now() + OTHERS_WAIT_MS;
  let told = false;
  for (;;) {
    const done = new Set(run.results.map((r) => r.id));
    const others = (await Promise.all(ids.filter((id) => !done.has(id)).map((id) => queue.get(id)))).filter((e): e is QueueRecord => e !== undefined);
    const pending = others.filter((e) => e.state === 'queued' || e.state === 'publishing');
    if (pending.length === 0 || Date.now() > deadline) return { run, others };
    if (!told) {
      const holders = new Set((await queue.heldClaims()).filter((c) => pending.some((e) => e.id === c.id)).map((c) => c.worker));
      note(`${plural(pending.length, 'note prise', 'notes prises')} par un autre processus${holders.size ? ` (${[...holders].join(', ')})` : ''} : attente de ${pending.length > 1 ? 'leur' : 'sa'} publication…`);
      told = true;
    }
    await sleep(OTHERS_POLL_MS);
    // Taken only when free again: released, or its worker gone.
    const more = await publish(pending.map((e) => e.id));
    run.results.push(...more.results);
    run.edits += more.edits;
    run.apiCalls += more.apiCalls;
    run.stopped ||= more.stopped;
    if (more.halted) run.halted = more.halted;
  }
}

/** One line per note of this command that another process published (or is publishing). */
function printOthers(others: QueueRecord[]): NoteRunResult[] {
  const results: NoteRunResult[] = [];
  for (const e of others) {
    const where = `${e.pageTitle ?? e.fileName ?? `note ${e.id}`}${e.fileName && e.pageTitle ? ` (${e.fileName})` : ''}`;
    if (e.state === 'published') say(`déjà publiée par un autre processus : ${where}`);
    else if (e.state === 'queued' || e.state === 'publishing') say(`en cours de publication par un autre processus : ${where} ; « npm run notes -- status » dira quand elle sera publiée`);
    else say(`${stateLabel(e.state)} (par un autre processus) : ${where}${e.reason ? ` : ${e.reason}` : ''}`);
    if (e.state === 'failed' || e.state === 'conflict') results.push({ id: e.id, fileName: e.fileName, pageTitle: e.pageTitle, state: e.state, edits: 0, ...(e.reason ? { reason: e.reason } : {}) });
  }
  return results;
}

async function withStore<T>(config: Config, run: (store: StoreDb) => Promise<T>): Promise<T> {
  const store = await openPollenStore(config.store);
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  // Commander passes the arguments, then the options; each action returns its exit code.
  const guard = <A extends unknown[]>(action: (...args: A) => Promise<number>) => async (...args: A): Promise<void> => {
    try {
      code = await action(...args);
    } catch (err) {
      note(explain(err));
      code = 1;
    }
  };
  const program = frenchProgram('notes', 'Publie les comptes-rendus des animateur·rices sur le wiki, via la file d’attente locale.');

  program.command('publish')
    .description('met en file et publie des notes (fichiers .txt, .md, .odt, .docx, exports de pad .html/.etherpad, ou dossiers)')
    .argument('<chemins...>', 'fichiers ou dossiers de notes')
    .option('--dry-run', 'n’écrit rien : affiche le wikitexte et les différences avec la page actuelle')
    .action(guard(async (paths: string[], opts: { dryRun?: boolean }) => {
      const config = loadConfig();
      const inputs = await readNoteInputs(paths, 'cli');
      if (inputs.length === 0) throw new Error(`aucune note (.txt, .md, .odt, .docx, .html, .etherpad) dans ${paths.join(', ')}`);
      if (opts.dryRun) {
        const client = await connectWiki(config);
        // Read only: the store is opened only if it exists, to reuse the notes' reception times.
        const store = config.store.kind === 'postgres' || existsSync(config.store.path) ? await openPollenStore(config.store) : undefined;
        try {
          const previews = await previewNotes(client, inputs, { queue: store && new NoteQueue(store), sessions: store && sessionMinutes(store), ...(await moduleLinks(config)) });
          for (const p of previews) printPreview(p);
          say(`Simulation : aucune modification du wiki ni de la file (${plural(previews.length, 'note', 'notes')}).`);
          // The exit code a real run would give: 1 for a note refused, 2 for a conflict or a stop.
          if (previews.some((p) => p.action === 'invalid')) return 1;
          return previews.some((p) => p.action === 'conflict' || p.action === 'skipped-nobots' || p.action === 'stopped') ? 2 : 0;
        } finally {
          await store?.close();
        }
      }
      return withStore(config, async (store) => {
        // The agenda's sessions: a note naming one becomes its minutes; an unknown one is refused.
        const queue = new NoteQueue(store, { sessions: sessionMinutes(store) });
        const ids: number[] = [];
        const work: number[] = [];
        const refused: NoteRunResult[] = [];
        for (const [index, input] of inputs.entries()) {
          let queued: Awaited<ReturnType<NoteQueue['enqueue']>>;
          try {
            queued = await queue.enqueue(input);
          } catch (err) {
            if (!isStoreBusy(err)) throw err;
            // Each note is queued whole or not at all: these were not, the ones before were.
            for (const rest of inputs.slice(index)) note(`non mise en file : ${rest.fileName ?? 'note'} : ${storeBusyReason()}.`);
            if (ids.length > 0) note(`${plural(ids.length, 'note mise', 'notes mises')} en file avant cela : « npm run notes -- retry » (ou la surveillance, ou la passerelle) ${ids.length > 1 ? 'les' : 'la'} publiera.`);
            note('Relancez « npm run notes -- publish » avec les notes non mises en file dans un instant.');
            return 1;
          }
          const { entry, change, warnings } = queued;
          if (change !== 'unchanged') note(`${change === 'new' ? 'mise en file' : 'nouvelle version'} : ${input.fileName}`);
          for (const warning of warnings) say(`avertissement : ${input.fileName} : ${warning}`);
          ids.push(entry.id);
          // Work to do: not an unchanged note already published (or in conflict), not a refused one.
          if (entry.state === 'queued' || entry.state === 'publishing' || (entry.state === 'failed' && entry.retryable)) work.push(entry.id);
          if (entry.state === 'failed' && !entry.retryable) {
            // Refused by the converter: kept in the queue, reported here since it will not be published.
            refused.push({ id: entry.id, fileName: entry.fileName, pageTitle: entry.pageTitle, state: 'failed', reason: entry.reason ?? undefined, edits: 0 });
            say(`${stateLabel('failed').padEnd(10)} ${entry.fileName ?? `note ${entry.id}`} : ${entry.reason ?? ''}`);
          }
        }
        // Connect only once the notes are queued: a wiki that is down or refuses the bot loses nothing.
        let client: WikiClient;
        try {
          client = await connectWiki(config);
        } catch (err) {
          note(explain(err));
          note('Les notes restent dans la file : « npm run notes -- retry » les publiera quand le wiki répondra.');
          return 1;
        }
        const { run, others } = await publishOwnNotes(client, queue, work, await moduleLinks(config));
        const all = { ...run, results: [...refused, ...run.results] };
        // Nothing done here because another process did it: say so, not « 0 note traitée ».
        if (all.results.length > 0 || others.length === 0) printRun(all);
        const byOthers = printOthers(others);
        return exitCodeOf({ ...all, results: [...all.results, ...byOthers] });
      });
    }));

  program.command('watch')
    .description('surveille un dossier : met en file les notes nouvelles ou modifiées et les publie (arrêt : SIGTERM ou Ctrl-C)')
    .argument('<dossier>', 'dossier de notes')
    .option('--interval <ms>', 'pause entre deux passages, en millisecondes', '5000')
    .action(guard(async (dir: string, opts: { interval: string }) => {
      const config = loadConfig();
      const intervalMs = Number(opts.interval);
      if (!Number.isInteger(intervalMs) || intervalMs < 100) throw new Error('--interval doit être un nombre entier de millisecondes (100 au moins)');
      if (!existsSync(dir)) throw Object.assign(new Error('missing'), { code: 'ENOENT', path: dir });
      const client = await connectWiki(config);
      const controller = new AbortController();
      const stop = (): void => {
        if (!controller.signal.aborted) note('Arrêt demandé : fin de la note en cours, puis arrêt.');
        controller.abort();
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      const links = await moduleLinks(config);
      await withStore(config, (store) => {
        // Its role and its store, as the gateways log theirs at start (no password in the description).
        note(`Surveillance de ${dir} (toutes les ${intervalMs} ms) : travailleur de notes, magasin ${store.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'} ${store.description}.`);
        return watchFolder(client, new NoteQueue(store, { sessions: sessionMinutes(store) }), { dir, intervalMs, signal: controller.signal, log: say, ...links });
      });
      note('Surveillance arrêtée.');
      return 0;
    }));

  program.command('retry')
    .description('republie tout de suite les notes en attente ou en échec, sans attendre le délai entre deux essais')
    .action(guard(async () => {
      const config = loadConfig();
      const client = await connectWiki(config);
      return withStore(config, async (store) => {
        const queue = new NoteQueue(store);
        const run = await publishPendingNotes(client, queue, { ignoreBackoff: true, log: say, ...(await moduleLinks(config)) });
        printRun(run);
        if (run.results.length === 0) {
          // Why nothing: the notes other processes hold (and when a silent one's are retried), or nothing left.
          const { counts } = await queue.list({ limit: 1 });
          const retryable = (await queue.pending({ ignoreBackoff: true })).filter((r) => r.state === 'failed').length;
          for (const line of nothingProcessedReason(counts, await queue.heldClaims(), retryable)) say(line);
        }
        return exitCodeOf(run);
      });
    }));

  program.command('status')
    .description('affiche la file des notes')
    .option('--limit <n>', 'nombre de notes affichées', '50')
    .action(guard(async (opts: { limit: string }) => {
      const limit = parseLimit(opts.limit);
      const config = loadConfig();
      return withStore(config, async (store) => {
        const queue = new NoteQueue(store);
        const { entries, counts, total } = await queue.list({ limit });
        const claims = new Map((await queue.heldClaims()).map((c) => [c.id, c]));
        if (total === 0) {
          say('La file des notes est vide.');
          return 0;
        }
        say(`File des notes : ${plural(total, 'note', 'notes')} — ${NOTE_STATES.map((s) => stateCount(counts[s], s)).join(', ')}.`);
        for (const entry of entries) say(formatEntry(entry, claims.get(entry.id)));
        for (const line of claimSummary([...claims.values()])) say(line);
        return 0;
      });
    }));

  await program.parseAsync(argv);
  return code;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main(process.argv);
