import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { addLearner } from '../../bots/progress-sync.js';
import { AuthService } from '../../src/auth/service.js';
import { LearnerStore } from '../../src/progress/learners.js';
import type { StoreDb } from '../../src/store/database.js';
import { describeEachStore } from '../support/postgres.js';
import { openSharedStores } from '../support/store.js';

const FACILITATOR_TOKEN = 'facilitator-token-0123456789abcdef';

describeEachStore('sign-in shared by two gateway replicas (one store, two connections)', (backend) => {
  let dir: string;
  let a: StoreDb;
  let b: StoreDb;
  let replicaA: AuthService;
  let replicaB: AuthService;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pollen-replicas-'));
    [a, b] = await openSharedStores(backend, dir);
    const replica = (store: StoreDb) => new AuthService({ store, learners: new LearnerStore(store), facilitatorTokens: [FACILITATOR_TOKEN] });
    replicaA = replica(a);
    replicaB = replica(b);
    await addLearner(a, { username: 'alice', displayName: 'Alice Martin', password: 'alice-secret-1' });
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts on replica B a session opened on replica A, and ends it everywhere at logout', async () => {
    const session = await replicaA.loginLearner('alice', 'alice-secret-1', { ip: '198.51.100.1' });
    const onB = await replicaB.authenticate({ headers: { authorization: `Bearer ${session.token}` } });
    expect(onB).toMatchObject({ viewer: { role: 'learner', learnerId: 'local-alice' }, sessionHash: session.tokenHash });
    expect(await replicaB.logout(session.token)).toBe(true);
    expect((await replicaA.authenticate({ headers: { authorization: `Bearer ${session.token}` } })).viewer.role).toBe('anonymous');
  });

  it('refuses on replica B an account whose limit was reached through replica A', async () => {
    for (let i = 0; i < 5; i++) {
      await expect(replicaA.loginLearner('alice', `guess-${i}`, { ip: `203.0.113.${i}` })).rejects.toMatchObject({ code: 'LOGIN_FAILED' });
    }
    await expect(replicaB.loginLearner('alice', 'alice-secret-1', { ip: '203.0.113.99' })).rejects.toMatchObject({
      code: 'LOGIN_RATE_LIMITED',
      message: expect.stringMatching(/^Trop de tentatives de connexion échouées\. Réessayez dans 15 minutes\.$/),
    });
  });
});
