/**
 * The start-up warning for a replicated Moodle set-up without POLLEN_SECRET_KEY, over the real
 * start path (package.json's start command on the built dist/): gateways sharing a PostgreSQL
 * store with Moodle configured keep learners' Moodle tokens in memory without the key, so they
 * are lost at restart and not shared; the log says so once, names the setting that fixes it, and
 * holds no secret. With the key, no such warning. The gateway starts either way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/net.js';
import { createTestDatabase, postgresAdminUrl } from '../support/postgres.js';
import { killAll, logLines, startGateway, stop } from '../support/processes.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';

const MOODLE_TOKEN = 'moodle-token-never-logged-0123';
let wiki: LocalWiki;
let work: string;
let databaseUrl: string;
let moodleUrl: string;

beforeAll(async () => {
  wiki = await startWiki();
  work = mkdtempSync(path.join(tmpdir(), 'pollen-start-warnings-key-'));
  if (postgresAdminUrl()) databaseUrl = await createTestDatabase();
  // Nothing listens there: the gateway logs Moodle unreachable and serves the rest.
  moodleUrl = `http://127.0.0.1:${await freePort()}`;
}, 120_000);
afterAll(async () => {
  killAll();
  await wiki?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm start warning about POLLEN_SECRET_KEY', () => {
  it('warns once, without secrets, when Moodle and a shared store run without the key; not with the key', async () => {
    if (!postgresAdminUrl()) throw new Error('PostgreSQL 15 is not installed: this spec did not run');
    const settings = (name: string, extra: Record<string, string>) => ({
      LOG_LEVEL: 'info',
      WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword,
      MOODLE_URL: moodleUrl, MOODLE_TOKEN, MOODLE_COURSE_ID: '2',
      POLLEN_DATABASE_URL: databaseUrl,
      POLLEN_STORE_PATH: path.join(work, name, 'unused.sqlite'),
      ...extra,
    });
    const [withoutKey, withKey] = await Promise.all([
      startGateway('without key', path.join(work, 'without-key'), settings('without-key', {})),
      startGateway('with key', path.join(work, 'with-key'), settings('with-key', { POLLEN_SECRET_KEY: 'c3'.repeat(32) })),
    ]);
    try {
      const keyWarnings = (g: typeof withKey) => logLines(g).filter((l) => l.level === 40 && l.setting === 'POLLEN_SECRET_KEY');
      const [warning, ...more] = keyWarnings(withoutKey);
      expect(more).toEqual([]);
      expect(warning?.msg).toMatch(/^POLLEN_SECRET_KEY is not set while Moodle is configured and the store is shared \(POLLEN_DATABASE_URL\): learners' Moodle tokens stay in this process's memory only, so they are lost at every restart and not shared with the other gateways/);
      expect(warning?.msg).toContain('Set POLLEN_SECRET_KEY');
      expect(keyWarnings(withKey)).toEqual([]);

      const databasePassword = new URL(databaseUrl).password;
      for (const gateway of [withoutKey, withKey]) {
        expect(gateway.output()).not.toContain(MOODLE_TOKEN);
        expect(gateway.output()).not.toContain('c3'.repeat(32));
        if (databasePassword) expect(gateway.output()).not.toContain(databasePassword);
        const health = (await (await fetch(`${gateway.url}/health`)).json()) as { ok: boolean };
        expect(health).toHaveProperty('ok');
      }
    } finally {
      await Promise.all([stop(withoutKey), stop(withKey)]);
    }
  }, 180_000);
});
