/**
 * A gateway stopped with SIGTERM (README, "Plus d'une machine": rolling restarts) answers the
 * requests in flight before it exits: four notes sent through `submitNote` while the wiki is
 * slow all come back published, none is left claimed by the stopped process, its job leases are
 * given back, no new connection is accepted once it stopped, and it exits 0. The gateway runs as
 * `npm start` runs it.
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { freePort } from '../support/net.js';
import { killAll, logLines, startGateway, type Gateway } from '../support/processes.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';

const TOKEN = 'facilitator-token-drain-spec-0123456789abcdef';
let work: string;
let wiki: LocalWiki;
let proxy: http.Server;
let gateway: Gateway;
/** While set, every wiki request waits this long: the gateway's requests stay in flight. */
let delayMs = 0;
let slowRequests = 0;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'pollen-drain-'));
  wiki = await startWiki();
  const target = new URL(wiki.apiUrl);
  // A proxy in front of the wiki that can be slowed down.
  proxy = http.createServer((req, res) => {
    const forward = () => {
      const upstream = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    };
    if (delayMs > 0) {
      slowRequests += 1;
      setTimeout(forward, delayMs);
    } else forward();
  });
  const port = await freePort();
  await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
  gateway = await startGateway('gateway', path.join(work, 'gateway'), {
    WIKI_API_URL: `http://127.0.0.1:${port}${target.pathname}`, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword,
    POLLEN_STORE_PATH: path.join(work, 'pollen.sqlite'), POLLEN_FACILITATOR_TOKENS: TOKEN, LOG_LEVEL: 'info',
  });
}, 180_000);

afterAll(async () => {
  killAll();
  await new Promise((resolve) => proxy?.close(resolve));
  await wiki?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const SUBMIT = 'mutation($s: String!) { submitNote(source: $s) { state id pageTitle } }';

describe('SIGTERM drains the gateway', () => {
  it('answers the four notes in flight, gives back claims and leases, and exits 0', async () => {
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, draining: false, store: { ok: true } });
    expect((await fetch(`${gateway.url}/livez`)).status).toBe(200);

    delayMs = 700;
    const inFlight = [1, 2, 3, 4].map((i) => fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ query: SUBMIT, variables: { s: `---\ntitle: Atelier de rentrée ${i}\ndate: 2026-09-0${i}\n---\nCompte-rendu de l’atelier ${i} : nous avons installé Nextcloud.\n` } }),
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as { data?: { submitNote: { state: string; id: number } }; errors?: unknown } })));
    // Every note has reached the (slow) wiki: the four requests are in flight.
    await expect.poll(() => slowRequests, { timeout: 30_000 }).toBeGreaterThanOrEqual(4);
    gateway.child.kill('SIGTERM');
    await expect.poll(() => logLines(gateway).some((l) => String(l.msg).startsWith('Shutting down')), { timeout: 10_000 }).toBe(true);
    // Stopping: new connections are refused while the four are answered.
    await expect(fetch(`${gateway.url}/livez`)).rejects.toThrow();

    const answers = await Promise.all(inFlight);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data?.submitNote.state).toBe('PUBLISHED');
    }
    expect(await gateway.exited).toBe(0);
    const messages = logLines(gateway).map((l) => String(l.msg));
    expect(messages).toContain('Notes claims and job leases given back');
    expect(messages).not.toContain('Requests still in flight after the drain time: their connections are cut');

    const store = await openDatabase({ kind: 'sqlite', path: path.join(work, 'pollen.sqlite') });
    try {
      const rows = await store.db.selectFrom('notes_queue').select(['state', 'claimed_by']).execute();
      expect(rows).toHaveLength(4);
      expect(rows.every((r) => r.state === 'published' && r.claimed_by === null)).toBe(true);
      const leases = await store.db.selectFrom('jobs_leases').selectAll().execute();
      expect(leases).toEqual([]);
    } finally {
      await store.close();
    }
  }, 120_000);
});
