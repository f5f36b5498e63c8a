import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRuntime, type Runtime } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { ActionLog } from '../../src/dashboard/actions.js';
import { startGateway, type RunningGateway } from '../gateway/http.js';
import { startWiki, type LocalWiki } from '../support/wiki.js';

const TOKEN = 'facilitator-token-for-note-actions-0123456789';
let wiki: LocalWiki;
let runtime: Runtime;
let gateway: RunningGateway;
let actions: ActionLog;
let cookie = '';

beforeAll(async () => {
  wiki = await startWiki();
  const config = loadConfig({ WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword, POLLEN_STORE_PATH: ':memory:', POLLEN_FACILITATOR_TOKENS: TOKEN });
  runtime = await buildRuntime(config, pino({ level: 'silent' }));
  actions = await ActionLog.open(runtime.database);
  gateway = await startGateway(runtime.deps, { dashboard: { actions } });
  const signIn = await fetch(`${gateway.url}/dashboard/connexion`, {
    method: 'POST', redirect: 'manual', headers: { origin: gateway.url, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: TOKEN }),
  });
  cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
});
afterAll(async () => {
  await gateway?.close();
  runtime?.close();
  await wiki?.stop();
});

const page = async () => (await fetch(`${gateway.url}/dashboard`, { headers: { cookie } })).text();
const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${gateway.url}/dashboard${path}`, { method: 'POST', redirect: 'manual', headers: { origin: gateway.url, cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form) });

describe('acting on failed notes from the dashboard', () => {
  it('shows a failed note with its French reason and the retry, correct and discard buttons', async () => {
    // An empty note dropped in the watched folder (the gateway refuses one before queueing it; the
    // CLI and the folder watch keep it, failed, with its reason).
    const { entry: invalid } = await runtime.deps.notes!.queue.enqueue({ source: '---\ndate: 2026-03-01\n---\n', fileName: 'vide.md', origin: 'watch' });
    expect(invalid.state).toBe('failed');
    const html = await page();
    expect(html).toMatch(new RegExp(`action="/dashboard/notes/${invalid.id}/reessayer"`));
    expect(html).toContain(`href="/dashboard/notes/${invalid.id}/modifier"`);
    expect(html).toMatch(new RegExp(`action="/dashboard/notes/${invalid.id}/supprimer"`));
  });

  it('refuses an action without the session\'s form token or from another site, and changes nothing', async () => {
    const id = (await runtime.deps.notes!.queue.list({ states: ['failed'] })).entries[0]!.id;
    expect((await post(`/notes/${id}/supprimer`, { csrf: 'forged' })).status).toBe(403);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page())?.[1] ?? '';
    expect((await post(`/notes/${id}/supprimer`, { csrf }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await runtime.deps.notes!.queue.get(id))?.state).toBe('failed');
  });

  it('corrects and republishes a note: the corrected text is published, the stuck entry goes, the action is recorded', async () => {
    const id = (await runtime.deps.notes!.queue.list({ states: ['failed'] })).entries[0]!.id;
    const form = await (await fetch(`${gateway.url}/dashboard/notes/${id}/modifier`, { headers: { cookie } })).text();
    expect(form).toContain('<textarea id="source" name="source"');
    const csrf = /name="csrf" value="([^"]+)"/.exec(form)?.[1] ?? '';
    const done = await post(`/notes/${id}/modifier`, { csrf, source: '---\ntitle: Atelier corrigé\ndate: 2026-03-01\n---\nLa note, corrigée.\n' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/dashboard?note=publiee#notes');
    expect(await runtime.deps.notes!.queue.get(id)).toBeUndefined();
    expect((await runtime.deps.notes!.queue.list({ states: ['published'] })).entries.map((e) => e.pageTitle)).toContain('Comptes-rendus/2026-03-01 Atelier corrigé');
    expect((await actions.latest(1))[0]).toMatchObject({ actor: 'Animateur·rice', role: 'facilitator', action: 'note-resubmit', target: `note:${id}` });
  });

  it('retries and discards, each recorded; a discarded note leaves the queue and the wiki untouched', async () => {
    const { entry: bad } = await runtime.deps.notes!.queue.enqueue({ source: '---\ndate: 2026-03-02\n---\n', fileName: 'vide2.md', origin: 'watch' });
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page())?.[1] ?? '';
    expect((await post(`/notes/${bad.id}/reessayer`, { csrf })).headers.get('location')).toBe('/dashboard?note=reessayee#notes');
    await runtime.deps.notes!.publishPending();
    expect((await runtime.deps.notes!.queue.get(bad.id))?.state).toBe('failed');
    const discarded = await post(`/notes/${bad.id}/supprimer`, { csrf });
    expect(discarded.headers.get('location')).toBe('/dashboard?note=supprimee#notes');
    expect(await runtime.deps.notes!.queue.get(bad.id)).toBeUndefined();
    expect((await actions.latest(2)).map((a) => a.action)).toEqual(['note-discard', 'note-retry']);
    expect(await (await fetch(`${gateway.url}/dashboard?note=supprimee`, { headers: { cookie } })).text()).toContain('La note a été retirée de la file.');
  });
});
