/**
 * The record of what facilitators did from the dashboard (retry, discard, resubmit a note): who,
 * when, what, on which note. On the async store layer; migration `dashboard/001-actions`.
 */
import type { Generated } from 'kysely';
import { tables, type StoreDb } from '../store/database.js';
import { isoNow, runMigrations, withIdColumn, type Migration } from '../store/migrations.js';

export type DashboardAction = 'note-retry' | 'note-discard' | 'note-resubmit';

interface ActionsTable {
  id: Generated<number>;
  at: string;
  actor: string;
  role: string;
  action: DashboardAction;
  target: string;
  detail: string | null;
}

export const DASHBOARD_MIGRATIONS: readonly Migration[] = [
  {
    id: 'dashboard/001-actions',
    up: async (db, dialect) => {
      await withIdColumn(db.schema.createTable('dashboard_actions'), dialect)
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('detail', 'text')
        .execute();
    },
  },
];

export interface RecordedAction {
  at: string;
  actor: string;
  role: string;
  action: DashboardAction;
  target: string;
  detail: string | null;
}

export class ActionLog {
  private constructor(private readonly store: StoreDb) {}

  static async open(store: StoreDb): Promise<ActionLog> {
    await runMigrations(store, DASHBOARD_MIGRATIONS);
    return new ActionLog(store);
  }

  async record(entry: Omit<RecordedAction, 'at'>, now: Date = new Date()): Promise<void> {
    await tables<{ dashboard_actions: ActionsTable }>(this.store).insertInto('dashboard_actions').values({ ...entry, at: isoNow(now) }).execute();
  }

  /** Newest first. */
  async latest(limit = 20): Promise<RecordedAction[]> {
    return tables<{ dashboard_actions: ActionsTable }>(this.store)
      .selectFrom('dashboard_actions').select(['at', 'actor', 'role', 'action', 'target', 'detail']).orderBy('id', 'desc').limit(limit).execute();
  }
}
