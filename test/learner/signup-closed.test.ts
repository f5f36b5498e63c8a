/** POLLEN_LEARNER_SIGNUP=closed: /inscription says so, a posted sign-up creates nothing and mails nobody. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailOutbox } from '../../src/mail/index.js';
import { startLearnerGateway, Visitor, type LearnerGateway } from './support.js';

let gw: LearnerGateway;

beforeAll(async () => {
  gw = await startLearnerGateway({ env: { POLLEN_LEARNER_SIGNUP: 'closed' } });
}, 120_000);
afterAll(async () => {
  await gw?.close();
});

describe('closed sign-up', () => {
  it('shows no form, keeps the sign-in, and refuses a posted sign-up without a trace', async () => {
    const visitor = new Visitor(gw.gateway.url);
    const page = await visitor.get('/inscription');
    expect(page.html).toContain('Les inscriptions en ligne sont fermées');
    expect(page.html).not.toContain('action="/inscription"');
    expect((await visitor.get('/connexion')).html).not.toContain('href="/inscription"');
    const token = await visitor.token('/connexion');
    const posted = await visitor.post('/inscription', { nom: 'Quelqu’un', email: 'qq@exemple.org', mot_de_passe: 'un mot de passe solide' }, { token });
    expect(posted.location).toBe('/inscription');
    expect(await new MailOutbox(gw.runtime.database).list()).toEqual([]);
  });
});
