import { afterEach, expect, it } from 'vitest';
import type { StoreDb } from '../../src/store/database.js';
import { runMigrations, withIdColumn, type Migration } from '../../src/store/migrations.js';
import { parseStoreUrl, redactUrl } from '../../src/store/url.js';
import { describeEachStore } from '../support/postgres.js';

const migrations: Migration[] = [
  {
    id: 'demo/001-items',
    up: async (db, dialect) => {
      await withIdColumn(db.schema.createTable('demo_items'), dialect).addColumn('name', 'text', (c) => c.notNull().unique()).execute();
    },
  },
  {
    id: 'demo/002-items-note',
    up: async (db) => {
      await db.schema.alterTable('demo_items').addColumn('note', 'text').execute();
    },
  },
];

describeEachStore('store migrations', (backend) => {
  const opened: StoreDb[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  it('applies each migration once, in order, even when two runs start together', async () => {
    const store = await backend.open();
    opened.push(store);
    const [first, second] = await Promise.all([runMigrations(store, migrations), runMigrations(store, migrations)]);
    expect([...first, ...second].sort()).toEqual(['demo/001-items', 'demo/002-items-note']);
    expect(await runMigrations(store, migrations)).toEqual([]);
    await store.db.insertInto('demo_items').values({ name: 'a', note: 'n' }).execute();
    await store.db.insertInto('demo_items').values({ name: 'b' }).execute();
    const rows = await store.db.selectFrom('demo_items').select(['id', 'name', 'note']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 1, name: 'a', note: 'n' },
      { id: 2, name: 'b', note: null },
    ]);
  });

  it('leaves nothing applied when a migration fails', async () => {
    const store = await backend.open();
    opened.push(store);
    const broken: Migration[] = [
      migrations[0]!,
      { id: 'demo/002-broken', up: async (db) => void (await db.schema.alterTable('no_such_table').addColumn('x', 'text').execute()) },
    ];
    await expect(runMigrations(store, broken)).rejects.toThrow();
    // All pending migrations run in one transaction (DDL is transactional on both backends):
    // the first one was rolled back with the broken one, so it applies again now.
    expect(await runMigrations(store, [migrations[0]!])).toEqual(['demo/001-items']);
  });
});

it('reads store URLs and never shows a password', () => {
  expect(parseStoreUrl(undefined, 'var/pollen.sqlite')).toEqual({ kind: 'sqlite', path: 'var/pollen.sqlite' });
  expect(parseStoreUrl('sqlite:data/pollen.db', 'x')).toEqual({ kind: 'sqlite', path: 'data/pollen.db' });
  expect(parseStoreUrl('postgres://u:secret@db:5432/pollen', 'x')).toEqual({ kind: 'postgres', url: 'postgres://u:secret@db:5432/pollen' });
  expect(() => parseStoreUrl('mysql://u@db/pollen', 'x')).toThrow(/mysql/);
  expect(redactUrl('postgres://u:secret@db:5432/pollen')).toBe('postgres://u:***@db:5432/pollen');
});
