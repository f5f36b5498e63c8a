/**
 * What `npm start` warns about at start-up, over the real start path (package.json's start
 * command on the built dist/): a mistyped setting names the one meant, and a public address that
 * names this machine is flagged, since the Agenda page's feed links and the e-mails' links would
 * reach nobody else. The gateway starts anyway: warnings, not refusals.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAll, logLines, startGateway, stop } from '../support/processes.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';

let wiki: LocalWiki;
let work: string;

beforeAll(async () => {
  wiki = await startWiki();
  work = mkdtempSync(path.join(tmpdir(), 'pollen-start-warnings-'));
});
afterAll(async () => {
  killAll();
  await wiki?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm start warnings', () => {
  it('names the setting meant for a mistyped one, and flags a loopback POLLEN_PUBLIC_URL, then serves', async () => {
    const gateway = await startGateway('npm start', work, {
      LOG_LEVEL: 'info',
      WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword,
      POLLEN_STORE_PATH: path.join(work, 'pollen.sqlite'),
      POLLEN_PUBLIC_URL: 'http://127.0.0.1:4000',
      POLLEN_MOODLE_URL: 'https://moodle.example.org',
    });
    try {
      const warnings = logLines(gateway).filter((l) => l.level === 40);
      expect(warnings).toContainEqual(expect.objectContaining({
        setting: 'POLLEN_MOODLE_URL', closest: 'MOODLE_URL',
        msg: 'Variable inconnue POLLEN_MOODLE_URL, ignorée : vouliez-vous dire MOODLE_URL ?',
      }));
      expect(warnings).toContainEqual(expect.objectContaining({ setting: 'POLLEN_PUBLIC_URL', msg: expect.stringMatching(/^POLLEN_PUBLIC_URL names this machine \(loopback\)/) }));
      const health = (await (await fetch(`${gateway.url}/health`)).json()) as { ok: boolean };
      expect(health.ok).toBe(true);
    } finally {
      await stop(gateway);
    }
  });
});
