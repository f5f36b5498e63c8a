import { sql, type Kysely } from 'kysely';
import { chunks } from './chunks.js';
import type { StoreDb } from './database.js';

/** A copy refused or gone wrong; the message is French, for the operator. */
export class StoreCopyError extends Error {
  readonly code: 'STORE_TARGET_NOT_EMPTY' | 'STORE_TABLE_MISSING' | 'STORE_COUNT_MISMATCH';
  constructor(code: StoreCopyError['code'], message: string) {
    super(message);
    this.name = 'StoreCopyError';
    this.code = code;
  }
}

export interface TableCopy {
  table: string;
  source: number;
  target: number;
}

/** The store's own tables (the migrations' bookkeeping excluded: each side keeps its own). */
async function dataTables(store: StoreDb): Promise<string[]> {
  const tables = await store.db.introspection.getTables();
  // Bookkeeping the migrations write themselves (the change marker's rows, src/store/changes.ts)
  // is the target's own: it is neither copied nor counted as data.
  return tables.filter((t) => !t.isView && t.name !== 'schema_migrations' && t.name !== 'store_changes' && !t.name.startsWith('kysely_')).map((t) => t.name).sort();
}

/** table -> tables it references (foreign keys), so parents are copied first. */
async function references(store: StoreDb): Promise<Map<string, Set<string>>> {
  const { rows } =
    store.dialect === 'sqlite'
      ? await sql<{ child: string; parent: string }>`SELECT m.name AS child, p."table" AS parent
          FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) p WHERE m.type = 'table'`.execute(store.db)
      : await sql<{ child: string; parent: string }>`SELECT tc.table_name AS child, ccu.table_name AS parent
          FROM information_schema.table_constraints tc
          JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
          WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()`.execute(store.db);
  const result = new Map<string, Set<string>>();
  for (const r of rows) if (r.child !== r.parent) result.set(r.child, (result.get(r.child) ?? new Set()).add(r.parent));
  return result;
}

function parentsFirst(tables: string[], refs: Map<string, Set<string>>): string[] {
  const ordered: string[] = [];
  const visit = (t: string, path: Set<string>) => {
    if (ordered.includes(t) || path.has(t)) return;
    path.add(t);
    for (const parent of refs.get(t) ?? []) if (tables.includes(parent)) visit(parent, path);
    ordered.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return ordered;
}

async function countRows(db: Kysely<any>, table: string): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Copies every table of `from` into `to` (both already migrated to the same schema), in one
 * transaction on the target, parents before children; then checks that each table has as many
 * rows on both sides. Refuses a target holding any row: it never merges two installations.
 * PostgreSQL identity columns continue after the copied ids.
 */
export async function copyStore(from: StoreDb, to: StoreDb, options: { onTable?: (copy: TableCopy) => void } = {}): Promise<TableCopy[]> {
  const sourceTables = await dataTables(from);
  const targetTables = new Set(await dataTables(to));
  for (const table of sourceTables) {
    if (!targetTables.has(table)) {
      throw new StoreCopyError('STORE_TABLE_MISSING', `La table ${table} de la source n’existe pas dans la cible : les deux bases n’ont pas le même schéma (versions de Pollen différentes ?).`);
    }
  }
  const nonEmpty: string[] = [];
  for (const table of targetTables) if ((await countRows(to.db, table)) > 0) nonEmpty.push(table);
  if (nonEmpty.length > 0) {
    throw new StoreCopyError('STORE_TARGET_NOT_EMPTY', `La base cible n’est pas vide (tables ${nonEmpty.join(', ')}) : Pollen ne copie que vers une base neuve, pour ne jamais mélanger deux installations.`);
  }
  const ordered = parentsFirst(sourceTables, await references(from));
  await to.db.transaction().execute(async (trx) => {
    for (const table of ordered) {
      const rows = await from.db.selectFrom(table).selectAll().execute();
      const width = Math.max(1, Object.keys(rows[0] ?? {}).length);
      for (const chunk of chunks(rows, Math.max(1, Math.floor(30_000 / width)))) await trx.insertInto(table).values(chunk).execute();
      if (to.dialect === 'postgres' && rows.length > 0 && 'id' in rows[0]!) {
        const { rows: seq } = await sql<{ seq: string | null }>`SELECT pg_get_serial_sequence(${table}, 'id') AS seq`.execute(trx);
        if (seq[0]?.seq) await sql`SELECT setval(${seq[0].seq}::regclass, (SELECT MAX(id) FROM ${sql.table(table)}))`.execute(trx);
      }
    }
  });
  const copies: TableCopy[] = [];
  for (const table of ordered) {
    const copy = { table, source: await countRows(from.db, table), target: await countRows(to.db, table) };
    options.onTable?.(copy);
    copies.push(copy);
  }
  const wrong = copies.filter((c) => c.source !== c.target);
  if (wrong.length > 0) {
    throw new StoreCopyError('STORE_COUNT_MISMATCH', `Les nombres de lignes diffèrent après la copie : ${wrong.map((c) => `${c.table} ${c.source} → ${c.target}`).join(', ')}.`);
  }
  return copies;
}
