import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../bots/directory-publish.js';
import { openPollenStore } from '../../src/store-schema.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { directoryOn, listedProvider } from './fixtures.js';

describe('npm run directory:publish', { timeout: 120_000 }, () => {
  let wiki: LocalWiki;
  let dir: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    wiki = await startWiki();
    dir = await mkdtemp(path.join(tmpdir(), 'pollen-directory-cli-'));
    const file = path.join(dir, 'pollen.sqlite');
    // As buildRuntime does: every concept's migrations first, then the directory's.
    const store = await openPollenStore({ kind: 'sqlite', path: file });
    await listedProvider(await directoryOn(store), 'Ondes Libres du Morvan', { territories: ['58'] });
    await store.close();
    Object.assign(process.env, { WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword, POLLEN_STORE_PATH: file, LOG_LEVEL: 'silent' });
  });
  afterAll(async () => {
    process.env = saved;
    await rm(dir, { recursive: true, force: true });
    await wiki?.stop();
  });

  async function run(...args: string[]): Promise<{ code: number; out: string }> {
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      return { code: await main(['node', 'directory-publish', ...args]), out: lines.join('\n') };
    } finally {
      log.mockRestore();
    }
  }

  it('dry-runs without editing, publishes the store\'s directory, then finds nothing to do', async () => {
    const dry = await run('--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('créée           Annuaire/Ondes Libres du Morvan');
    expect(dry.out).toContain('essai : rien n’a été modifié');
    const client = await wiki.botClient();
    expect((await client.getPages(['Annuaire/Ondes Libres du Morvan'])).get('Annuaire/Ondes Libres du Morvan')?.exists).toBe(false);

    const first = await run();
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/, [1-9]\d* modification\(s\)/);
    expect((await client.getPages(['Annuaire/Ondes Libres du Morvan'])).get('Annuaire/Ondes Libres du Morvan')?.exists).toBe(true);
    const again = await run();
    expect(again.out).toContain('0 modification(s), 0 appel(s) au wiki');
  });
});
