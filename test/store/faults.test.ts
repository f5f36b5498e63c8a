import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addLearner } from '../../bots/progress-sync.js';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { NoteQueue } from '../../src/notes/queue.js';
import { openDatabase } from '../../src/store/database.js';
import { freePort } from '../support/net.js';
import { createTestDatabase, postgresAdminUrl, type StoreBackend } from '../support/postgres.js';
import { relay } from '../support/relay.js';
import { LOGIN, ME, codeOf, startGateway, type TestGateway } from '../progress/support.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('store faults', () => {
  it('refuses a wrong URL scheme in the configuration check, in French, without the password', () => {
    let error: unknown;
    try {
      loadConfig({ POLLEN_DATABASE_URL: 'mysql://pollen:tres-secret@db.example.org/pollen' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('POLLEN_DATABASE_URL schéma « mysql: » non pris en charge : utilisez sqlite:<chemin> ou postgres://');
    expect(message).not.toContain('tres-secret');
    expect(loadConfig({ POLLEN_DATABASE_URL: 'postgres://pollen:tres-secret@127.0.0.1:5432/pollen' }).store).toEqual({
      kind: 'postgres', url: 'postgres://pollen:tres-secret@127.0.0.1:5432/pollen',
    });
  });

  it('npm start with PostgreSQL unreachable: a French error naming the URL without its password, exit code 1', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'pollen-pg-down-'));
    const [pgPort, wikiPort] = [await freePort(), await freePort()];
    try {
      const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'src/main.ts')], {
        cwd: work,
        env: {
          ...process.env,
          PORT: String(await freePort()),
          // Nothing listens there either: the gateway starts without its wiki, not without its store.
          WIKI_API_URL: `http://127.0.0.1:${wikiPort}/api.php`,
          WIKI_BOT_USER: 'Robot@sync',
          WIKI_BOT_PASSWORD: 'bot-password-not-used',
          POLLEN_DATABASE_URL: `postgres://pollen:s3cret-pw@127.0.0.1:${pgPort}/pollen`,
          POLLEN_CURRICULUM_DIR: path.join(ROOT, 'course-modules'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
      child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(output).toContain(`La base PostgreSQL postgres://pollen:***@127.0.0.1:${pgPort}/pollen est injoignable`);
      expect(output).toContain('Vérifiez que le serveur tourne et que POLLEN_DATABASE_URL est juste.');
      expect(output).not.toContain('s3cret-pw');
      expect(output).not.toContain('gateway ready');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('PostgreSQL lost during work', () => {
  let gw: TestGateway;
  let cutter: Awaited<ReturnType<typeof relay>>;
  let url: string;

  beforeAll(async () => {
    if (!postgresAdminUrl()) return;
    url = await createTestDatabase();
    cutter = await relay(Number(new URL(url).port));
    const viaRelay = new URL(url);
    viaRelay.port = String(cutter.port);
    const backend: StoreBackend = { name: 'postgres', open: () => openDatabase({ kind: 'postgres', url: viaRelay.toString() }) };
    gw = await startGateway({ backend });
    await addLearner(gw.store, { username: 'alice', displayName: 'Alice Martin', password: 'alice-secret-1' });
  });
  afterAll(async () => {
    await gw?.close();
    await cutter?.cut();
  });

  it('answers STORE_UNAVAILABLE while the server is gone, loses no queued note, and resumes when it is back', async () => {
    if (!postgresAdminUrl()) throw new Error('PostgreSQL 15 is not installed: this spec did not run');
    const token = (await gw.gql(LOGIN, { u: 'alice', p: 'alice-secret-1' })).body.data?.login.token as string;
    const queue = new NoteQueue(gw.store);
    const queued = [];
    for (const i of [1, 2, 3]) {
      queued.push((await queue.enqueue({ key: `file:/n/${i}.md`, fileName: `${i}.md`, origin: 'cli', source: `---\ntitle: Atelier ${i}\ndate: 2026-01-0${i}\n---\nTexte.\n` })).entry.id);
    }

    await cutter.cut();
    const down = await gw.gql(ME, {}, { token });
    expect(codeOf(down)).toBe('STORE_UNAVAILABLE');
    expect(down.body.errors?.[0]?.message).toContain('La base de données de Pollen est injoignable pour le moment');
    expect(down.text).not.toMatch(/at .*\.(ts|js):\d+/); // no stack trace
    await expect(queue.claim({ worker: 'w' })).rejects.toBeDefined();

    await cutter.restore();
    // The pool reconnects by itself; the session made before the outage still works.
    await expect.poll(async () => (await gw.gql(ME, {}, { token })).body.data?.me?.displayName, { timeout: 20_000 }).toBe('Alice Martin');
    expect((await queue.claim({ worker: 'w' })).map((r) => r.id)).toEqual(queued);
  }, 60_000);
});
