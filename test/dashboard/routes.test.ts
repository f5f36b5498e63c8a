import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addLearner } from '../../bots/progress-sync.js';
import { FACILITATOR_TOKEN, ADMIN_TOKEN, LOGIN, startGateway, type TestGateway } from '../progress/support.js';

describe('the dashboard over HTTP', () => {
  let gw: TestGateway;
  let base: string;
  let origin: string;
  let learnerToken: string;

  beforeAll(async () => {
    gw = await startGateway({ now: () => new Date('2026-03-01T09:00:00Z') });
    origin = new URL(gw.url).origin;
    base = `${origin}/dashboard`;
    await addLearner(gw.store, { username: 'alice', displayName: 'Alice <Martin> & Co', password: 'alice-secret-1' }, () => new Date('2026-02-01T09:00:00Z'));
    learnerToken = (await gw.gql(LOGIN, { u: 'alice', p: 'alice-secret-1' })).body.data?.login.token;
    await gw.runtime.progress.markModuleDone('local-alice', 'bienvenue', true);
  });
  afterAll(async () => {
    await gw.close();
  });

  const get = (path = '', headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers, redirect: 'manual' });
  const post = (path: string, form: Record<string, string>, headers: Record<string, string> = { origin }) =>
    fetch(`${base}${path}`, { method: 'POST', body: new URLSearchParams(form), headers, redirect: 'manual' });

  async function signIn(token = FACILITATOR_TOKEN): Promise<{ response: Response; cookie: string }> {
    const response = await post('/connexion', { token });
    const setCookie = response.headers.get('set-cookie') ?? '';
    return { response, cookie: setCookie.split(';')[0] ?? '' };
  }

  it('answers a form it cannot read with a French page and its status, never a stack trace', async () => {
    const fields = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`champ${i}`, 'x']));
    const response = await post('/connexion', fields);
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('Formulaire refusé');
    expect(html).not.toMatch(/at .+\.(ts|js):\d+|Error:/);
  });

  it('sends anonymous visitors to the sign-in form', async () => {
    const response = await get();
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/dashboard/connexion');
    const form = await get('/connexion');
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('Jeton d’accès');
  });

  it('refuses a learner with a French 403 page', async () => {
    const response = await get('', { cookie: `pollen_session=${learnerToken}` });
    expect(response.status).toBe(403);
    const html = await response.text();
    expect(html).toContain('Accès refusé');
    expect(html).toContain('réservé aux animateur·rices');
    expect(html).not.toContain('Progression de la cohorte');
  });

  it('signs a facilitator in through the form: HttpOnly SameSite=Strict session cookie, never the API token', async () => {
    const { response, cookie } = await signIn();
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/dashboard');
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^pollen_session=/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).not.toContain(FACILITATOR_TOKEN);

    const page = await get('', { cookie });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('Progression de la cohorte');
    expect(html).toContain('Alice &lt;Martin> &amp; Co');
    expect(html).toMatch(/<tr data-slug="bienvenue">.*data-col="termine">1<\/td><td [^>]*data-col="apprenants">1<\/td>/);
    expect(html).toContain('Se déconnecter');
  });

  it('also opens for an admin and for a facilitator\'s bearer token', async () => {
    expect((await signIn(ADMIN_TOKEN)).response.status).toBe(303);
    expect((await get('', { authorization: `Bearer ${FACILITATOR_TOKEN}` })).status).toBe(200);
  });

  it('answers a wrong token in French, without echoing it', async () => {
    const wrong = 'not-the-token-s3cr3t-value';
    const response = await post('/connexion', { token: wrong });
    expect(response.status).toBe(401);
    expect(response.headers.get('set-cookie')).toBeNull();
    const html = await response.text();
    expect(html).toContain('Ce jeton n’est pas reconnu');
    expect(html).not.toContain(wrong);
  });

  it('asks for a token when the field is empty', async () => {
    const response = await post('/connexion', { token: '   ' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Collez votre jeton');
  });

  it('refuses a sign-in posted from another site, or with no origin at all', async () => {
    const other = await post('/connexion', { token: FACILITATOR_TOKEN }, { origin: 'https://evil.example' });
    expect(other.status).toBe(403);
    expect(other.headers.get('set-cookie')).toBeNull();
    expect(await other.text()).toContain('depuis la page de connexion de Pollen');
    expect((await post('/connexion', { token: FACILITATOR_TOKEN }, {})).status).toBe(403);
  });

  it('signs out only with the session\'s form token, then the cookie no longer opens the dashboard', async () => {
    const { cookie } = await signIn();
    const page = await (await get('', { cookie })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
    expect(csrf).toBeTruthy();

    expect((await post('/deconnexion', { csrf: 'forged' }, { origin, cookie })).status).toBe(403);
    expect((await post('/deconnexion', { csrf: csrf ?? '' }, { origin: 'https://evil.example', cookie })).status).toBe(403);
    expect((await get('', { cookie })).status).toBe(200);

    const out = await post('/deconnexion', { csrf: csrf ?? '' }, { origin, cookie });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/dashboard/connexion');
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    // Replaying the signed-out cookie: the sign-in form says why, instead of coming back silently.
    const replay = await get('', { cookie });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toBe('/dashboard/connexion?session=expiree');
    const form = await (await get('/connexion?session=expiree')).text();
    expect(form).toContain('<p class="error" role="alert" id="erreur-connexion">Votre session a expiré, reconnectez-vous.</p>');
  });

  it('answers an unknown address with a French 404 page, and a wrong method with 405 and Allow', async () => {
    const missing = await fetch(`${origin}/introuvable`, { headers: { accept: 'text/html' } });
    expect(missing.status).toBe(404);
    const html = await missing.text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('<title>Page introuvable — Pollen</title>');
    expect(html).not.toContain('Cannot GET');
    const api = await fetch(`${origin}/introuvable`, { headers: { accept: 'application/json' } });
    expect(await api.json()).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
    const wrongMethod = await fetch(`${origin}/health`, { method: 'DELETE', headers: { accept: 'text/html' } });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD');
    expect(await wrongMethod.text()).toContain('<title>Méthode non autorisée — Pollen</title>');
  });

  it('rate-limits wrong tokens from one address (50 by default) with a French message, never the right token', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 51; i++) last = await post('/connexion', { token: `wrong-${i}` });
    expect(last?.status).toBe(429);
    expect(last?.headers.get('retry-after')).toBeTruthy();
    expect(await last?.text()).toContain('Trop de tentatives de connexion échouées');
    const { response } = await signIn();
    expect(response.status).toBe(303);
  });
});
