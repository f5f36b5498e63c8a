import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wikiBaseUrlFromApi, writeCartridge } from '../../src/curriculum/imscc/write.js';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import { freePort } from '../support/net.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let wiki: LocalWiki;
let taken: Server;
let work: string;

beforeAll(async () => {
  wiki = await startWiki();
  work = mkdtempSync(path.join(tmpdir(), 'pollen-start-'));
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => taken?.close(resolve));
  await wiki?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm start', () => {
  it('stops with a clear message and exit code 1 when its port is taken, instead of saying it is ready', async () => {
    const port = (taken.address() as { port: number }).port;
    // cwd is a scratch folder so the Moodle export written at start-up lands there.
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'src/main.ts')], {
      cwd: work,
      env: {
        ...process.env,
        PORT: String(port),
        WIKI_API_URL: wiki.apiUrl,
        WIKI_BOT_USER: wiki.botUser,
        WIKI_BOT_PASSWORD: wiki.botPassword,
        POLLEN_STORE_PATH: path.join(work, 'pollen.sqlite'),
        POLLEN_CURRICULUM_DIR: path.join(ROOT, 'course-modules'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toContain(`Pollen could not start: EADDRINUSE: cannot listen on 127.0.0.1:${port}`);
    expect(output).not.toContain('gateway ready');
  }, 60_000);
});

describe('npm run build', () => {
  it('compiles the gateway and the bots to dist/, with the schema files they read, and the built gateway serves queries', async () => {
    // The run's global set-up ran `npm run build` (once, shared with the start specs).
    for (const file of ['dist/src/main.js', 'dist/bots/notes.js', 'dist/src/graphql/schema/base.graphql']) {
      expect(existsSync(path.join(ROOT, file)), file).toBe(true);
    }

    const port = await freePort();
    // What `npm start` runs: plain node on the compiled main, no tsx.
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/src/main.js')], {
      cwd: work,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PORT: String(port),
        WIKI_API_URL: wiki.apiUrl,
        WIKI_BOT_USER: wiki.botUser,
        WIKI_BOT_PASSWORD: wiki.botPassword,
        POLLEN_STORE_PATH: path.join(work, 'built.sqlite'),
        POLLEN_CURRICULUM_DIR: path.join(ROOT, 'course-modules'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      await new Promise<void>((resolve, reject) => {
        const onData = (c: Buffer) => {
          output += c.toString();
          if (output.includes('gateway ready')) resolve();
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.once('exit', (code) => reject(new Error(`dist/src/main.js exited with ${code}: ${output}`)));
      });
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ module(slug: "logiciel-libre") { title wikiPage { exists } } }' }),
      });
      const body = (await res.json()) as { data: { module: { title: string; wikiPage: { exists: boolean } } } };
      expect(body.data.module.title).toBe('Le logiciel libre et ses quatre libertés');
      expect(body.data.module.wikiPage).toEqual({ exists: false });
      // The cartridge, written at start by a worker thread (compiled code only), is there and
      // byte-identical to what `npm run curriculum:export` writes for the same wiki.
      const written = readFileSync(path.join(work, 'dist/pollen-parcours.imscc'));
      const expected = await writeCartridge(await loadCurriculum(path.join(ROOT, 'course-modules')), path.join(work, 'expected.imscc'), { wikiBaseUrl: wikiBaseUrlFromApi(wiki.apiUrl) });
      expect(written.byteLength).toBe(expected.bytes);
      expect(written.equals(readFileSync(path.join(work, 'expected.imscc')))).toBe(true);
      expect(output).toContain('Moodle export (IMS Common Cartridge) written');
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }, 90_000);
});
