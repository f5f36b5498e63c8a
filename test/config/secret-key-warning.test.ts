import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { secretKeyWarning } from '../../src/config/secret-key.js';

const moodle = { MOODLE_URL: 'https://moodle.example.org', MOODLE_TOKEN: 'moodle-secret-token', MOODLE_COURSE_ID: '2' };
const postgres = { POLLEN_DATABASE_URL: 'postgres://pollen:db-password-42@db.example.org:5432/pollen' };
const KEY = 'a1'.repeat(32);

describe('start-up warning: replicated Moodle set-up without POLLEN_SECRET_KEY', () => {
  it('warns with Moodle and a PostgreSQL store but no key: what is lost, which setting fixes it, no secret', () => {
    const warning = secretKeyWarning(loadConfig({ ...moodle, ...postgres }));
    expect(warning).toMatch(/^POLLEN_SECRET_KEY is not set /);
    expect(warning).toContain("learners' Moodle tokens stay in this process's memory only");
    expect(warning).toContain('lost at every restart and not shared with the other gateways');
    expect(warning).toContain('Set POLLEN_SECRET_KEY');
    for (const secret of ['moodle-secret-token', 'db-password-42', 'db.example.org']) expect(warning).not.toContain(secret);
  });

  it('is silent with the key, with the SQLite store (one process) or without Moodle (no learner tokens)', () => {
    expect(secretKeyWarning(loadConfig({ ...moodle, ...postgres, POLLEN_SECRET_KEY: KEY }))).toBeUndefined();
    expect(secretKeyWarning(loadConfig({ ...moodle }))).toBeUndefined();
    expect(secretKeyWarning(loadConfig({ ...moodle, POLLEN_DATABASE_URL: 'sqlite:var/pollen.sqlite' }))).toBeUndefined();
    expect(secretKeyWarning(loadConfig({ ...postgres }))).toBeUndefined();
  });
});
