/**
 * The dashboard's form tokens across gateway processes over HTTP: a form rendered by replica A
 * is accepted by replica B (two connections to one store), and by a gateway started afterwards,
 * with no setting at all; a forged token is still refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { StoreDb } from '../../src/store/database.js';
import { describeEachStore } from '../support/postgres.js';
import { openSharedStores } from '../support/store.js';
import { FACILITATOR_TOKEN, startGateway, type TestGateway } from '../progress/support.js';

describeEachStore('dashboard forms across gateway replicas', (backend) => {
  let dir: string;
  let stores: StoreDb[];
  const gateways: TestGateway[] = [];

  async function gateway(store: StoreDb): Promise<{ gw: TestGateway; base: string; origin: string }> {
    const gw = await startGateway({ store, now: () => new Date('2026-03-01T09:00:00Z') });
    gateways.push(gw);
    const origin = new URL(gw.url).origin;
    return { gw, base: `${origin}/dashboard`, origin };
  }
  const post = (url: string, form: Record<string, string>, headers: Record<string, string>) =>
    fetch(url, { method: 'POST', body: new URLSearchParams(form), headers, redirect: 'manual' });

  /** Signs in on a replica; the session cookie and the sign-out form's token from its page. */
  async function signIn(replica: { base: string; origin: string }): Promise<{ cookie: string; csrf: string }> {
    const response = await post(`${replica.base}/connexion`, { token: FACILITATOR_TOKEN }, { origin: replica.origin });
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const page = await (await fetch(replica.base, { headers: { cookie }, redirect: 'manual' })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    expect(csrf).not.toBe('');
    return { cookie, csrf };
  }

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pollen-csrf-'));
    stores = await openSharedStores(backend, dir);
  });
  afterEach(async () => {
    for (const gw of gateways.splice(0)) await gw.close();
    for (const store of stores) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts on replica B the sign-out form rendered by replica A, and refuses a forged one', async () => {
    const a = await gateway(stores[0]!);
    const b = await gateway(stores[1]!);
    const { cookie, csrf } = await signIn(a);
    expect((await post(`${b.base}/deconnexion`, { csrf: `${csrf.slice(0, -2)}xx` }, { origin: b.origin, cookie })).status).toBe(403);
    const out = await post(`${b.base}/deconnexion`, { csrf }, { origin: b.origin, cookie });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/dashboard/connexion');
    expect((await fetch(a.base, { headers: { cookie }, redirect: 'manual' })).status).toBe(303);
  });

  it('accepts a form rendered before a restart', async () => {
    const before = await gateway(stores[0]!);
    const { cookie, csrf } = await signIn(before);
    await before.gw.close();
    gateways.splice(gateways.indexOf(before.gw), 1);
    const after = await gateway(stores[0]!);
    const out = await post(`${after.base}/deconnexion`, { csrf }, { origin: after.origin, cookie });
    expect(out.status).toBe(303);
  });
});
