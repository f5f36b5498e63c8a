/**
 * Issue 29 item 2: the moderation page with 5,000 pending recommendations (seeded through the
 * directory service) is one page of each list with numbered page links, a few queries and a
 * light page, instead of every item at once (12.2 MB) with one query per structure.
 */
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthService } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import type { DirectoryService } from '../../src/directory/service.js';
import type { GatewayDeps } from '../../src/graphql/context.js';
import { createProgressRuntime } from '../../src/progress/runtime.js';
import { createGateway } from '../../src/server.js';
import { openPollenStore } from '../../src/store-schema.js';
import type { StoreDb } from '../../src/store/database.js';
import { fixtureCurriculum } from '../progress/support.js';
import { ANON, declaration, directoryOn, FACILITATOR, learner, recommendation } from './fixtures.js';

const TOKEN = 'moderation-scale-facilitator-token-0123456789';
const PENDING = 5_000;
const STRUCTURES = 50;

const emptyWiki: GatewayDeps['wiki'] = {
  apiUrl: 'http://wiki.test/api.php',
  getPages: async (titles) => new Map(titles.map((t) => [t, { title: t, exists: false }])),
  searchPages: async () => [],
  categoryMembers: async () => [],
  recentChanges: async () => [],
  siteInfo: async () => ({ generator: 'MediaWiki (fake)' }),
  request: async () => ({}),
};

describe('the moderation page with 5,000 pending recommendations', () => {
  let store: StoreDb;
  let directory: DirectoryService;
  let base = '';
  let close: () => Promise<void>;
  const headers = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    const config = loadConfig({ POLLEN_FACILITATOR_TOKENS: TOKEN });
    store = await openPollenStore({ kind: 'sqlite', path: ':memory:' });
    directory = await directoryOn(store, { rateLimit: { max: PENDING * 2, windowMinutes: 60 } });
    const slugs: string[] = [];
    for (let i = 0; i < STRUCTURES; i++) {
      const p = await directory.declare(learner(`local-s${i}`), declaration(`Structure ${String(i).padStart(2, '0')}`, { website: `https://structure-${i}.example.org` }), '203.0.113.9');
      await directory.approveProvider(FACILITATOR, p.slug);
      slugs.push(p.slug);
    }
    for (let i = 0; i < PENDING; i++) await directory.recommend(ANON, recommendation(slugs[i % STRUCTURES]!, { associationName: `Association n° ${i + 1}` }), '203.0.113.10');
    const runtime = createProgressRuntime({ config, store, curriculum: fixtureCurriculum(), moodle: undefined, logger: pino({ level: 'silent' }) });
    const deps: GatewayDeps = {
      wiki: emptyWiki, wikiMode: 'fake', moodle: undefined, curriculum: fixtureCurriculum(), moodleActivityMap: new Map(), probes: [],
      auth: createAuthService({ config, store, learners: runtime.tracker.learners }), directory,
    };
    const { app, apollo } = await createGateway(deps);
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dashboard/annuaire`;
    close = async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apollo.stop();
    };
  }, 300_000);
  afterAll(async () => {
    await close?.();
    await store?.close();
  });

  it('shows 20 recommendations a page with numbered links to the first, nearby and last pages, in a light page', async () => {
    const response = await fetch(`${base}?recommandations=7`, { headers });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(Buffer.byteLength(html)).toBeLessThan(250_000);
    expect(html.match(/<li class="card" data-recommendation=/g)).toHaveLength(20);
    expect(html).toContain('Recommandations en attente (5000)');
    // Page 7 holds the 121st to 140th, oldest first.
    expect(html).toContain('Association n° 121 recommande');
    expect(html).toContain('Association n° 140 recommande');
    expect(html).not.toContain('Association n° 141 recommande');
    const nav = /<nav class="pages" aria-label="Pages des recommandations">[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '';
    expect(nav).toContain('<span aria-current="page">7</span>');
    const linked = [...nav.matchAll(/aria-label="Page (\d+)"/g)].map((m) => Number(m[1]));
    expect(linked).toEqual([1, 5, 6, 8, 9, 250]);
    expect(nav).toContain('href="/dashboard/annuaire?recommandations=250#recommandations-en-attente"');
  });

  it('reads a page in a bounded number of queries, whatever the length of the queue', async () => {
    const statements: string[] = [];
    // Counted where every query of the directory goes: its Kysely instance's executor.
    const executor = (directory.db as unknown as { getExecutor(): { executeQuery(query: { sql: string }, id: unknown): Promise<unknown> } }).getExecutor();
    const original = executor.executeQuery.bind(executor);
    executor.executeQuery = (query, id) => {
      statements.push(query.sql);
      return original(query, id);
    };
    try {
      expect((await fetch(`${base}?recommandations=250`, { headers })).status).toBe(200);
    } finally {
      executor.executeQuery = original;
    }
    const moderation = statements.filter((sql) => /directory_(providers|recommendations)/.test(sql));
    expect(moderation.length).toBeGreaterThan(0);
    // Counts (2), pages (2), history (1), decided recommendations (1), structures (1): one query per structure before.
    expect(moderation.length).toBeLessThanOrEqual(8);
  });

  it('gives the last page for a page number past the end, and page 1 for an unreadable one', async () => {
    const past = await (await fetch(`${base}?recommandations=9999`, { headers })).text();
    expect(past).toContain('Association n° 5000 recommande');
    const unreadable = await (await fetch(`${base}?recommandations=abc`, { headers })).text();
    expect(unreadable).toContain('Association n° 1 recommande');
  });
});
