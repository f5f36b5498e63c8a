import { pino, type Logger } from 'pino';

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

export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}

export type { Logger };
