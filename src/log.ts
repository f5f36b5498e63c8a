import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import type { PinoPretty as PinoPrettyFn } from 'pino-pretty';

// pino-pretty (and its colour and date modules) only on a terminal: a production gateway logs JSON
// and never loads it (about 1 MB of heap).
const require = createRequire(import.meta.url);

/**
 * Paths pino blanks out wherever they appear in a log object. The wiki and Moodle layers also
 * strip secrets from their errors; this is the second belt.
 */
export const REDACTED_PATHS = [
  'password', '*.password', 'botPassword', '*.botPassword', 'lgpassword', '*.lgpassword',
  'token', '*.token', 'wstoken', '*.wstoken', 'moodleToken', '*.moodleToken',
  'authorization', '*.authorization', 'req.headers.authorization', 'req.headers.cookie',
  'request', '*.request',
];

export interface LoggerOptions {
  /** Human-readable lines (pino-pretty) instead of JSON. Default: when stdout is a terminal. */
  pretty?: boolean;
  /** Where lines go. Default: stdout. */
  destination?: NodeJS.WritableStream;
}

/**
 * JSON lines for log collectors (journald, files, pipes); on a terminal, readable lines with
 * the local time and colours (pino-pretty, in-process so nothing is lost at exit).
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info', options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? process.stdout;
  const pretty = options.pretty ?? (destination === process.stdout && process.stdout.isTTY === true);
  const base = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (!pretty) return options.destination ? pino(base, options.destination) : pino(base);
  const { PinoPretty } = require('pino-pretty') as { PinoPretty: typeof PinoPrettyFn };
  return pino(base, PinoPretty({ destination, colorize: destination === process.stdout, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', sync: true }));
}

export type { Logger };
