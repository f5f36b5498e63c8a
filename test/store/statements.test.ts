/**
 * The SQLite store prepares each statement once per SQL text (src/store/database.ts): the same
 * query run again gets its own parameters and rows, a stream stopped halfway leaves its statement
 * usable, and a schema change is seen by a kept statement.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, SQLITE_CACHE_KIB, type StoreDb } from '../../src/store/database.js';

let store: StoreDb;

beforeAll(async () => {
  store = await openDatabase({ kind: 'sqlite', path: ':memory:' });
  await sql`create table t (id integer primary key, name text not null)`.execute(store.db);
  for (let i = 1; i <= 50; i++) await store.db.insertInto('t').values({ id: i, name: `n${i}` }).execute();
});
afterAll(async () => {
  await store?.close();
});

describe('the SQLite connection', () => {
  it('keeps a page cache of SQLITE_CACHE_KIB (not better-sqlite3’s 16 MB, which a big store fills and the process keeps)', () => {
    expect(store.sqlite!.pragma('cache_size', { simple: true })).toBe(-SQLITE_CACHE_KIB);
    expect(SQLITE_CACHE_KIB).toBeLessThan(16_000);
  });
});

describe('kept SQLite statements', () => {
  it('bind each run’s own parameters', async () => {
    const byId = (id: number) => store.db.selectFrom('t').select('name').where('id', '=', id).executeTakeFirst();
    expect(await Promise.all([byId(3), byId(7), byId(3)])).toEqual([{ name: 'n3' }, { name: 'n7' }, { name: 'n3' }]);
  });

  it('serve a query again after a stream of it stopped halfway', async () => {
    const query = () => store.db.selectFrom('t').select('id').where('id', '<=', 40).orderBy('id');
    const streamed: number[] = [];
    for await (const row of query().stream(5)) {
      streamed.push(row.id);
      if (row.id === 12) break;
    }
    expect(streamed).toHaveLength(12);
    expect((await query().execute()).map((r) => r.id)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const again: number[] = [];
    for await (const row of query().stream(5)) again.push(row.id);
    expect(again).toHaveLength(40);
  });

  it('see a column added after they were first prepared', async () => {
    const all = () => sql<Record<string, unknown>>`select * from t where id = 1`.execute(store.db);
    expect(Object.keys((await all()).rows[0]!)).toEqual(['id', 'name']);
    await sql`alter table t add column city text`.execute(store.db);
    expect(Object.keys((await all()).rows[0]!)).toEqual(['id', 'name', 'city']);
  });
});
