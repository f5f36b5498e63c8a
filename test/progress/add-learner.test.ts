import { describe, expect, it } from 'vitest';
import { addLearner } from '../../bots/progress-sync.js';
import { openStore } from '../../src/store/db.js';

describe('adding a local learner', () => {
  it('refuses a username already taken with a French sentence, not a database error', async () => {
    const store = openStore(':memory:');
    await addLearner(store, { username: 'zoe', displayName: 'Zoé Lambert', password: 'zoe-password-1' });
    await expect(addLearner(store, { username: 'zoe', displayName: 'Zoé Autre', password: 'autre-password-2' })).rejects.toThrow(
      'Un compte « zoe » existe déjà : choisissez un autre identifiant.',
    );
    store.close();
  });

  it('refuses a password shorter than 10 characters', async () => {
    const store = openStore(':memory:');
    await expect(addLearner(store, { username: 'yann', displayName: 'Yann', password: 'court' })).rejects.toThrow(/trop court/);
    store.close();
  });
});
