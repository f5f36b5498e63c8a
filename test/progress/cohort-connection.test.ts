/**
 * Issue 29, item 4: GraphQL `cohort` a page at a time. Learners come as a connection
 * (`first`/`after`, at most 100 a page, as `providers`); the lists kept for older clients are
 * bounded; the cost guard counts a connection's edges by its `first`, not by 20.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCohort, seededName } from '../support/cohort-seed.js';
import { FACILITATOR_TOKEN, startGateway, type TestGateway } from './support.js';

const NOW = new Date('2026-03-01T09:00:00Z');
const LEARNERS = 250;
let gw: TestGateway;

beforeAll(async () => {
  gw = await startGateway({ now: () => NOW });
  await seedCohort(gw.store, { count: LEARNERS, curriculum: gw.runtime.tracker.curriculum, now: NOW });
});
afterAll(async () => {
  await gw?.close();
});

const PAGE = `query($after: String) { cohort { learnerCount learnerConnection(first: 100, after: $after) {
  totalCount edges { cursor node { username displayName progress { percent } } } pageInfo { hasNextPage endCursor } } } }`;

async function asFacilitator(query: string, variables: Record<string, unknown> = {}) {
  return gw.gql(query, variables, { token: FACILITATOR_TOKEN });
}

describe('cohort, a page at a time', () => {
  it('pages every learner in display order with first/after: 100, 100, then 50 and no next page', async () => {
    const names: string[] = [];
    const sizes: number[] = [];
    let after: string | null = null;
    for (;;) {
      const answer = await asFacilitator(PAGE, { after });
      expect(answer.body.errors).toBeUndefined();
      const cohort = answer.body.data?.cohort;
      expect(cohort.learnerCount).toBe(LEARNERS);
      expect(cohort.learnerConnection.totalCount).toBe(LEARNERS);
      const edges = cohort.learnerConnection.edges as Array<{ cursor: string; node: { displayName: string } }>;
      sizes.push(edges.length);
      names.push(...edges.map((e) => e.node.displayName));
      expect(cohort.learnerConnection.pageInfo.endCursor).toBe(edges.at(-1)?.cursor ?? null);
      if (!cohort.learnerConnection.pageInfo.hasNextPage) break;
      after = cohort.learnerConnection.pageInfo.endCursor;
    }
    expect(sizes).toEqual([100, 100, 50]);
    expect(names).toEqual(Array.from({ length: LEARNERS }, (_, i) => seededName(i + 1)));
  });

  it('bounds the lists older clients ask for (100 at most) and counts the rest', async () => {
    const answer = await asFacilitator('{ cohort { learnerCount stalledCount learners { username } stalled { daysSinceActivity } modules { completedCount learnerCount } } }');
    expect(answer.body.errors).toBeUndefined();
    const cohort = answer.body.data?.cohort;
    expect(cohort.learners).toHaveLength(100);
    expect(cohort.learners[0].username).toBe('apprenant-1');
    // Learner i has done i modulo 8 of 7 modules, the last i modulo 40 days ago; stalled after 14 days.
    const stalled = Array.from({ length: LEARNERS }, (_, i) => i + 1).filter((i) => i % 8 < 7 && (i % 8 === 0 || i % 40 >= 14)).length;
    expect(cohort.stalledCount).toBe(stalled);
    expect(cohort.stalled).toHaveLength(Math.min(100, stalled));
    const days = (cohort.stalled as Array<{ daysSinceActivity: number }>).map((s) => s.daysSinceActivity);
    expect(days).toEqual([...days].sort((a, b) => b - a));
    expect(cohort.modules[0]).toEqual({ completedCount: Array.from({ length: LEARNERS }, (_, i) => i + 1).filter((i) => i % 8 >= 1).length, learnerCount: LEARNERS });
  });

  it('refuses a page over 100 and a cursor it did not hand out (BAD_USER_INPUT, in French)', async () => {
    const big = await asFacilitator('{ cohort { learnerConnection(first: 101) { totalCount } } }');
    expect(big.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(big.body.errors?.[0]?.message).toBe('first : entre 0 et 100.');
    const forged = await asFacilitator('{ cohort { learnerConnection(after: "pas-un-curseur") { totalCount } } }');
    expect(forged.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(forged.body.errors?.[0]?.message).toMatch(/^Curseur de pagination illisible/);
  });

  it('costs a connection\'s edges by its first: three pages of 100 with their modules are over the limit, of 20 are not', async () => {
    const pages = (first: number) => ['a', 'b', 'c']
      .map((alias) => `${alias}: learnerConnection(first: ${first}) { edges { node { progress { modules { module { title } state completedAt via } } } } }`)
      .join(' ');
    const costly = await asFacilitator(`{ cohort { ${pages(100)} } }`);
    expect(costly.status).toBe(400);
    expect(costly.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
    const fine = await asFacilitator(`{ cohort { ${pages(20)} } }`);
    expect(fine.body.errors).toBeUndefined();
    expect(fine.body.data?.cohort.a.edges).toHaveLength(20);
  });
});
