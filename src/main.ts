import { buildRuntime, type Runtime } from './app.js';
import { ConfigError, describeConfig, loadConfig } from './config/index.js';
import { DEFAULT_IMSCC_PATH, wikiBaseUrlFromApi, writeCartridge } from './curriculum/imscc/index.js';
import { publishCurriculum } from './curriculum/publish/index.js';
import { createLogger, type Logger } from './log.js';
import { runExclusive, scheduleJob, type JobSchedule } from './jobs/index.js';
import { createGateway } from './server.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee README.md, "Configuration".\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  logger.debug({ config: describeConfig(config) }, 'Configuration');
  const runtime = await buildRuntime(config, logger);
  if (runtime.localWiki) {
    // The local wiki is ours: keep the parcours readable on it. Unchanged content costs one read.
    // Once across replicas starting together: the first takes the job, the others skip it.
    try {
      const outcome = await runExclusive(
        runtime.database, 'curriculum-publish', 10 * 60_000,
        () => publishCurriculum(runtime.wiki, runtime.deps.curriculum, { log: (line) => logger.debug(line) }),
        { holdForMs: 5 * 60_000 },
      );
      if (outcome.ran) logger.info({ ...outcome.value.counts, apiCalls: outcome.value.apiCalls }, `Curriculum published to the local wiki (${outcome.value.edits} edits)`);
      else logger.info('Curriculum publish skipped: another Pollen process sharing the store is doing it');
    } catch (err) {
      const e = err as { name?: string; code?: string };
      logger.warn({ error: e.name, code: e.code }, 'Curriculum not published to the local wiki; run `npm run curriculum:publish` later');
    }
  }
  // The Moodle export follows the content it is built from; deterministic, so unchanged content
  // rewrites the same bytes.
  const exported = await writeCartridge(runtime.deps.curriculum, DEFAULT_IMSCC_PATH, { wikiBaseUrl: wikiBaseUrlFromApi(runtime.wiki.apiUrl) });
  logger.info({ path: DEFAULT_IMSCC_PATH, bytes: exported.bytes }, 'Moodle export (IMS Common Cartridge) written');
  const { app, apollo } = await createGateway(runtime.deps, { logger, trustProxy: config.trustProxy, processMetrics: true });
  const server = app.listen(config.port, config.host, (err?: Error) => {
    // Express 5 hands listen errors (port taken, address not available) to this callback.
    if (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'listen';
      process.stderr.write(`Pollen could not start: ${code}: cannot listen on ${config.host}:${config.port} (${err.message}). Set PORT or HOST to a free address.\n`);
      runtime.close();
      process.exit(1);
    }
    logger.info(`Pollen gateway ready: http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/graphql`);
  });
  // Notes that could not be published (wiki down, maxlag, a crash) go out by themselves.
  const notesJob = startNotesRetries(runtime, logger, config.notesIntervalSeconds * 1000);
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'Shutting down');
    notesJob?.stop();
    server.close();
    await apollo.stop();
    runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
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
    run: async () => {
      const run = await notes.publishPending();
      if (run.results.length > 0) logger.info({ notes: run.results.length, edits: run.edits, halted: run.halted }, 'Pending notes published');
    },
    onError: (err) => logger.warn({ error: (err as Error).name, code: (err as { code?: string }).code }, 'Pending notes not published'),
  });
}
