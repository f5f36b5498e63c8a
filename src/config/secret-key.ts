import type { Config } from './index.js';

/**
 * The start-up warning for a replicated Moodle set-up without POLLEN_SECRET_KEY, if it deserves
 * one (English, for the log, like the other start-up warnings). Without the key, learners' Moodle
 * tokens live in this process's memory only (src/auth/service.ts): lost at every restart and never
 * seen by the other gateways sharing the store. Only with Moodle (no learner tokens otherwise) and
 * a PostgreSQL store (POLLEN_DATABASE_URL: the set-up meant for several processes). Names settings,
 * never a value.
 */
export function secretKeyWarning(config: Pick<Config, 'moodle' | 'store' | 'secretKey'>): string | undefined {
  if (!config.moodle || config.store.kind !== 'postgres' || config.secretKey) return undefined;
  return 'POLLEN_SECRET_KEY is not set while Moodle is configured and the store is shared (POLLEN_DATABASE_URL): '
    + "learners' Moodle tokens stay in this process's memory only, so they are lost at every restart and not shared with the other gateways; "
    + 'markModuleDone then answers MOODLE_SESSION_EXPIRED and the learner must sign in again. '
    + 'Set POLLEN_SECRET_KEY (32 random bytes, e.g. `openssl rand -base64 32`), the same on every gateway, to keep them encrypted in the store.';
}
