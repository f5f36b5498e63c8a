/**
 * The gateway's shared wiki read cache, against a real MediaWiki: bounded staleness through the
 * change feed, Pollen's own edits seen at once, one read per burst, bounded bytes, and stale
 * answers (marked) when the wiki goes down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import type { GatewayDeps } from '../../src/graphql/context.js';
import { WikiReadCache, type WikiClient } from '../../src/wiki/index.js';
import { changedTitlesSince, latestChange } from '../../src/wiki/changes.js';
import { relay } from '../support/relay.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { startGateway, type GraphQLAnswer, type RunningGateway } from './http.js';

const STALENESS_MS = 1000;
const PAGE_QUERY = 'query Page($t: String!) { wikiPage(title: $t) { title exists summary lastRevision { id user } } }';

let wiki: LocalWiki;
let proxy: Awaited<ReturnType<typeof relay>>;
let client: WikiClient;
let cache: WikiReadCache;
let gateway: RunningGateway;
let curriculum: GatewayDeps['curriculum'];

function depsOver(reads: WikiReadCache): GatewayDeps {
  return { wiki: reads, wikiCache: reads, wikiMode: 'test wiki', moodle: undefined, curriculum, moodleActivityMap: new Map(), probes: [] };
}

/** Asks until `done` holds of the answer (at most `attempts` times, 100 ms apart); returns the answers asked. */
async function askUntil(title: string, done: (answer: GraphQLAnswer<Record<string, any>>) => boolean, attempts = 100) {
  for (let asked = 1; asked <= attempts; asked++) {
    const answer = await gateway.query(PAGE_QUERY, { t: title });
    if (done(answer)) return { answer, asked };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the gateway never gave the expected answer for ${title}`);
}

beforeAll(async () => {
  wiki = await startWiki();
  await wiki.createPages([
    { title: 'Fiche Nextcloud', text: 'Nextcloud partage des fichiers.' },
    { title: 'Fiche Framadate', text: 'Framadate organise des rendez-vous.' },
    { title: 'Fiche Mobilizon', text: 'Mobilizon annonce des événements.' },
    { title: 'Fiche Peertube', text: 'PeerTube diffuse des vidéos.' },
  ]);
  proxy = await relay(wiki.port);
  // The gateway's wiki goes through a relay the spec can cut; no retries, so an outage shows at once.
  client = await wiki.botClient({ apiUrl: `http://127.0.0.1:${proxy.port}/api.php`, maxRetries: 0 });
  curriculum = await loadCurriculum('course-modules');
  cache = new WikiReadCache(client, { maxStalenessMs: STALENESS_MS, maxStaleServeMs: 120_000 });
  cache.watchEdits(client);
  cache.start();
  await cache.poll();
  gateway = await startGateway(depsOver(cache));
});

afterAll(async () => {
  cache?.stop();
  await gateway?.close();
  await proxy?.cut();
  await wiki?.stop();
});

describe('bounded staleness', () => {
  it('shows a human edit made on the wiki within the interval, found by the change feed and not by reading the page on every request', async () => {
    const first = await gateway.query(PAGE_QUERY, { t: 'Fiche Nextcloud' });
    expect(first.data!.wikiPage.lastRevision.user).toBe('Robot');
    const { revid } = await wiki.humanEdit('Fiche Nextcloud', 'Nextcloud partage des fichiers et des agendas.', 'Ajout des agendas');
    const before = { ...cache.stats };
    const { answer, asked } = await askUntil('Fiche Nextcloud', (a) => a.data?.wikiPage?.lastRevision?.id === revid);
    expect(answer.data!.wikiPage).toMatchObject({ summary: 'Nextcloud partage des fichiers et des agendas.', lastRevision: { user: 'Admin' } });
    // Seen on the first or second read of the feed after the edit, i.e. within the interval...
    expect(cache.stats.polls - before.polls).toBeLessThanOrEqual(2);
    expect(cache.stats.invalidations - before.invalidations).toBe(1);
    // ...and read from the wiki once, however many requests asked meanwhile.
    expect(cache.stats.misses - before.misses).toBe(1);
    expect(cache.stats.hits - before.hits).toBe(asked - 1);
  });

  it('shows Pollen’s own edit at once, without waiting for the change feed', async () => {
    // A feed read once a minute: only the edit itself can make the change show now.
    const slow = new WikiReadCache(client, { maxStalenessMs: 60_000 });
    slow.watchEdits(client);
    slow.start();
    await slow.poll();
    const slowGateway = await startGateway(depsOver(slow));
    try {
      const before = await slowGateway.query(PAGE_QUERY, { t: 'Fiche Framadate' });
      expect(before.data!.wikiPage.summary).toBe('Framadate organise des rendez-vous.');
      const saved = await client.edit({ title: 'Fiche Framadate', text: 'Framadate organise des rendez-vous sans compte.', summary: 'Précision' });
      const { data } = await slowGateway.query(PAGE_QUERY, { t: 'Fiche Framadate' });
      expect(data!.wikiPage.lastRevision.id).toBe(saved.revid);
      expect(data!.wikiPage.summary).toBe('Framadate organise des rendez-vous sans compte.');
      expect(slow.stats.polls).toBe(1);
    } finally {
      slow.stop();
      await slowGateway.close();
    }
  });

  it('reads the changes since a mark with continuation when more changed than one answer holds', async () => {
    const mark = await latestChange(client);
    const titles = await wiki.createPages(12, 'Fiche feuilleton');
    const changed = await changedTitlesSince(client, mark, { pageSize: 5 });
    expect([...changed.titles].sort()).toEqual([...titles].sort());
    // 12 changes, 5 an answer (plus earlier ones the late-row margin reads again): continuation.
    expect(changed.calls).toBeGreaterThanOrEqual(3);
    expect(changed.mark.rcid).toBeGreaterThan(mark.rcid);
    // Read again from the new mark: nothing left.
    expect((await changedTitlesSince(client, changed.mark, { pageSize: 5 })).titles.size).toBe(0);
  });
});

