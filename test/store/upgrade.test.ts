import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { LearnerStore } from '../../src/progress/learners.js';
import { NoteQueue } from '../../src/notes/queue.js';
import { openPollenStore } from '../../src/store-schema.js';

const dir = mkdtempSync(path.join(tmpdir(), 'pollen-upgrade-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A store file as the synchronous better-sqlite3 layer (before the async one) left it. */
function legacyFile(): string {
  const file = path.join(dir, 'pollen.sqlite');
  const db = new Database(file);
  db.exec(`CREATE TABLE schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
    CREATE TABLE progress_learners (id TEXT PRIMARY KEY, source TEXT NOT NULL CHECK (source IN ('moodle', 'local')), moodle_user_id INTEGER UNIQUE,
      username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL, password_hash TEXT, wiki_user TEXT, active INTEGER NOT NULL DEFAULT 1, first_seen_at TEXT NOT NULL);
    CREATE TABLE notes_queue (id INTEGER PRIMARY KEY, note_key TEXT NOT NULL UNIQUE, origin TEXT NOT NULL, file_name TEXT, source TEXT NOT NULL,
      source_hash TEXT NOT NULL, received_at TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN ('queued', 'publishing', 'published', 'failed', 'conflict')),
      page_title TEXT, page_url TEXT, wikitext TEXT, revid INTEGER, reason TEXT, link_title TEXT, link_url TEXT, attempts INTEGER NOT NULL DEFAULT 0,
      retryable INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT, updated_at TEXT NOT NULL, published_at TEXT);
    CREATE INDEX notes_queue_state ON notes_queue (state, id);
    CREATE INDEX notes_queue_page ON notes_queue (page_title);
    INSERT INTO schema_migrations (id) VALUES ('progress/001-learners'), ('notes/001-queue');
    INSERT INTO progress_learners (id, source, username, display_name, password_hash, first_seen_at)
      VALUES ('local-alice', 'local', 'alice', 'Alice Martin', 'scrypt$x', '2025-01-01T00:00:00.000Z');
    INSERT INTO notes_queue (note_key, origin, source, source_hash, received_at, state, page_title, updated_at)
      VALUES ('file:/n/a.md', 'cli', 'Texte', 'abc', '2025-01-01T00:00:00.000Z', 'queued', 'Comptes-rendus/2025-01-01 A', '2025-01-01T00:00:00.000Z');`);
  db.close();
  return file;
}

describe('an existing SQLite store', () => {
  it('is upgraded in place: its rows stay, the migrations it had are not run again, the new ones are', async () => {
    const file = legacyFile();
    const store = await openPollenStore({ kind: 'sqlite', path: file });
    try {
      expect((await new LearnerStore(store).byId('local-alice'))?.displayName).toBe('Alice Martin');
      const claimed = await new NoteQueue(store).claim({ worker: 'w' });
      expect(claimed.map((r) => r.key)).toEqual(['file:/n/a.md']);
      const applied = (await store.db.selectFrom('schema_migrations').select('id').execute()).map((r) => String(r.id));
      expect(applied).toEqual(expect.arrayContaining(['progress/001-learners', 'notes/001-queue', 'notes/002-claims', 'auth/001-sessions']));
      expect(applied.filter((id) => id === 'notes/001-queue')).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
