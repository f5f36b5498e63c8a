/** « Se déconnecter » on the dashboard's agenda pages signs the facilitator out (it posted to a 404). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type StoreDb } from '../../src/store/database.js';
import { FACILITATOR_TOKEN, startAgendaGateway, type AgendaGateway } from './support.js';

describe('signing out from the agenda pages of the dashboard', () => {
  let store: StoreDb;
  let gw: AgendaGateway;
  let cookie = '';
  let id = 0;

  beforeAll(async () => {
    store = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    gw = await startAgendaGateway(store, () => new Date('2026-03-01T08:00:00Z'));
    id = (await gw.agenda.createSession({ title: 'Atelier messagerie', startsAt: '2026-03-12T14:00', endsAt: '2026-03-12T17:00', address: 'Maison des associations, Lyon', capacity: 10 })).session.id;
    const signIn = await fetch(`${gw.base}/dashboard/connexion`, {
      method: 'POST', redirect: 'manual', headers: { origin: gw.base, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: FACILITATOR_TOKEN }),
    });
    cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  });
  afterAll(async () => {
    await gw?.close();
    await store?.close();
  });

  it.each(['/dashboard/agenda', '/dashboard/agenda/sessions/ID'])('from %s, the form posts to the dashboard’s sign-out and ends the session', async (pagePath) => {
    const html = await (await fetch(`${gw.base}${pagePath.replace('ID', String(id))}`, { headers: { cookie } })).text();
    const form = /<form method="post" action="([^"]+)"><input type="hidden" name="csrf" value="([^"]+)"\/?>[^<]*<button type="submit">Se déconnecter<\/button><\/form>/.exec(html);
    expect(form?.[1]).toBe('/dashboard/deconnexion');
    const out = await fetch(`${gw.base}${form![1]}`, {
      method: 'POST', redirect: 'manual', headers: { origin: gw.base, cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf: form![2]! }),
    });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/dashboard/connexion');
    // The session is over: the agenda page sends to the sign-in page.
    const after = await fetch(`${gw.base}/dashboard/agenda`, { redirect: 'manual', headers: { cookie } });
    expect(after.status).toBe(303);
    // Signed in again for the next case.
    const signIn = await fetch(`${gw.base}/dashboard/connexion`, {
      method: 'POST', redirect: 'manual', headers: { origin: gw.base, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: FACILITATOR_TOKEN }),
    });
    cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  });
});
