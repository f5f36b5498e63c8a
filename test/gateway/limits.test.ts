/**
 * Depth and cost limits see through fragments, named and inline, and follow the request's
 * variables: a gateway that caches parsed documents (and what it knows of them) must still
 * refuse every abusive request, however often the same text is sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIntrospectionQuery, parse } from 'graphql';
import { makeExecutableSchema } from '../../src/graphql/executable-schema.js';
import { defaultQueryLimits, limitErrors, measureQuery } from '../../src/graphql/limits.js';
import { startGateway, upstreamFreeDeps, type RunningGateway } from './http.js';

let gateway: RunningGateway;

beforeAll(async () => {
  // No wiki answers there: every request here is refused or answered before any upstream is read.
  gateway = await startGateway(await upstreamFreeDeps());
});

afterAll(async () => {
  await gateway?.close();
});

/** `module { ...F1 }`, F1 = `next { ...F2 }`, ..., F<n> = `next { title }`: depth n + 2. */
function namedFragmentChain(n: number): string {
  let query = '{ module(slug: "logiciel-libre") { ...F1 } }\n';
  for (let i = 1; i <= n; i++) query += `fragment F${i} on CurriculumModule { next { ${i < n ? `...F${i + 1}` : 'title'} } }\n`;
  return query;
}

/** The same chain with inline fragments: `next { ... on CurriculumModule { next { ... } } }`. */
function inlineFragmentChain(n: number): string {
  let inner = 'title';
  for (let i = 0; i < n; i++) inner = `... on CurriculumModule { next { ${inner} } }`;
  return `{ module(slug: "logiciel-libre") { ${inner} } }`;
}

describe('query depth through fragments', () => {
  it('refuses a 12-fragment chain at depth 14, every time the same text is sent', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const { status, data, errors } = await gateway.query(namedFragmentChain(12));
      expect(status).toBe(400);
      expect(data).toBeUndefined();
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_DEEP', depth: 14, maxDepth: 10 });
    }
  });

  it('refuses a chain of inline fragments at its real depth', async () => {
    const { status, errors } = await gateway.query(inlineFragmentChain(12));
    expect(status).toBe(400);
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_DEEP', depth: 14 });
  });

  it('answers a fragment chain within the limit', async () => {
    // 8 fragments: depth 10, the limit itself. The 8th module after logiciel-libre is the 9th.
    const { status, data, errors } = await gateway.query(namedFragmentChain(8));
    expect(errors).toBeUndefined();
    expect(status).toBe(200);
    let module = data!.module;
    for (let i = 0; i < 8; i++) module = module.next;
    expect(module.title).toEqual(expect.any(String));
  });

  it('counts a fragment spread once per place it is spread', async () => {
    const query = `{ module(slug: "logiciel-libre") { a: next { ...Deep } b: previous { title } } }
      fragment Deep on CurriculumModule { next { next { next { next { next { next { next { next { next { title } } } } } } } } } }`;
    const { status, errors } = await gateway.query(query);
    expect(status).toBe(400);
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_DEEP', depth: 12 });
  });
});

