/**
 * The README's nginx configuration ("Plus d'une machine"), run as written (only its listen line
 * and the gateways' ports filled in) by Debian's nginx as its own process on loopback, in front of
 * two gateways started as `npm start` starts them on one PostgreSQL: a facilitator signs in
 * through it from Chromium (the same-origin check sees the port the browser used), and notes sent
 * through it while each gateway is restarted in turn (SIGTERM, drain, start again) all succeed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { launchChromium } from '../support/browser.js';
import { freePort } from '../support/net.js';
import { createTestDatabase, postgresAdminUrl } from '../support/postgres.js';
import { killAll, ROOT, startGateway, stop, waitFor, type Gateway } from '../support/processes.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';

const TOKEN = 'facilitator-token-nginx-spec-0123456789abcdef';
const NGINX = '/usr/sbin/nginx';
let work: string;
let wiki: LocalWiki;
let settings: Record<string, string>;
let nginx: ChildProcess | undefined;
let proxyUrl: string;
let browser: Browser | undefined;
const ports: number[] = [];
const gateways: Gateway[] = [];

/** The ```nginx block of the README, listening on `port` over the two gateways' ports. */
function readmeConfig(port: number, upstreams: number[]): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = /```nginx\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no ```nginx block');
  expect(block).toContain('listen 443 ssl;');
  expect(block).toContain('server 127.0.0.1:4001');
  expect(block).toContain('server 127.0.0.1:4002');
  return block
    .replace('listen 443 ssl;', `listen 127.0.0.1:${port};`)
    .replace('server 127.0.0.1:4001', `server 127.0.0.1:${upstreams[0]}`)
    .replace('server 127.0.0.1:4002', `server 127.0.0.1:${upstreams[1]}`);
}

/** The upstream servers' fail_timeout in the README's configuration, in seconds. */
function failTimeoutSeconds(): number {
  const seconds = /fail_timeout=(\d+)s/.exec(readFileSync(path.join(ROOT, 'README.md'), 'utf8'))?.[1];
  if (!seconds) throw new Error('the README’s nginx configuration names no fail_timeout');
  return Number(seconds);
}

