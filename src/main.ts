import { publishAgenda } from './agenda/wiki.js';
import { buildRuntime, type Runtime } from './app.js';
import { ConfigError, describeConfig, loadConfig } from './config/index.js';
import { DEFAULT_IMSCC_PATH, wikiBaseUrlFromApi, writeCartridge } from './curriculum/imscc/index.js';
import { publishCurriculum } from './curriculum/publish/index.js';
import { createLogger, type Logger } from './log.js';
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
    try {
      const report = await publishCurriculum(runtime.wiki, runtime.deps.curriculum, { log: (line) => logger.debug(line) });
      logger.info({ ...report.counts, apiCalls: report.apiCalls }, `Curriculum published to the local wiki (${report.edits} edits)`);
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
  const notesTimer = startNotesRetries(runtime, logger);
  const agendaTimer = startAgendaPublishing(runtime, logger);
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'Shutting down');
    clearInterval(notesTimer);
    clearInterval(agendaTimer);
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

const NOTES_RETRY_INTERVAL_MS = 60_000;

function startNotesRetries(runtime: Runtime, logger: Logger): NodeJS.Timeout {
  let running = false;
  const timer = setInterval(() => {
    const notes = runtime.deps.notes;
    if (running || !notes) return;
    running = true;
    notes
      .publishPending()
      .then((run) => {
        if (run.results.length > 0) logger.info({ notes: run.results.length, edits: run.edits, halted: run.halted }, 'Pending notes published');
      })
      .catch((err: unknown) => logger.warn({ error: (err as Error).name, code: (err as { code?: string }).code }, 'Pending notes not published'))
      .finally(() => {
        running = false;
      });
  }, NOTES_RETRY_INTERVAL_MS);
  timer.unref();
  return timer;
}

const AGENDA_PUBLISH_INTERVAL_MS = 5 * 60_000;

/**
 * The wiki's Agenda page follows the sessions: every 5 minutes, one batched read, and an edit only
 * when something changed (a session created, moved, cancelled, its minutes linked, or passed).
 */
function startAgendaPublishing(runtime: Runtime, logger: Logger): NodeJS.Timeout {
  let running = false;
  const publish = () => {
    const agenda = runtime.deps.agenda;
    if (running || !agenda) return;
    running = true;
    publishAgenda(runtime.wiki, agenda)
      .then((run) => {
        if (run.edits > 0) logger.info({ edits: run.edits }, 'Agenda published to the wiki');
        for (const o of run.outcomes) if (o.status === 'conflict' || o.status === 'stopped') logger.warn({ page: o.title, status: o.status }, o.reason ?? 'Agenda page not published');
      })
      .catch((err: unknown) => logger.warn({ error: (err as Error).name, code: (err as { code?: string }).code }, 'Agenda not published to the wiki'))
      .finally(() => {
        running = false;
      });
  };
  setTimeout(publish, 10_000).unref();
  const timer = setInterval(publish, AGENDA_PUBLISH_INTERVAL_MS);
  timer.unref();
  return timer;
}
