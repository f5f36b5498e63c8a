import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/net.js';
import { startRuntimeGateway } from '../gateway/http.js';

let running: Awaited<ReturnType<typeof startRuntimeGateway>>;

beforeAll(async () => {
  // The runtime `npm start` builds (store, auth, agenda, directory), over a wiki address where nothing answers.
  running = await startRuntimeGateway(`http://127.0.0.1:${await freePort()}/api.php`, { botUser: 'Robot@pollen', botPassword: 'x' });
});
afterAll(async () => {
  await running?.close();
});

describe('the home page', () => {
  it('is a French page for people, with the parcours, the agenda, the directory and sign-in, no explorer', async () => {
    const res = await fetch(`${running.gateway.url}/`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>\n<html lang="fr">/);
    expect(html).not.toContain('GraphiQL');
    expect(html).toContain('17 modules');
    expect(html).toContain('href="/parcours/');
    expect(html).toContain('Aucun atelier n’est prévu pour le moment.');
    expect(html).toContain('href="/annuaire"');
    expect(html).toContain('href="/connexion"');
    expect(html).toContain('<a class="skip" href="#contenu">');
    // Styles come from Pollen itself, at addresses that change with the rules: kept a year.
    expect(res.headers.get('content-security-policy')).toMatch(/style-src 'self';/);
    expect(html).not.toContain('<style');
    const sheets = [...html.matchAll(/<link rel="stylesheet" href="(\/styles\/[0-9a-f]{16}\.css)"/g)].map((m) => m[1]!);
    expect(sheets.length).toBeGreaterThan(0);
    for (const sheet of sheets) {
      const css = await fetch(`${running.gateway.url}${sheet}`);
      expect(css.status).toBe(200);
      expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
      expect(css.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(await css.text()).toContain('{');
    }
    expect((await fetch(`${running.gateway.url}/styles/0000000000000000.css`)).status).toBe(404);
    // A visitor gets the cookie its forms' tokens are bound to.
    expect(res.headers.get('set-cookie')).toMatch(/pollen_form=[\w-]+; Path=\/; HttpOnly; SameSite=Lax/);
  });

  it('leaves the explorer at /graphql (browsers) and /explorer', async () => {
    for (const path of ['/graphql', '/explorer']) {
      const html = await (await fetch(`${running.gateway.url}${path}`, { headers: { accept: 'text/html' } })).text();
      expect(html).toContain('explorateur GraphQL');
    }
  });

  it('answers an unknown address with a French 404 page on the same layer', async () => {
    const res = await fetch(`${running.gateway.url}/nulle-part`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('<h1>Page introuvable</h1>');
    expect(html).toContain('href="/agenda"');
  });

  it('answers a wrong method on a public page 405 with Allow, in French', async () => {
    for (const [path, allow] of [['/agenda', 'GET, HEAD'], ['/annuaire/declarer', 'GET, HEAD, POST'], ['/inscription', 'GET, HEAD, POST']]) {
      const res = await fetch(`${running.gateway.url}${path}`, { method: 'DELETE', headers: { accept: 'text/html' } });
      expect(res.status, path).toBe(405);
      expect(res.headers.get('allow')).toBe(allow);
      expect(await res.text()).toContain('<h1>Méthode non autorisée</h1>');
    }
  });

  it('refuses a sign-out posted from another site, and says so in French', async () => {
    const res = await fetch(`${running.gateway.url}/deconnexion`, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://ailleurs.example', cookie: 'pollen_session=abc', accept: 'text/html' },
      body: 'csrf=x',
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Ce formulaire n’a pas pu être vérifié');
  });
});
