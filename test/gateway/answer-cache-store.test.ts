/**
 * The answer cache's own rules (src/graphql/answer-cache/cache.ts and policy.ts), without HTTP:
 * which operations the SDL's hints make cacheable and for how long, how long wiki answers live,
 * how often the store's change marker is read, bounds, and answers that raced an invalidation.
 */
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { AnswerCache } from '../../src/graphql/answer-cache/cache.js';
import { operationPolicy } from '../../src/graphql/answer-cache/policy.js';
import { makeExecutableSchema } from '../../src/graphql/executable-schema.js';

const schema = makeExecutableSchema();
const policy = (query: string, operationName?: string) => operationPolicy(schema, parse(query), operationName);
const nothingRead = { titles: new Set<string>(), scopes: new Set<string>() };
const body = (text: string) => Buffer.from(text);

describe('cache hints in the SDL', () => {
  it('gives an operation the smallest max-age of the fields it selects', () => {
    expect(policy('{ curriculum { moduleCount modules { slug title } } }')).toEqual({ maxAge: 3600 });
    expect(policy('{ module(slug: "x") { title wikiPage { exists lastRevision { user } } } }')).toEqual({ maxAge: 60 });
    expect(policy('{ providers { totalCount edges { node { name quotes { quote } } } } }')).toEqual({ maxAge: 300 });
    expect(policy('{ sessions { nodes { title module { title } } } }')).toEqual({ maxAge: 60 });
    expect(policy('query A { curriculum { moduleCount } } query B { health { ok } }', 'A')).toEqual({ maxAge: 3600 });
    expect(policy('{ curriculum { ...M } } fragment M on Curriculum { modules { __typename slug } }')).toEqual({ maxAge: 3600 });
  });

  it('makes nothing cacheable with a field without a hint, a PRIVATE field, introspection or a mutation', () => {
    expect(policy('{ curriculum { moduleCount } health { ok } }')).toBeUndefined();
    expect(policy('{ module(slug: "x") { moodleActivity { id } } }')).toBeUndefined();
    expect(policy('{ providers { edges { node { name status } } } }')).toBeUndefined();
    expect(policy('{ sessions { nodes { title registrations { name } } } }')).toBeUndefined();
    expect(policy('{ sessionsMissingMinutes { title } }')).toBeUndefined();
    expect(policy('{ me { role } }')).toBeUndefined();
    expect(policy('{ __schema { queryType { name } } }')).toBeUndefined();
    expect(policy('mutation { logout }')).toBeUndefined();
    expect(policy('query A { curriculum { moduleCount } } query B { health { ok } }', 'B')).toBeUndefined();
  });
});

describe('AnswerCache', () => {
  it('keeps an answer that read wiki pages no longer than the wiki read cache staleness, and not at all without a change feed', () => {
    const withFeed = new AnswerCache({ maxEntries: 10, maxBytes: 1e6, wikiMaxAgeSeconds: 10 });
    const reads = { titles: new Set(['Fiche']), scopes: new Set<string>() };
    expect(withFeed.store('k', body('{}'), 60, reads, withFeed.generation)?.cacheControl).toBe('public, max-age=10');
    expect(withFeed.store('c', body('{}'), 3600, nothingRead, withFeed.generation)?.cacheControl).toBe('public, max-age=3600');
    const withoutFeed = new AnswerCache({ maxEntries: 10, maxBytes: 1e6 });
    expect(withoutFeed.store('k', body('{}'), 60, reads, withoutFeed.generation)).toBeUndefined();
  });

  it('does not keep an answer whose execution began before an invalidation', () => {
    const cache = new AnswerCache({ maxEntries: 10, maxBytes: 1e6, wikiMaxAgeSeconds: 10 });
    const began = cache.generation;
    cache.invalidateTitles(['Fiche']);
    expect(cache.store('k', body('{}'), 60, { titles: new Set(['Fiche']), scopes: new Set() }, began)).toBeUndefined();
    expect(cache.store('k', body('{}'), 60, { titles: new Set(['Fiche']), scopes: new Set() }, cache.generation)).toBeDefined();
  });

  it('stops serving an answer once its max-age is over', () => {
    let now = 1_000_000;
    const cache = new AnswerCache({ maxEntries: 10, maxBytes: 1e6, now: () => now });
    cache.store('k', body('{}'), 60, nothingRead, cache.generation);
    now += 59_999;
    expect(cache.get('k', now)).toBeDefined();
    now += 1;
    expect(cache.get('k', now)).toBeUndefined();
    expect(cache.stats.entries).toBe(0);
  });

  it('keeps no answer larger than POLLEN_ANSWER_CACHE_MAX_MB, and no answer at all with POLLEN_ANSWER_CACHE_MAX_ENTRIES=0', () => {
    const small = new AnswerCache({ maxEntries: 10, maxBytes: 1000 });
    expect(small.store('k', body('x'.repeat(1000)), 60, nothingRead, small.generation)).toBeUndefined();
    expect(small.store('k', body('x'.repeat(100)), 60, nothingRead, small.generation)).toBeDefined();
    const off = new AnswerCache({ maxEntries: 0, maxBytes: 1e6 });
    expect(off.enabled).toBe(false);
    expect(off.store('k', body('{}'), 60, nothingRead, off.generation)).toBeUndefined();
  });

  it('reads the store change marker at most once per POLLEN_ANSWER_CACHE_STORE_CHECK_MS, and drops the answers of a scope that changed', async () => {
    let now = 1_000_000;
    let reads = 0;
    const versions = new Map([['directory', 1], ['agenda', 1]]);
    const cache = new AnswerCache({ maxEntries: 10, maxBytes: 1e6, storeCheckMs: 1000, now: () => now, storeChanges: async () => (reads++, new Map(versions)) });
    await cache.storeConfirmed(now); // the first read, made when the cache was built
    const directory = { titles: new Set<string>(), scopes: new Set(['directory']) };
    const agenda = { titles: new Set<string>(), scopes: new Set(['agenda']) };
    expect(cache.store('d', body('{}'), 300, directory, cache.generation)).toBeDefined();
    expect(cache.store('a', body('{}'), 60, agenda, cache.generation)).toBeDefined();
    const before = reads;
    now += 999;
    expect(await cache.storeConfirmed(now)).toBe(true);
    expect(reads).toBe(before);
    versions.set('directory', 2);
    now += 2;
    expect(await cache.storeConfirmed(now)).toBe(true);
    expect(reads).toBe(before + 1);
    expect(cache.get('d', now)).toBeUndefined();
    expect(cache.get('a', now)).toBeDefined();
    expect(cache.stats.invalidations).toBe(1);
  });

  it('does not confirm answers that read the store while the change marker cannot be read', async () => {
    const cache = new AnswerCache({ maxEntries: 10, maxBytes: 1e6, storeCheckMs: 0, storeChanges: () => Promise.reject(new Error('store down')) });
    expect(await cache.storeConfirmed()).toBe(false);
    expect(cache.store('d', body('{}'), 300, { titles: new Set(), scopes: new Set(['directory']) }, cache.generation)).toBeUndefined();
  });
});
