import { scheduleAgendaPublishing } from './agenda/schedule.js';
import { buildRuntime, type Runtime } from './app.js';
import { firstTokenNotice, NO_DASHBOARD_ACCESS_WARNING } from './auth/first-start.js';
import { ConfigError, describeConfig, loadConfig } from './config/index.js';
import { publicUrlWarning } from './config/public-url.js';
import { secretKeyWarning } from './config/secret-key.js';
import { unknownSettingMessage, unknownSettings } from './config/unknown.js';
import { DEFAULT_IMSCC_PATH, wikiBaseUrlFromApi } from './curriculum/imscc/paths.js';
import { writeCartridgeApart } from './curriculum/imscc/write-apart.js';
import { ActionLog } from './dashboard/actions.js';
import { publishWikiHome } from './curriculum/publish/home.js';
import { publishCurriculum } from './curriculum/publish/index.js';
import { scheduleDirectoryPublishing } from './directory/schedule.js';
import { scheduleSoftwareNeedsPublishing } from './software-needs/schedule.js';
import { createLogger, type Logger } from './log.js';
import { startMailDelivery } from './mail/index.js';
import { holderChangeLog, processHolderId, runExclusive, scheduleJob, type JobSchedule } from './jobs/index.js';
import { scheduleProgressSync } from './progress/schedule.js';
import { createGateway } from './server.js';
import { gracefulStop, type Lifecycle } from './lifecycle/drain.js';
import { readChangeVersions } from './store/changes.js';
import { storeServerVersion } from './store/database.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const unknown of unknownSettings()) process.stderr.write(`${unknownSettingMessage(unknown)}\n`);
      process.stderr.write(`${err.message}\nSee README.md, "Configuration".\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  logger.debug({ config: describeConfig(config) }, 'Configuration');
  // A mistyped name (POLLEN_MOODLE_URL for MOODLE_URL) would otherwise be ignored without a word.
  for (const unknown of unknownSettings()) logger.warn({ setting: unknown.name, closest: unknown.closest }, unknownSettingMessage(unknown));
  const publicWarning = publicUrlWarning(config.publicUrl);
  if (publicWarning) logger.warn({ setting: 'POLLEN_PUBLIC_URL', url: config.publicUrl }, publicWarning);
  const keyWarning = secretKeyWarning(config);
  if (keyWarning) logger.warn({ setting: 'POLLEN_SECRET_KEY' }, keyWarning);
  const runtime = await buildRuntime(config, logger);
  if (runtime.localWiki) {
    // The local wiki is ours: keep the parcours readable on it. Unchanged content costs one read.
    // Once across replicas starting together: the first takes the job, the others skip it.
    try {
      // Released when done (no hold): replicas starting together publish once; a restart checks again (0 edits).
      const outcome = await runExclusive(
        runtime.database, 'curriculum-publish', 10 * 60_000,
        async () => {
          const report = await publishCurriculum(runtime.wiki, runtime.deps.curriculum, { log: (line) => logger.debug(line) });
          // The wiki's main page in French (once; a person's edit wins) and its category pages.
          const home = await publishWikiHome(runtime.wiki, [...new Set(runtime.deps.curriculum.map((m) => m.group))]);
          return { report, home };
        },
      );
      if (outcome.ran) {
        const { report, home } = outcome.value;
        logger.info({ ...report.counts, apiCalls: report.apiCalls }, `Curriculum published to the local wiki (${report.edits} edits)`);
        logger.info({ pages: home.length, edited: home.filter((o) => o.status === 'created' || o.status === 'updated').length }, 'Local wiki main page and category pages checked');
      } else {
        logger.info('Curriculum publish skipped: another Pollen process sharing the store is doing it');
      }
    } catch (err) {
      const e = err as { name?: string; code?: string };
      logger.warn({ error: e.name, code: e.code }, 'Curriculum not published to the local wiki; run `npm run curriculum:publish` later');
    }
  }
  // The Moodle export follows the content it is built from; deterministic, so unchanged content
  // rewrites the same bytes. Built in a worker thread that exits afterwards: the builder's modules,
  // heap and buffers never become the serving process's resident memory (about 10 MB).
  const exported = await writeCartridgeApart(runtime.deps.curriculum, DEFAULT_IMSCC_PATH, { wikiBaseUrl: wikiBaseUrlFromApi(runtime.wiki.apiUrl) });
  logger.info({ path: DEFAULT_IMSCC_PATH, bytes: exported.bytes }, 'Moodle export (IMS Common Cartridge) written');
  let lifecycle: Lifecycle | undefined;
  const { app, apollo } = await createGateway(runtime.deps, { logger, trustProxy: config.trustProxy, processMetrics: true, metrics: runtime.metrics,
    readiness: { draining: () => lifecycle?.draining ?? false, checkStore: () => storeServerVersion(runtime.database) },
    upstreamBudget: config.upstreamBudget, rateLimit: config.rateLimit,
    web: { store: runtime.database, publicUrl: config.publicUrl },
    // Directory and agenda answers follow writes made on any replica through the store's change marker.
    answerCache: { ...config.answerCache, storeChanges: () => readChangeVersions(runtime.database) },
    // Facilitators' actions on notes (retry, correct, discard) are recorded in the store.
    dashboard: { actions: await ActionLog.open(runtime.database) },
  });
  const server = app.listen(config.port, config.host, (err?: Error) => {
    // Express 5 hands listen errors (port taken, address not available) to this callback.
    if (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'listen';
      process.stderr.write(`Pollen could not start: ${code}: cannot listen on ${config.host}:${config.port} (${err.message}). Set PORT or HOST to a free address.\n`);
      runtime.close();
      process.exit(1);
    }
    const base = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
    // The first token is printed once, straight to the terminal, never through the logger.
    if (runtime.dashboardAccess.kind === 'created') process.stdout.write(firstTokenNotice(runtime.dashboardAccess.token, `${base}/dashboard`));
    if (runtime.dashboardAccess.kind === 'none') logger.warn(NO_DASHBOARD_ACCESS_WARNING);
    logger.info({ role: 'gateway', store: runtime.database.dialect, storeLocation: runtime.database.description, holder: processHolderId }, `Pollen gateway ready: ${base}/graphql`);
  });
  // Tokens created or revoked by `npm run token` in another process count within seconds.
  const tokensTimer = setInterval(() => {
    runtime.deps.auth?.refreshStoredTokens().catch((err: unknown) => logger.warn({ error: (err as Error).name }, 'Stored API tokens not reloaded'));
  }, TOKENS_REFRESH_INTERVAL_MS);
  tokensTimer.unref();
  // Notes that could not be published (wiki down, maxlag, a crash) go out by themselves.
  const notesJob = startNotesRetries(runtime, logger, config.notesIntervalSeconds * 1000);
  // Directory and Agenda pages on the wiki: once per interval across replicas (src/jobs lease).
  const directoryJob = startDirectoryPublishing(runtime, logger, config.publicUrl);
  const agendaJob = startAgendaPublishing(runtime, logger, config.publicUrl);
  const softwareNeedsJob = startSoftwareNeedsPublishing(runtime, logger, config.publicUrl);
  // Mails to visitors (agenda): the outbox is sent every minute, once across replicas.
  const mailJob = startMailDelivery({ store: runtime.database, smtpUrl: config.mail.smtpUrl, from: config.mail.from, logger });
  // Progress is as fresh as the last reading: with Moodle, the gateway reads it itself, once per
  // interval across every replica sharing the store (src/jobs lease).
  const progressHolder = holderChangeLog(runtime.database, 'progress-sync', logger);
  const progressSync = runtime.moodle
    ? scheduleProgressSync({
        sync: () => runtime.tracker.sync(),
        // Once per interval across replicas: the first to take the lease syncs, the others skip.
        runExclusive: async (job) => {
          const outcome = await runExclusive(runtime.database, 'progress-sync', 30 * 60_000, job, { holdForMs: Math.max(0, config.progress.syncIntervalMinutes * 60_000 - 5_000) });
          await progressHolder(outcome.ran);
        },
        intervalMinutes: config.progress.syncIntervalMinutes,
        logger,
      })
    : undefined;
  // SIGTERM or Ctrl-C: answer what is in flight, give back claims and leases, then exit; a
  // second signal exits at once (src/lifecycle/drain.ts).
  const graceful = gracefulStop({
    server,
    store: runtime.database,
    logger,
    drainMs: config.drainSeconds * 1000,
    stopJobs: () => {
      notesJob?.stop();
      directoryJob?.stop();
      agendaJob?.stop();
      softwareNeedsJob?.stop();
      mailJob?.stop();
      progressSync?.stop();
      clearInterval(tokensTimer);
    },
    close: async () => {
      await apollo.stop();
      runtime.close();
    },
  });
  lifecycle = graceful.lifecycle;
  process.on('SIGINT', () => void graceful.stop('SIGINT'));
  process.on('SIGTERM', () => void graceful.stop('SIGTERM'));
}

main().catch((err: unknown) => {
  // Typed errors from the layers carry a code and a message without secrets.
  const e = err as { name?: string; code?: string; message?: string };
  process.stderr.write(`Pollen could not start: ${e.name ?? 'Error'}${e.code ? ` (${e.code})` : ''}: ${e.message ?? String(err)}\n`);
  process.exit(1);
});

/**
 * Notes that could not be published go out by themselves: once per interval across every gateway
 * replica sharing the store (src/jobs), each note once (the queue's claims).
 */
function startNotesRetries(runtime: Runtime, logger: Logger, everyMs: number): JobSchedule | undefined {
  const notes = runtime.deps.notes;
  if (!notes) return undefined;
  return scheduleJob(runtime.database, {
    name: 'notes-publish',
    everyMs,
    logger,
    run: async () => {
      const run = await notes.publishPending();
      if (run.results.length > 0) logger.info({ notes: run.results.length, edits: run.edits, halted: run.halted }, 'Pending notes published');
    },
    onError: (err) => logger.warn({ error: (err as Error).name, code: (err as { code?: string }).code }, 'Pending notes not published'),
  });
}

const TOKENS_REFRESH_INTERVAL_MS = 10_000;

/** The directory follows moderation on the wiki, once per interval across replicas; a first turn at start. */
function startDirectoryPublishing(runtime: Runtime, logger: Logger, publicUrl: string | undefined): JobSchedule | undefined {
  const directory = runtime.deps.directory;
  if (!directory) return undefined;
  const schedule = scheduleDirectoryPublishing({ store: runtime.database, wiki: runtime.wiki, directory, logger, publicUrl });
  void schedule.tick();
  return schedule;
}

/** The wiki's Agenda page, once per interval across replicas; a first turn 10 s after start. */
function startAgendaPublishing(runtime: Runtime, logger: Logger, publicUrl: string | undefined): JobSchedule | undefined {
  const agenda = runtime.deps.agenda;
  if (!agenda) return undefined;
  const schedule = scheduleAgendaPublishing({ store: runtime.database, wiki: runtime.wiki, agenda, logger, publicUrl });
  setTimeout(() => void schedule.tick(), 10_000).unref();
  return schedule;
}

/** Needed software's pages on the wiki, once per interval across replicas; a first turn 15 s after start. */
function startSoftwareNeedsPublishing(runtime: Runtime, logger: Logger, publicUrl: string | undefined): JobSchedule | undefined {
  const service = runtime.deps.softwareNeeds;
  if (!service) return undefined;
  const schedule = scheduleSoftwareNeedsPublishing({ store: runtime.database, wiki: runtime.wiki, service, logger, publicUrl });
  setTimeout(() => void schedule.tick(), 15_000).unref();
  return schedule;
}
