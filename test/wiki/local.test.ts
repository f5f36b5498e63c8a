import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WikiClient } from '../../src/wiki/client.js';
import { ensureLocalWiki } from '../../src/wiki/local.js';
import { freePort } from '../support/net.js';

const execFileAsync = promisify(execFile);
const DOWN = fileURLToPath(new URL('../../scripts/wiki/down.sh', import.meta.url));


let root: string;
let dir: string;
let port: number;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pollen-local-wiki-'));
  dir = join(root, 'wiki');
  port = await freePort();
});
afterAll(async () => {
  await execFileAsync('bash', [DOWN], { env: { ...process.env, POLLEN_WIKI_DIR: dir } });
  await rm(root, { recursive: true, force: true });
});

describe('ensureLocalWiki (scripts/wiki/up.sh)', () => {
  it('creates, starts and describes a local wiki the bot can log in to, and is idempotent', async () => {
    const first = await ensureLocalWiki({ dir, port });
    expect(first).toMatchObject({ apiUrl: `http://127.0.0.1:${port}/api.php`, botUser: 'Robot@sync' });
    expect(first.botPassword).toHaveLength(32);

    const again = await ensureLocalWiki({ dir, port });
    expect(again).toEqual(first);

    const client = await WikiClient.connect({ apiUrl: first.apiUrl, username: first.botUser, password: first.botPassword });
    expect(client.userName).toBe('Robot');
    expect((await client.siteInfo()).sitename).toBe('Wiki des communs');
  });
});