describe('without the change feed', () => {
  it('reads a page again once the feed has not confirmed it for twice the interval', async () => {
    let clock = 1_000_000;
    // Never started: nothing confirms the pages, so their age alone decides.
    const unfed = new WikiReadCache(client, { maxStalenessMs: 1000, now: () => clock });
    await unfed.readPages(['Fiche Peertube']);
    clock += 1900;
    await unfed.readPages(['Fiche Peertube']);
    expect(unfed.stats).toMatchObject({ misses: 1, hits: 1 });
    clock += 200;
    await unfed.readPages(['Fiche Peertube']);
    expect(unfed.stats).toMatchObject({ misses: 2, hits: 1 });
  });
});

describe('confirming cached pages', () => {
  it('confirms pages the feed has not confirmed lately with one read of the feed, not one read per page', async () => {
    let clock = 5_000_000;
    // Not started (no timer): the spec decides when time passes.
    // Its own client: the suite's started cache polls through the shared one on its own timer.
    const own = await wiki.botClient({ maxRetries: 0 });
    const lagging = new WikiReadCache(own, { maxStalenessMs: 60_000, now: () => clock });
    await lagging.poll();
    await lagging.readPages(['Fiche Peertube', 'Fiche Mobilizon']);
    clock += 130_000;
    const callsBefore = own.stats.apiCalls;
    const [a, b] = await Promise.all([lagging.readPages(['Fiche Peertube']), lagging.readPages(['Fiche Mobilizon'])]);
    expect(a.pages.get('Fiche Peertube')?.exists).toBe(true);
    expect(b.pages.get('Fiche Mobilizon')?.exists).toBe(true);
    expect(lagging.stats).toMatchObject({ polls: 2, misses: 2, hits: 2 });
    expect(own.stats.apiCalls - callsBefore).toBe(1);
  });
});

describe('reads under load', () => {
  it('answers a burst of 100 concurrent requests for a cold title with one wiki read', async () => {
    const before = { ...cache.stats };
    const callsBefore = client.stats.apiCalls;
    const answers = await Promise.all(Array.from({ length: 100 }, () => gateway.query(PAGE_QUERY, { t: 'Fiche Mobilizon' })));
    for (const { data, errors } of answers) {
      expect(errors).toBeUndefined();
      expect(data!.wikiPage).toMatchObject({ title: 'Fiche Mobilizon', exists: true, summary: 'Mobilizon annonce des événements.' });
    }
    expect(cache.stats.misses - before.misses).toBe(1);
    // Every API call in that time was either the one read or a read of the change feed.
    expect(client.stats.apiCalls - callsBefore - (cache.stats.polls - before.polls)).toBe(1);
  });

  it('stays within its byte bound, evicting the least recently used pages, however many titles are read', async () => {
    const titles = await wiki.createPages(
      Array.from({ length: 24 }, (_, i) => ({ title: `Fiche volumineuse ${i + 1}`, text: `${'Un paragraphe sur les communs numériques. '.repeat(40)}${i}` })),
    );
    const maxBytes = 20_000;
    const small = new WikiReadCache(client, { maxStalenessMs: 60_000, maxBytes });
    const smallGateway = await startGateway(depsOver(small));
    try {
      for (let start = 0; start < titles.length; start += 8) {
        const { data, errors } = await smallGateway.query('query($t: [String!]!) { wikiPages(titles: $t) { exists summary } }', { t: titles.slice(start, start + 8) });
        expect(errors).toBeUndefined();
        expect(data!.wikiPages).toHaveLength(8);
        expect(small.stats.bytes).toBeLessThanOrEqual(maxBytes);
      }
      expect(small.stats.evictions).toBeGreaterThan(0);
      expect(small.stats.entries).toBeLessThan(titles.length);
      expect(small.stats.entries).toBeGreaterThan(0);
      // The most recent pages are the ones kept: asking for the last one again is a hit.
      const hits = small.stats.hits;
      await smallGateway.query(PAGE_QUERY, { t: titles.at(-1)! });
      expect(small.stats.hits).toBe(hits + 1);
    } finally {
      await smallGateway.close();
    }
  }, 120_000);

  it('says how many pages it holds, hits and misses on /metrics', async () => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(text).toMatch(new RegExp(`^pollen_wiki_cache_entries ${cache.stats.entries}$`, 'm'));
    expect(text).toMatch(/^pollen_wiki_cache_hits_total [1-9]\d*$/m);
    expect(text).toMatch(/^pollen_wiki_cache_misses_total [1-9]\d*$/m);
    expect(text).toMatch(/^pollen_wiki_cache_invalidations_total [1-9]\d*$/m);
    expect(text).toMatch(/^pollen_wiki_cache_bytes [1-9]\d*$/m);
    expect(text).toMatch(/^pollen_wiki_cache_evictions_total 0$/m);
  });
});

