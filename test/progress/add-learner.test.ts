import { describe, expect, it } from 'vitest';
import { addLearner } from '../../bots/progress-sync.js';
import { openTestStore } from '../support/store.js';

describe('adding a local learner', () => {
  it('refuses a username already taken with a French sentence, not a database error', async () => {
    const store = await openTestStore();
    await addLearner(store, { username: 'zoe', displayName: 'Zoé Lambert', password: 'zoe-password-1' });
    await expect(addLearner(store, { username: 'zoe', displayName: 'Zoé Autre', password: 'autre-password-2' })).rejects.toThrow(
      'Un compte « zoe » existe déjà : choisissez un autre identifiant.',
    );
    await store.close();
  });

  it('refuses a password shorter than 10 characters', async () => {
    const store = await openTestStore();
    await expect(addLearner(store, { username: 'yann', displayName: 'Yann', password: 'court' })).rejects.toThrow(/trop court/);
    await store.close();
  });
});
