/**
 * The web layer's form rules, on a small page built with it as every concept's pages are:
 * post/redirect/get with the refused values and errors carried to the next page, CSRF bound to
 * the browser, same origin behind a proxy, per-address limits, the honeypot.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlashSeal } from '../../src/web/flash.js';
import { formState, PostForm, TextArea, TextField } from '../../src/web/forms.js';
import { MemoryFormLimits } from '../../src/web/limits.js';
import { Web } from '../../src/web/web.js';
import { FormBrowser } from '../support/form-browser.js';

let server: Server;
let origin: string;
const sent: string[] = [];

function app(web: Web, trustProxy: boolean) {
  const a = express();
  a.set('trust proxy', trustProxy);
  a.get('/essai', web.ready, async (req, res) => {
    const context = await web.context(req, res);
    const state = formState('essai', context.refused);
    web.send(res, 200, {
      title: 'Essai', context,
      children: (
        <PostForm action="/essai" token={context.formToken} honeypot>
          <TextField name="nom" label="Nom" state={state} required order={['nom', 'message']} />
          <TextArea name="message" label="Message" state={state} order={['nom', 'message']} />
          <button type="submit">Envoyer</button>
        </PostForm>
      ),
    });
  });
  a.post('/essai', web.ready, web.body, async (req, res) => {
    if (!web.checkPost(req, res)) return;
    const fields = web.fields(req);
    if (web.isRobot(fields)) return web.redirect(req, res, '/essai', { notice: 'Message envoyé.' });
    if (!fields.nom?.trim()) return web.refuse(req, res, '/essai', { form: 'essai', values: fields, errors: { nom: 'Indiquez votre nom.' } });
    if (!(await web.admit(req, res, { form: 'essai', perAddress: 3 }, { form: 'essai', to: '/essai', values: fields, field: 'nom' }))) return;
    sent.push(fields.nom);
    web.redirect(req, res, '/essai', { notice: 'Message envoyé.' });
  });
  return a;
}

beforeAll(async () => {
  const web = new Web({ limits: new MemoryFormLimits(), publicUrl: 'https://pollen.example.org/' });
  server = await new Promise((resolve) => {
    const s = app(web, true).listen(0, '127.0.0.1', () => resolve(s));
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

class Browser extends FormBrowser {
  constructor() {
    super(origin);
  }
}

const tokenIn = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('a form on the web layer', () => {
  it('refuses with a redirect, then shows the error next to its field, focused, with what was typed; a reload shows the form afresh', async () => {
    const b = new Browser();
    const token = tokenIn((await b.get('/essai')).html);
    const typed = 'Un message <script>alert(1)</script> [[Lien]] ~~~~ é'.repeat(40);
    const refused = await b.post('/essai', { csrf: token, nom: '  ', message: typed });
    expect(refused.status).toBe(303);
    expect(refused.headers.get('location')).toBe('/essai');
    const { html } = await b.get('/essai');
    expect(html).toContain('<p class="field-error" id="champ-nom-erreur">Erreur : Indiquez votre nom.</p>');
    expect(html).toMatch(/<input id="champ-nom"[^>]*aria-invalid="true"[^>]*aria-describedby="champ-nom-erreur"[^>]*autofocus/);
    // What was typed comes back, escaped (never as markup).
    expect(html).toContain('Un message &lt;script>alert(1)&lt;/script> [[Lien]] ~~~~ é');
    expect(html).not.toContain('<script>');
    // The flash was read once: a reload shows the form as new, nothing is sent again.
    const again = (await b.get('/essai')).html;
    expect(again).not.toContain('Erreur :');
    expect(sent).toEqual([]);
  });

  it('acts once and says so on the next page (post/redirect/get)', async () => {
    const b = new Browser();
    const token = tokenIn((await b.get('/essai')).html);
    const ok = await b.post('/essai', { csrf: token, nom: 'Inès', message: '' });
    expect(ok.status).toBe(303);
    expect((await b.get('/essai')).html).toContain('<p class="ok" role="status">Message envoyé.</p>');
    expect(sent).toEqual(['Inès']);
  });

  it('refuses a token from another browser, another site, or no token at all, and records nothing', async () => {
    const alice = new Browser();
    const mallory = new Browser();
    const aliceToken = tokenIn((await alice.get('/essai')).html);
    await mallory.get('/essai');
    const before = sent.length;
    expect((await mallory.post('/essai', { csrf: aliceToken, nom: 'X' })).status).toBe(403);
    expect((await alice.post('/essai', { csrf: aliceToken, nom: 'X' }, { origin: 'https://ailleurs.example' })).status).toBe(403);
    expect((await alice.post('/essai', { nom: 'X' })).status).toBe(403);
    expect(sent.length).toBe(before);
  });

  it('accepts the origin of POLLEN_PUBLIC_URL, and the forwarded host behind a trusted proxy', async () => {
    const b = new Browser();
    const token = tokenIn((await b.get('/essai')).html);
    expect((await b.post('/essai', { csrf: token, nom: 'Par le proxy public' }, { origin: 'https://pollen.example.org' })).status).toBe(303);
    expect((await b.post('/essai', { csrf: token, nom: 'Par le nom transmis' }, { origin: 'https://asso.example', 'x-forwarded-host': 'asso.example', 'x-forwarded-proto': 'https' })).status).toBe(303);
    expect((await b.post('/essai', { csrf: token, nom: 'Faux' }, { origin: 'https://asso.example' })).status).toBe(403);
  });

  it('says nothing to a robot that fills the hidden field, and records nothing', async () => {
    const b = new Browser();
    const token = tokenIn((await b.get('/essai')).html);
    const before = sent.length;
    expect((await b.post('/essai', { csrf: token, nom: 'Robot', site_web: 'http://spam.example' })).status).toBe(303);
    expect((await b.get('/essai')).html).toContain('Message envoyé.');
    expect(sent.length).toBe(before);
  });

  it('limits sends per address, with a French refusal next to the field and the text kept', async () => {
    const b = new Browser();
    const token = tokenIn((await b.get('/essai')).html);
    const fromAddress = { origin, 'x-forwarded-for': '203.0.113.9' };
    for (let i = 0; i < 3; i++) expect((await b.post('/essai', { csrf: token, nom: `Envoi ${i}` }, fromAddress)).status).toBe(303);
    const over = await b.post('/essai', { csrf: token, nom: 'Envoi de trop' }, fromAddress);
    expect(over.status).toBe(303);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    const { html } = await b.get('/essai');
    expect(html).toMatch(/Erreur : Trop d’envois de ce formulaire[^<]*réessayez dans (\d+ minutes?|une heure)/);
    expect(html).toContain('value="Envoi de trop"');
    expect(sent.filter((s) => s.startsWith('Envoi'))).toEqual(['Envoi 0', 'Envoi 1', 'Envoi 2']);
  });
});

describe('the sealed flash', () => {
  const seal = new FlashSeal(Buffer.alloc(32, 7));
  const header = (cookies: string[]) => cookies.map((c) => c.split(';')[0]).join('; ');

  it('opens what any process with the same key sealed, and nothing tampered with, too old or sealed with another key', () => {
    const cookies = seal.cookies({ notice: 'Bien reçu.' }, false, 1_000)!;
    expect(new FlashSeal(Buffer.alloc(32, 7)).open(header(cookies), 2_000)).toEqual({ notice: 'Bien reçu.', refused: undefined });
    expect(seal.open(header(cookies), 1_000 + 601_000)).toBeUndefined();
    expect(new FlashSeal(Buffer.alloc(32, 8)).open(header(cookies), 2_000)).toBeUndefined();
    const tampered = header(cookies).replace(/pollen_flash0=(.)/, (_m, c: string) => `pollen_flash0=${c === 'A' ? 'B' : 'A'}`);
    expect(seal.open(tampered, 2_000)).toBeUndefined();
  });

  it('carries a whole 8 KB form of text nobody can compress in at most three cookies under 4 KB', () => {
    const noise = Array.from({ length: 8000 }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 94))).join('');
    const cookies = seal.cookies({ refused: { form: 'f', values: { texte: noise }, errors: { texte: 'Trop long.' } } }, true, 5)!;
    expect(cookies).toHaveLength(3);
    for (const c of cookies) expect(c.length).toBeLessThan(4000);
    expect(seal.open(header(cookies), 10)?.refused?.values.texte).toBe(noise);
  });
});