describe('recent changes', () => {
  it('lists them once while the feed finds nothing newer, and again, with the new edit, once the feed has seen it', async () => {
    await cache.poll();
    const first = await cache.recentChanges(10);
    const calls = client.stats.apiCalls;
    const polls = cache.stats.polls;
    // API calls other than the change feed's own reads, which run on their timer meanwhile.
    const readsSince = () => client.stats.apiCalls - calls - (cache.stats.polls - polls);
    // A dashboard reloaded: no request to the wiki.
    expect(await cache.recentChanges(10)).toEqual(first);
    expect(await cache.recentChanges(3)).toEqual(first.slice(0, 3));
    expect(readsSince()).toBe(0);
    // More than was read: read.
    await cache.recentChanges(20);
    expect(readsSince()).toBe(1);

    const { revid } = await wiki.humanEdit('Fiche Peertube', 'PeerTube diffuse des vidéos, sans publicité.', 'Sans publicité');
    let listed: Awaited<ReturnType<WikiReadCache['recentChanges']>> = [];
    for (let i = 0; i < 100 && !listed.some((c) => c.revid === revid); i++) {
      listed = await cache.recentChanges(10);
      if (!listed.some((c) => c.revid === revid)) await new Promise((r) => setTimeout(r, 100));
    }
    // Within the feed's interval, as every page read through the cache.
    expect(listed[0]).toMatchObject({ revid, title: 'Fiche Peertube', user: 'Admin', comment: 'Sans publicité' });

    // Pollen's own edit: on the list within a second, without waiting for the feed, and the
    // list read at most once in that second however often it is asked for.
    const saved = await client.edit({ title: 'Fiche Framadate', text: 'Framadate organise des rendez-vous et des sondages.', summary: 'Sondages' });
    const asked = Date.now();
    let own: Awaited<ReturnType<WikiReadCache['recentChanges']>> = [];
    const reads = client.stats.apiCalls;
    while (!own.some((c) => c.revid === saved.revid) && Date.now() - asked < 3000) {
      own = await cache.recentChanges(10);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(Date.now() - asked).toBeLessThan(1500);
    expect(own[0]).toMatchObject({ title: 'Fiche Framadate', revid: saved.revid });
    // Asked every 20 ms: the list read once or twice, the feed polled once or twice, not 50 reads.
    expect(client.stats.apiCalls - reads).toBeLessThanOrEqual(4);
  });
});

describe('when the wiki goes down', () => {
  it('serves cached pages marked stale, and answers WIKI_UNAVAILABLE for pages it never read', async () => {
    const fresh = await gateway.query(PAGE_QUERY, { t: 'Fiche Peertube' });
    expect(fresh.extensions?.wikiCache).toBeUndefined();
    await proxy.cut();
    try {
      // Fresh answers until the feed could not confirm them for longer than the interval allows.
      const { answer } = await askUntil('Fiche Peertube', (a) => a.extensions?.wikiCache !== undefined);
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.wikiPage).toEqual(fresh.data!.wikiPage);
      expect(answer.extensions!.wikiCache).toMatchObject({ stale: true, ageSeconds: expect.any(Number) });
      const uncached = await gateway.query(PAGE_QUERY, { t: 'Page jamais lue' });
      expect(uncached.data!.wikiPage).toBeNull();
      expect(uncached.errors?.[0]?.extensions?.code).toBe('WIKI_UNAVAILABLE');
      // Both in one query: the cached page still answers, the other one alone fails.
      const both = await gateway.query('{ a: wikiPage(title: "Fiche Peertube") { exists } b: wikiPage(title: "Page jamais lue") { exists } }');
      expect(both.data).toEqual({ a: { exists: true }, b: null });
      expect(both.errors?.map((e) => e.extensions?.code)).toEqual(['WIKI_UNAVAILABLE']);
      expect(both.extensions?.wikiCache).toMatchObject({ stale: true });
    } finally {
      await proxy.restore();
    }
    const { answer } = await askUntil('Fiche Peertube', (a) => a.extensions?.wikiCache === undefined);
    expect(answer.data!.wikiPage.exists).toBe(true);
  });
});
