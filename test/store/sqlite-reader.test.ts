/**
 * The SQLite store's reading connection in a worker thread (src/store/sqlite-reader.ts): it reads
 * what the main connection committed, refuses writes and transactions, and a long read there
 * leaves the event loop free: the main connection answers while it runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, SQLITE_CACHE_KIB, type StoreDb } from '../../src/store/database.js';
import { openSqliteReader } from '../../src/store/sqlite-reader.js';

let dir: string;
let store: StoreDb;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pollen-reader-'));
  store = await openDatabase({ kind: 'sqlite', path: path.join(dir, 'pollen.sqlite') });
  await sql`create table t (id integer primary key, name text not null)`.execute(store.db);
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the SQLite reading connection', () => {
  it('keeps a page cache as small as the main connection’s (better-sqlite3’s own is 16 MB)', async () => {
    const cacheOf = async (db: StoreDb['db']) => (await sql<{ cache_size: number }>`pragma cache_size`.execute(db)).rows[0]?.cache_size;
    expect(await cacheOf(store.reader)).toBe(-SQLITE_CACHE_KIB);
    expect(await cacheOf(store.db)).toBe(-SQLITE_CACHE_KIB);
    expect(SQLITE_CACHE_KIB).toBeLessThan(16_000);
  });

  it('is a connection of its own on a file store, the same one in memory', async () => {
    expect(store.reader).not.toBe(store.db);
    const memory = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    expect(memory.reader).toBe(memory.db);
    await memory.close();
  });

  it('reads what the main connection committed, each query with its parameters', async () => {
    await store.db.insertInto('t').values([{ id: 1, name: 'Rhône' }, { id: 2, name: '<script>' }]).execute();
    expect(await store.reader.selectFrom('t').select(['id', 'name']).orderBy('id').execute()).toEqual([{ id: 1, name: 'Rhône' }, { id: 2, name: '<script>' }]);
    await store.db.insertInto('t').values({ id: 3, name: 'Lot' }).execute();
    const [a, b] = await Promise.all([
      store.reader.selectFrom('t').select('name').where('id', '=', 3).executeTakeFirst(),
      store.reader.selectFrom('t').select('name').where('id', '=', 1).executeTakeFirst(),
    ]);
    expect([a, b]).toEqual([{ name: 'Lot' }, { name: 'Rhône' }]);
  });

  it('refuses a write and a transaction, and reports a bad query with SQLite’s words', async () => {
    await expect(store.reader.insertInto('t').values({ id: 9, name: 'x' }).execute()).rejects.toMatchObject({ code: 'SQLITE_READONLY' });
    await expect(store.reader.transaction().execute(async () => undefined)).rejects.toThrow(/no transaction/);
    await expect(sql`select nope from t`.execute(store.reader)).rejects.toThrow(/no such column: nope/);
    expect(await store.db.selectFrom('t').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst()).toEqual({ n: 3 });
  });

  it('leaves the event loop free during a long read: the main connection answers first', async () => {
    const order: string[] = [];
    const long = sql<{ n: number }>`with recursive c(x) as (select 1 union all select x + 1 from c where x < 3000000) select count(*) as n from c`
      .execute(store.reader).then((r) => (order.push('reader'), r.rows[0]?.n));
    // Let the worker receive it before the main connection's query is sent.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const quick = await store.db.selectFrom('t').select('name').where('id', '=', 2).executeTakeFirst();
    order.push('main');
    expect(quick).toEqual({ name: '<script>' });
    expect(await long).toBe(3000000);
    expect(order).toEqual(['main', 'reader']);
  });

  it('starts again after stopping idle, and refuses queries once closed', async () => {
    const reader = openSqliteReader(path.join(dir, 'pollen.sqlite'), { busyTimeoutMs: 1000, idleMs: 10 });
    expect(await reader.selectFrom('t').select('id').orderBy('id').execute()).toHaveLength(3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await reader.selectFrom('t').select('id').where('id', '=', 2).execute()).toEqual([{ id: 2 }]);
    await reader.destroy();
    await expect(reader.selectFrom('t').select('id').execute()).rejects.toThrow();
  });
});
