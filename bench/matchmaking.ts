/**
 * Matchmaking bench: the needs diagnostic's answer page (alternatives, ranked providers of the
 * territory, modules, nearby sessions) with 2,000 listed providers and 1,000 sessions seeded
 * through the services, against the directory's own search page for the same territory
 * (`/annuaire?territoire=69`), both through the same gateway in the same run.
 *
 *   diagnostic answer page with 2,000 providers and 1,000 sessions p50 X ms, ratio to the directory search alone R
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { buildRuntime } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { createGateway } from '../src/server.js';
import { seedNational, timed } from './pages.js';
import { freePort } from './support.js';

const RUNS = 300;

export default async function matchmakingBench(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'pollen-bench-matchmaking-'));
  const config = loadConfig({
    WIKI_API_URL: `http://127.0.0.1:${await freePort()}/api.php`, WIKI_BOT_USER: 'Robot@bench', WIKI_BOT_PASSWORD: 'unused',
    POLLEN_STORE_PATH: path.join(work, 'pollen.sqlite'),
  });
  const runtime = await buildRuntime(config, pino({ level: 'silent' }));
  try {
    await seedNational(runtime);
    const matchmaking = runtime.deps.matchmaking!;
    const tools = Object.fromEntries(matchmaking.needs.map((n, i) => [n.id, i % 3 === 0 ? 'libre' : 'proprietaire'] as const));
    const token = await matchmaking.create({
      associationName: 'Association du banc d’essai', size: 'moyenne', volunteers: 25, staff: 2, territory: '69', tools, bothers: ['couts', 'donnees'], bothersText: '',
    }, 'bureau@asso.example.org', (t) => `http://localhost/diagnostic/${t}`);
    const { app, apollo } = await createGateway(runtime.deps, { web: { store: runtime.database } });
    const server = await new Promise<import('node:http').Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const page = (p: string) => async () => {
      const res = await fetch(`${base}${p}`, { headers: { accept: 'text/html' } });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${p} answered ${res.status}: ${body.slice(0, 200)}`);
    };
    const search = await timed(RUNS, page('/annuaire?territoire=69'));
    const answer = await timed(RUNS, page(`/diagnostic/${token}`));
    console.log(`diagnostic answer page with 2,000 providers and 1,000 sessions p50 ${answer.toFixed(2)} ms, ratio to the directory search alone ${(answer / search).toFixed(2)}`);
    console.log(`  (directory search page /annuaire?territoire=69 p50 ${search.toFixed(2)} ms)`);
    await new Promise((resolve) => server.close(resolve));
    await apollo.stop();
  } finally {
    runtime.close();
    await rm(work, { recursive: true, force: true });
  }
}
