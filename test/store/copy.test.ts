import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateStore } from '../../bots/store-migrate.js';
import { addLearner } from '../../bots/progress-sync.js';
import { AuthService } from '../../src/auth/service.js';
import { LearnerStore } from '../../src/progress/learners.js';
import { SnapshotStore } from '../../src/progress/snapshots.js';
import { openPollenStore } from '../../src/store-schema.js';
import { createTestDatabase, postgresAdminUrl } from '../support/postgres.js';

describe('npm run store:migrate (SQLite to PostgreSQL)', () => {
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pollen-copy-'));
    file = path.join(dir, 'pollen.sqlite');
    const store = await openPollenStore({ kind: 'sqlite', path: file });
    await addLearner(store, { username: 'alice', displayName: 'Alice Martin', password: 'alice-secret-1' });
    await addLearner(store, { username: 'bruno', displayName: 'Bruno Dupont', password: 'bruno-secret-2' });
    const snapshots = new SnapshotStore(store);
    for (const learnerId of ['local-alice', 'local-bruno']) {
      await snapshots.write([{
        learnerId, percent: 50, doneCount: 1, moduleCount: 2, lastActivityAt: null, stalled: false, snapshotAt: new Date().toISOString(),
        modules: [{ slug: 'a', state: 'done', completedAt: null, via: 'self' }, { slug: 'b', state: 'not_started', completedAt: null, via: null }],
      }], 'sync');
    }
    const auth = new AuthService({ store, learners: new LearnerStore(store), facilitatorTokens: ['facilitator-token-0123456789abcdef'] });
    await auth.loginLearner('alice', 'alice-secret-1');
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('copies every table, says how many rows, and the copy serves sign-ins and new rows', async () => {
    if (!postgresAdminUrl()) throw new Error('PostgreSQL 15 is not installed: this spec did not run');
    const url = await createTestDatabase();
    const lines: string[] = [];
    await migrateStore(`sqlite:${file}`, url, (line) => lines.push(line));
    expect(lines.join('\n')).toMatch(/progress_learners : 2 lignes/);
    expect(lines.join('\n')).toMatch(/progress_snapshot_modules : 4 lignes/);
    expect(lines.at(-1)).toMatch(/^Terminé : \d+ tables, \d+ lignes, mêmes nombres des deux côtés\./);

    const copy = await openPollenStore({ kind: 'postgres', url });
    try {
      const auth = new AuthService({ store: copy, learners: new LearnerStore(copy) });
      await expect(auth.loginLearner('bruno', 'bruno-secret-2')).resolves.toMatchObject({ viewer: { learnerId: 'local-bruno' } });
      // Identity columns continue after the copied ids.
      const snapshots = new SnapshotStore(copy);
      await snapshots.write([{
        learnerId: 'local-alice', percent: 100, doneCount: 2, moduleCount: 2, lastActivityAt: null, stalled: false, snapshotAt: new Date().toISOString(), modules: [],
      }], 'learner');
      expect((await snapshots.history('local-alice')).map((s) => s.percent)).toEqual([100, 50]);
    } finally {
      await copy.close();
    }
  });

  it('refuses a target that already holds data, in French, and writes nothing', async () => {
    if (!postgresAdminUrl()) throw new Error('PostgreSQL 15 is not installed: this spec did not run');
    const url = await createTestDatabase();
    await migrateStore(`sqlite:${file}`, url, () => {});
    await expect(migrateStore(`sqlite:${file}`, url, () => {})).rejects.toMatchObject({
      code: 'STORE_TARGET_NOT_EMPTY',
      message: expect.stringMatching(/^La base cible n’est pas vide \(tables .*progress_learners.*\)/),
    });
  });
});
