import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WikiClient } from '../../src/wiki/client.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { CORPUS_DIR, editCount, notePageTitles, revisionsOf } from './support.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'bots/notes.ts');

let wiki: LocalWiki;
let client: WikiClient;
let work: string;
let storePath: string;

beforeAll(async () => {
  wiki = await startWiki();
  client = await wiki.botClient();
  work = mkdtempSync(path.join(tmpdir(), 'pollen-notes-cli-'));
  storePath = path.join(work, 'var/pollen.sqlite');
});
afterAll(async () => {
  await wiki?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function start(args: string[], env: Record<string, string> = {}): ChildProcess & { output: () => string; done: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword, POLLEN_STORE_PATH: storePath, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => { output += c.toString(); });
  child.stderr?.on('data', (c: Buffer) => { output += c.toString(); });
  const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return Object.assign(child, { output: () => output, done });
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const child = start(args, env);
  const code = await child.done;
  return { code, output: child.output() };
}

const file = (name: string): string => path.join(CORPUS_DIR, name);

describe('npm run notes', () => {
  it('publish --dry-run prints the wikitext and the diff, and changes neither the wiki nor the queue', async () => {
    const note = file('11-permanence-mars.txt');
    const title = 'Comptes-rendus/2025-03-05 Permanence numérique';
    await wiki.createPages([{ title, text: 'Ancien texte de la permanence.' }]); // the bot's own older version
    const edits = await editCount(client);
    const { code, output } = await cli(['publish', note, '--dry-run']);
    expect(code).toBe(0);
    expect(output).toContain(`=== ${title} : mise à jour (11-permanence-mars.txt)`);
    expect(output).toContain('--- wikitexte ---\n{{Compte-rendu\n| date = 2025-03-05');
    expect(output).toMatch(/--- différences avec la page actuelle ---\n[\s\S]*-Ancien texte de la permanence\.\n\+\{\{Compte-rendu/);
    expect(output).toContain('Simulation : aucune modification du wiki ni de la file');
    expect(await editCount(client)).toBe(edits);
    expect(existsSync(storePath)).toBe(false);
  });

  it('publish --dry-run of a note the converter refuses says why and exits 1, like a real run', async () => {
    const broken = path.join(work, 'en-tete-casse.md');
    writeFileSync(broken, '---\ntitle: "sans fin\n---\nTexte.\n');
    const { code, output } = await cli(['publish', broken, '--dry-run']);
    expect(code).toBe(1);
    expect(output).toContain('note invalide (en-tete-casse.md)');
    expect(existsSync(storePath)).toBe(false);
  });

  it('publish --dry-run over a page a person wrote: readable French titles in the diff, an accurate reason, exit 2 like a real run', async () => {
    const title = 'Comptes-rendus/2025-10-20 Atelier sécurité';
    await wiki.humanEdit(title, 'Page écrite à la main, jamais par le robot.');
    const note = path.join(work, 'securite.md');
    writeFileSync(note, '---\ntitle: Atelier sécurité\ndate: 2025-10-20\n---\nNous avons changé les mots de passe.\n');
    const { code, output } = await cli(['publish', note, '--dry-run']);
    expect(output).toContain(`=== ${title} : conflit (page modifiée à la main)`);
    expect(output).toContain(`--- ${title}\tpage actuelle\n+++ ${title}\tnouvelle version`);
    expect(output).not.toMatch(/\\303/);
    expect(output).toContain(`La page « ${title} » a été modifiée en dernier par Admin, pas par le robot : elle n’est pas écrasée.`);
    expect(output).not.toContain('depuis la dernière publication du robot');
    expect(code).toBe(2);
  });

  it('status into a pipe that closes early (| head) ends quietly, without an EPIPE stack trace', async () => {
    const child = spawn('bash', ['-c', `set -o pipefail; "${process.execPath}" --import tsx "${CLI}" status | head -c 0`], {
      cwd: ROOT, env: { ...process.env, POLLEN_STORE_PATH: storePath }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr).not.toMatch(/EPIPE|Error|at /);
    expect(code).toBe(0);
  });

  it('publish DIR queues and publishes every note, then status shows the queue in French', async () => {
    const dir = path.join(work, 'lot');
    mkdirSync(dir);
    for (const name of ['01-atelier-nextcloud-front-matter.md', '12-permanence-avril.txt']) copyFileSync(file(name), path.join(dir, name));
    writeFileSync(path.join(dir, 'vide.txt'), '\n');
    const first = await cli(['publish', dir]);
    expect(first.code).toBe(1); // one note failed (the empty one)
    expect(first.output).toMatch(/publiée\s+Comptes-rendus\/2025-03-12 Atelier Nextcloud/);
    expect(first.output).toMatch(/échec\s+vide\.txt : La note est vide/);
    expect(first.output).toMatch(/3 notes traitées : 2 publiées, 0 en conflit, 1 en échec/);

    const again = await cli(['publish', dir]);
    expect(again.output).toContain('0 modification sur le wiki');

    const status = await cli(['status']);
    expect(status.code).toBe(0);
    expect(status.output).toContain('File des notes : 3 notes — 0 en attente, 0 en cours, 2 publiées, 1 échec, 0 conflit.');
    expect(status.output).toMatch(/échec\s+vide\.txt\n\s+La note est vide/);
  });

  it('publish queues the note before signing in to the wiki, so a refused sign-in loses nothing and retry publishes it', async () => {
    const note = file('13-separateurs-longs-crlf.txt');
    const refused = await cli(['publish', note], { WIKI_BOT_PASSWORD: 'not-the-bot-password' });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('mise en file : 13-separateurs-longs-crlf.txt');
    expect(refused.output).toContain('Les notes restent dans la file');
    expect(refused.output).not.toContain('not-the-bot-password');
    const retried = await cli(['retry']);
    expect(retried.code).toBe(0);
    expect(retried.output).toMatch(/publiée\s+Comptes-rendus\//);
    const status = await cli(['status']);
    expect(status.output).toMatch(/publiée\s+Comptes-rendus\/.* \(13-separateurs-longs-crlf\.txt\)/);
  });

  it('watch DIR publishes new and changed files unattended and stops cleanly on SIGTERM', async () => {
    const dir = path.join(work, 'surveille');
    mkdirSync(dir);
    const watcher = start(['watch', dir, '--interval', '200']);
    const waitFor = async (check: () => Promise<boolean>): Promise<void> => {
      while (!(await check())) await new Promise((r) => setTimeout(r, 100));
    };
    const title = 'Comptes-rendus/2025-08-20 Atelier surveillé';
    writeFileSync(path.join(dir, 'atelier.md'), '---\ntitle: Atelier surveillé\ndate: 2025-08-20\n---\nPremière version.\n');
    await waitFor(async () => (await notePageTitles(client)).includes(title));
    writeFileSync(path.join(dir, 'atelier.md'), '---\ntitle: Atelier surveillé\ndate: 2025-08-20\n---\nDeuxième version, complétée.\n');
    await waitFor(async () => ((await client.getPages([title], { content: true })).get(title)?.content ?? '').includes('Deuxième version'));
    watcher.kill('SIGTERM');
    expect(await watcher.done).toBe(0);
    expect(watcher.output()).toContain('Surveillance arrêtée.');
    expect((await revisionsOf(client, title)).map((r) => r.user)).toEqual(['Robot', 'Robot']);
  }, 60_000);
});