async function startNginx(dir: string, port: number): Promise<void> {
  mkdirSync(path.join(dir, 'logs'), { recursive: true });
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${path.join(dir, `${t}_temp`)};`).join('\n  ');
  writeFileSync(path.join(dir, 'nginx.conf'), `daemon off;
worker_processes 1;
pid ${path.join(dir, 'nginx.pid')};
error_log ${path.join(dir, 'logs/error.log')} warn;
events { worker_connections 512; }
http {
  access_log off;
  ${temp}
${readmeConfig(port, ports)}
}
`);
  nginx = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: 'ignore' });
  await waitFor('nginx to answer', 20_000, async () => (await fetch(`${proxyUrl}/livez`).then((r) => r.ok, () => false)) || undefined);
}

beforeAll(async () => {
  if (!postgresAdminUrl()) return;
  work = mkdtempSync(path.join(tmpdir(), 'pollen-nginx-'));
  wiki = await startWiki();
  settings = {
    WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword,
    POLLEN_DATABASE_URL: await createTestDatabase(), POLLEN_FACILITATOR_TOKENS: TOKEN, POLLEN_TRUST_PROXY: 'loopback',
    // Every note of the spec goes to the background publishing: the requests stay short.
    POLLEN_NOTES_INTERVAL_SECONDS: '3600', LOG_LEVEL: 'info',
  };
  ports.push(await freePort(), await freePort());
  gateways.push(await startGateway('gateway-A', path.join(work, 'a'), { ...settings, PORT: String(ports[0]) }));
  gateways.push(await startGateway('gateway-B', path.join(work, 'b'), { ...settings, PORT: String(ports[1]) }));
  const port = await freePort();
  proxyUrl = `http://127.0.0.1:${port}`;
  await startNginx(path.join(work, 'nginx'), port);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  nginx?.kill('SIGQUIT');
  await Promise.all(gateways.map(stop));
  killAll();
  await wiki?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('two gateways behind the README’s nginx configuration', () => {
  it('lets a facilitator sign in from Chromium through the proxy', async () => {
    if (!postgresAdminUrl()) throw new Error('PostgreSQL 15 is not installed: this spec did not run');
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`${proxyUrl}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/connexion');
    await page.fill('#jeton', TOKEN);
    await Promise.all([page.waitForURL(`${proxyUrl}/dashboard`), page.click('button[type=submit]')]);
    expect(await page.textContent('h1')).toContain('tableau de bord');
    await page.close();
  }, 60_000);

  it('answers every note sent while each gateway is restarted in turn', async () => {
    if (!postgresAdminUrl()) throw new Error('PostgreSQL 15 is not installed: this spec did not run');
    let sent = 0;
    const failures: string[] = [];
    // What a failure report shows: when each note failed against when each gateway stopped and came back.
    const started = Date.now();
    const clock = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    const events: string[] = [];
    const mark = (what: string) => events.push(`${clock()} ${what} (note ${sent})`);
    let sending = true;
    const sender = async (lane: number) => {
      while (sending) {
        const n = ++sent;
        try {
          const res = await fetch(`${proxyUrl}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
            body: JSON.stringify({
              query: 'mutation($s: String!) { submitNote(source: $s) { state } }',
              variables: { s: `---\ntitle: Atelier tournant ${n}\ndate: 2026-10-01\n---\nNote ${n} envoyée par la file ${lane} pendant un redémarrage.\n` },
            }),
          });
          const text = await res.text();
          let body: { errors?: Array<{ extensions?: { code?: string } }> };
          try {
            body = JSON.parse(text) as typeof body;
          } catch {
            failures.push(`note ${n} at ${clock()}: HTTP ${res.status} ${text.replace(/\s+/g, ' ').slice(0, 60)}`);
            continue;
          }
          if (res.status !== 200 || body.errors) failures.push(`note ${n} at ${clock()}: HTTP ${res.status} ${JSON.stringify(body.errors ?? '')}`);
        } catch (err) {
          failures.push(`note ${n} at ${clock()}: ${String(err)}`);
        }
      }
    };
    const lanes = [1, 2, 3].map(sender);
    const everyGateway = [...gateways];
    for (const [i, name] of ['gateway-A', 'gateway-B'].entries()) {
      const before = sent;
      mark(`${name} stopping`);
      await stop(gateways[i]!);
      mark(`${name} stopped (exit ${gateways[i]!.child.exitCode})`);
      gateways[i] = await startGateway(name, path.join(work, `${name}-again`), { ...settings, PORT: String(ports[i]) });
      everyGateway.push(gateways[i]!);
      mark(`${name} ready again`);
      // Traffic went on while it restarted.
      expect(sent).toBeGreaterThan(before);
      // As the README says: nginx sends nothing to a server it marked failed until its
      // fail_timeout has passed, so the next restart waits that long (read from the README).
      await new Promise((resolve) => setTimeout(resolve, (failTimeoutSeconds() + 1) * 1000));
    }
    const afterRestarts = sent;
    await waitFor('a few more notes after both restarts', 30_000, async () => (sent > afterRestarts + 10 ? true : undefined));
    sending = false;
    await Promise.all(lanes);
    mark('done');
    // One short report (a CI log keeps only part of a long one): the timeline, the first and last
    // failures, nginx's errors and what each gateway logged at warn or above.
    const report = () => {
      const nginxErrors = readFileSync(path.join(work, 'nginx/logs/error.log'), 'utf8').split('\n').filter(Boolean);
      const warnings = everyGateway.map((g) => `${g.name} (exit ${g.child.exitCode}): ${g.output().split('\n').filter((l) => /"level":(40|50|60)/.test(l)).slice(-6).join('\n  ')}`);
      return [`${failures.length} of ${sent} notes failed`, ...events, ...failures.slice(0, 4), '...', ...failures.slice(-2), 'nginx:', ...nginxErrors.slice(0, 12), ...warnings].join('\n');
    };
    expect(failures.length, failures.length ? report() : '').toBe(0);
    expect(sent).toBeGreaterThan(20);
    // Each note queued once, whichever gateway took it.
    const store = await openDatabase({ kind: 'postgres', url: settings.POLLEN_DATABASE_URL! });
    try {
      const rows = await store.db.selectFrom('notes_queue').select('page_title').execute();
      expect(rows).toHaveLength(sent);
      expect(new Set(rows.map((r) => r.page_title)).size).toBe(sent);
    } finally {
      await store.close();
    }
  }, 240_000);
});
