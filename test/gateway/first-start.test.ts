import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTokenCommand } from '../../bots/token.js';
import { hashToken } from '../../src/auth/tokens.js';
import { openDatabase } from '../../src/store/database.js';
import { freePort } from '../support/net.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let wiki: LocalWiki;
let work: string;

beforeAll(async () => {
  wiki = await startWiki();
  work = mkdtempSync(path.join(tmpdir(), 'pollen-first-start-'));
});
afterAll(async () => {
  await wiki?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** `npm start`'s program (src/main.ts) on a fresh store, until it says it is ready; then stopped. */
async function startOnce(): Promise<{ output: string; url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'src/main.ts')], {
    cwd: work,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      WIKI_API_URL: wiki.apiUrl,
      WIKI_BOT_USER: wiki.botUser,
      WIKI_BOT_PASSWORD: wiki.botPassword,
      POLLEN_STORE_PATH: path.join(work, 'pollen.sqlite'),
      POLLEN_CURRICULUM_DIR: path.join(ROOT, 'course-modules'),
      POLLEN_FACILITATOR_TOKENS: '',
      POLLEN_ADMIN_TOKENS: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer) => {
      output += c.toString();
      if (output.includes('gateway ready')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`start exited with ${code}: ${output}`)));
  });
  await ready;
  return {
    get output() {
      return output;
    },
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function signIn(url: string, token: string): Promise<Response> {
  return fetch(`${url}/dashboard/connexion`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
    body: new URLSearchParams({ token }).toString(),
  });
}

describe('first start (npm start on a fresh store, no token configured)', () => {
  let firstToken = '';

  it('creates one facilitator token, prints it once with how to keep it, stores only its hash, and the token opens the dashboard', async () => {
    const run = await startOnce();
    try {
      expect(run.output).toContain('Premier démarrage : un jeton d’animation a été créé');
      expect(run.output).toContain('rangez-le dans un gestionnaire de mots de passe');
      firstToken = /^ {3}([0-9a-f]{48})$/m.exec(run.output)?.[1] ?? '';
      expect(firstToken).toMatch(/^[0-9a-f]{48}$/);
      // Printed once: the notice, not the logs.
      expect(run.output.split(firstToken)).toHaveLength(2);
      const answer = await signIn(run.url, firstToken);
      expect(answer.status).toBe(303);
      expect(answer.headers.get('location')).toBe('/dashboard');
      expect(answer.headers.get('set-cookie')).toMatch(/^pollen_session=/);
    } finally {
      await run.stop();
    }
    const store = readFileSync(path.join(work, 'pollen.sqlite'));
    expect(store.includes(Buffer.from(firstToken))).toBe(false);
    const db = await openDatabase({ kind: 'sqlite', path: path.join(work, 'pollen.sqlite') });
    const rows = await db.db.selectFrom('auth_api_tokens').select(['token_hash', 'role']).execute();
    await db.close();
    expect(rows).toEqual([{ token_hash: hashToken(firstToken), role: 'facilitator' }]);
  }, 90_000);

  it('prints no token on the next start, and the first one still works', async () => {
    const run = await startOnce();
    try {
      expect(run.output).not.toContain('Premier démarrage');
      expect(run.output).not.toMatch(/[0-9a-f]{48}/);
      expect(run.output).not.toContain('Aucun jeton d’animation actif');
      expect((await signIn(run.url, firstToken)).status).toBe(303);
    } finally {
      await run.stop();
    }
  }, 90_000);

  it('warns at start when every token was revoked, and creates none behind the operator\'s back', async () => {
    const revoked = await runTokenCommand(['revoke', '1'], { store: () => openDatabase({ kind: 'sqlite', path: path.join(work, 'pollen.sqlite') }), out: () => {} });
    expect(revoked).toBe(0);
    const run = await startOnce();
    try {
      expect(run.output).toContain('Aucun jeton d’animation actif : personne ne peut se connecter au tableau de bord');
      expect(run.output).toContain('npm run token -- create --role facilitator');
      expect(run.output).not.toMatch(/[0-9a-f]{48}/);
      expect((await signIn(run.url, firstToken)).status).toBe(401);
    } finally {
      await run.stop();
    }
  }, 90_000);
});
