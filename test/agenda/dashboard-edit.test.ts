/** Editing a session from its dashboard page: pre-filled form, CSRF-checked post, refusals keep what was typed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type StoreDb } from '../../src/store/database.js';
import { FACILITATOR_TOKEN, startAgendaGateway, type AgendaGateway } from './support.js';

const NOW = new Date('2026-03-01T08:00:00Z');

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The edit form's fields as the browser would send them (inputs, the selected module, the description). */
function editForm(html: string): Record<string, string> {
  const form = /<form[^>]*id="form-modifier-session"[\s\S]*?<\/form>/.exec(html)?.[0] ?? '';
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input [^>]*name="([^"]+)"[^>]*>/g)) {
    const tag = m[0];
    if (/type="checkbox"/.test(tag)) { if (/ checked/.test(tag)) fields[m[1]!] = 'on'; continue; }
    fields[m[1]!] = unescape(/value="([^"]*)"/.exec(tag)?.[1] ?? '');
  }
  fields.moduleSlug = /<option value="([^"]*)" selected>/.exec(form)?.[1] ?? '';
  fields.description = unescape(/<textarea[^>]*>([\s\S]*?)<\/textarea>/.exec(form)?.[1] ?? '');
  return fields;
}

describe('editing a session from the dashboard', () => {
  let store: StoreDb;
  let gw: AgendaGateway;
  let cookie = '';
  let id = 0;

  beforeAll(async () => {
    store = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    gw = await startAgendaGateway(store, () => NOW);
    id = (await gw.agenda.createSession({ moduleSlug: 'gouvernance', title: 'Atelier gouvernance', startsAt: '2026-03-12T14:00', endsAt: '2026-03-12T17:00', address: 'Maison des associations, Lyon', facilitators: ['Camille Martin'], capacity: 10 })).session.id;
    const signIn = await fetch(`${gw.base}/dashboard/connexion`, {
      method: 'POST', redirect: 'manual', headers: { origin: gw.base, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: FACILITATOR_TOKEN }),
    });
    cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  });
  afterAll(async () => {
    await gw?.close();
    await store?.close();
  });

  const page = async () => (await fetch(`${gw.base}/dashboard/agenda/sessions/${id}`, { headers: { cookie } })).text();
  /** Post/redirect/get: the page the 303 leads to, with the flash cookies it set (the notice, or the refused form). */
  async function follow(response: Response): Promise<Response> {
    expect(response.status).toBe(303);
    const flash = response.headers.getSetCookie().map((c) => c.split(';')[0]!).filter((c) => !c.endsWith('='));
    return fetch(new URL(response.headers.get('location')!, gw.base), { headers: { cookie: [cookie, ...flash].join('; ') } });
  }
  const post = (form: Record<string, string>) =>
    fetch(`${gw.base}/dashboard/agenda/sessions/${id}/modifier`, { method: 'POST', redirect: 'manual', headers: { origin: gw.base, cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });

  it('shows the form pre-filled with the session, and changes its title', async () => {
    const fields = editForm(await page());
    expect(fields).toMatchObject({ title: 'Atelier gouvernance', moduleSlug: 'gouvernance', startsAt: '2026-03-12T14:00', endsAt: '2026-03-12T17:00', address: 'Maison des associations, Lyon', facilitators: 'Camille Martin', capacity: '10', isPublic: 'on' });
    const response = await follow(await post({ ...fields, title: 'Atelier gouvernance partagée' }));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Modifications enregistrées.');
    const session = await gw.agenda.session(id);
    expect([session.title, session.startsAt, session.capacity, session.sequence]).toEqual(['Atelier gouvernance partagée', '2026-03-12T13:00:00.000Z', 10, 1]);
    expect(editForm(await page()).title).toBe('Atelier gouvernance partagée');
  });

  it('refuses an end before the start in French, keeping what was typed, and changes nothing', async () => {
    const fields = editForm(await page());
    const response = await follow(await post({ ...fields, title: 'Titre tapé', endsAt: '2026-03-12T13:00' }));
    const html = await response.text();
    expect(html).toContain('role="alert"');
    expect(editForm(html)).toMatchObject({ title: 'Titre tapé', endsAt: '2026-03-12T13:00' });
    expect((await gw.agenda.session(id)).title).toBe('Atelier gouvernance partagée');
  });

  it('answers 403 to a forged form and changes nothing', async () => {
    const fields = editForm(await page());
    const forged = await post({ ...fields, csrf: 'forged', title: 'Piratée' });
    expect(forged.status).toBe(403);
    expect((await gw.agenda.session(id)).title).toBe('Atelier gouvernance partagée');
  });

  it('clears the old coordinates when the address changes without new ones, and says so; keeps new ones given', async () => {
    const placed = (await gw.agenda.createSession({ title: 'Atelier cartographie', startsAt: '2026-03-19T14:00', endsAt: '2026-03-19T17:00', address: 'Maison des associations, Lyon', latitude: 45.764, longitude: 4.8357, facilitators: ['Inès Roy'], capacity: 10 })).session.id;
    const url = `${gw.base}/dashboard/agenda/sessions/${placed}`;
    const send = (form: Record<string, string>) =>
      fetch(`${url}/modifier`, { method: 'POST', redirect: 'manual', headers: { origin: gw.base, cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
    const fields = editForm(await (await fetch(url, { headers: { cookie } })).text());
    expect(fields).toMatchObject({ latitude: '45.764', longitude: '4.8357' });

    const moved = await follow(await send({ ...fields, address: 'Tiers-lieu La Ruche, 12 rue Paul Bert, Villeurbanne' }));
    expect(moved.status).toBe(200);
    expect(await moved.text()).toContain('les coordonnées de l’ancienne adresse ont été effacées');
    expect((await gw.agenda.session(placed)).place).toMatchObject({ address: 'Tiers-lieu La Ruche, 12 rue Paul Bert, Villeurbanne', latitude: null, longitude: null });
    const feed = await (await fetch(`${gw.base}/agenda/sessions/${placed}.ics`)).text();
    expect(feed).not.toContain('GEO:');

    const located = await follow(await send({ ...editForm(await (await fetch(url, { headers: { cookie } })).text()), address: 'Salle des fêtes, Vaulx-en-Velin', latitude: '45.778', longitude: '4.922' }));
    expect(await located.text()).not.toContain('ont été effacées');
    expect((await gw.agenda.session(placed)).place).toMatchObject({ latitude: 45.778, longitude: 4.922 });
  });
});