describe('query cost through fragments and variables', () => {
  it('refuses lists multiplied inside named and inline fragments', async () => {
    const named = `{ curriculum { ...Modules } }
      fragment Modules on Curriculum { modules { prerequisites { ...Pre } } }
      fragment Pre on CurriculumModule { prerequisites { activities { title instructions } quiz { question choices } } }`;
    const inline = `{ curriculum { ... on Curriculum { modules { ... on CurriculumModule { prerequisites { prerequisites {
      ... { activities { title instructions } quiz { question choices } } } } } } } } }`;
    for (const query of [named, inline]) {
      const { status, errors } = await gateway.query(query);
      expect(status).toBe(400);
      expect(errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
    }
  });

  it('costs the same document by the list sizes its variables give, request by request', async () => {
    const query = 'query Changes($n: Int!) { recentChanges(limit: $n) { ...Change } } fragment Change on RecentChange { title user comment }';
    const small = await gateway.query(query, { n: 5 });
    // Not refused by the limits: it reached the (absent) wiki.
    expect(small.status).toBe(200);
    expect(small.errors?.[0]?.extensions?.code).toBe('WIKI_UNAVAILABLE');
    const large = await gateway.query(query, { n: 10_000 });
    expect(large.status).toBe(400);
    expect(large.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', cost: 30_001 });
    const smallAgain = await gateway.query(query, { n: 5 });
    expect(smallAgain.errors?.[0]?.extensions?.code).toBe('WIKI_UNAVAILABLE');
  });
});

/** `fragment S0 on Curriculum { moduleCount }`, then Si = `...S(i-1) ...S(i-1)`: 2^n fields from n + 1 lines. */
function fragmentDoubling(n: number): string {
  let query = 'fragment S0 on Curriculum { moduleCount }\n';
  for (let i = 1; i <= n; i++) query += `fragment S${i} on Curriculum { ...S${i - 1} ...S${i - 1} }\n`;
  return `${query}{ curriculum { ...S${n} } }`;
}

describe('fragments spreading each other twice per level (2^N fields from N lines)', () => {
  it.each([30, 60])('refuses N=%i as too costly, measuring each fragment definition once', async (n) => {
    const schema = makeExecutableSchema();
    const visits = new Map<string, number>();
    const measure = measureQuery(schema, parse(fragmentDoubling(n)), {}, defaultQueryLimits, null, (name) => visits.set(name, (visits.get(name) ?? 0) + 1));
    expect(limitErrors(measure, defaultQueryLimits)[0]?.extensions.code).toBe('QUERY_TOO_COSTLY');
    expect(measure.cost).toBeGreaterThan(defaultQueryLimits.maxCost);
    // Each definition at most once (the walk stops once past the limit: 2^15 > 20,000, so the
    // fragments below S15 are measured, and none twice).
    expect([...visits.values()].every((count) => count === 1)).toBe(true);
    expect(visits.size).toBeGreaterThanOrEqual(15);

    const { status, data, errors } = await gateway.query(fragmentDoubling(n));
    expect(status).toBe(400);
    expect(data).toBeUndefined();
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', maxCost: defaultQueryLimits.maxCost });
    expect(errors?.[0]?.message).toMatch(/^La requête coûte au moins \d+, au-delà de la limite de 20000\./);
    // The gateway still answers others at once.
    const ok = await gateway.query('{ curriculum { moduleCount } }');
    expect(ok.data?.curriculum.moduleCount).toBeGreaterThan(0);
  });

  it('measures a fragment spread in many places once, and counts it at every place', () => {
    const schema = makeExecutableSchema();
    const visits: string[] = [];
    const query = `{ curriculum { modules { ...M } } a: module(slug: "x") { ...M } b: module(slug: "y") { ...M } }
      fragment M on CurriculumModule { slug title next { slug } }`;
    const measure = measureQuery(schema, parse(query), {}, defaultQueryLimits, null, (name) => visits.push(name));
    expect(visits).toEqual(['M']);
    // curriculum 1 + modules 1 + 20 × (slug, title, next, next.slug = 4) + 2 × (module 1 + 4).
    expect(measure.cost).toBe(1 + 1 + 20 * 4 + 2 * 5);
    expect(measure.depth).toBe(4);
  });
});

describe('introspection counts towards the depth limit', () => {
  const ofTypes = (levels: number): string => {
    let inner = 'name';
    for (let i = 0; i < levels; i++) inner = `kind ofType { ${inner} }`;
    return inner;
  };

  it('refuses 50 levels of ofType with QUERY_TOO_DEEP', async () => {
    for (const query of [
      `{ __schema { types { fields { type { ${ofTypes(50)} } } } } }`,
      `{ __type(name: "Query") { fields { type { ${ofTypes(50)} } } } }`,
    ]) {
      const { status, errors } = await gateway.query(query);
      expect(status).toBe(400);
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_DEEP', introspection: true, maxDepth: defaultQueryLimits.maxIntrospectionDepth });
      expect(errors?.[0]?.message).toContain('L’introspection demandée a');
    }
  });

  it('answers GraphiQL’s own introspection query (every option on) and the explorer’s', async () => {
    const full = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true });
    const { status, data, errors } = await gateway.query(full);
    expect(errors).toBeUndefined();
    expect(status).toBe(200);
    expect(data?.__schema.queryType.name).toBe('Query');
  });

  it('does not count __typename, which Apollo clients add everywhere', async () => {
    // depth 10 (the limit) with __typename at the 11th level.
    const query = '{ module(slug: "logiciel-libre") { next { next { next { next { next { next { next { next { __typename title } } } } } } } } } }';
    const { status, errors } = await gateway.query(query);
    expect(errors).toBeUndefined();
    expect(status).toBe(200);
  });
});
