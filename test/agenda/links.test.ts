/** Links the agenda hands out, on the gateway as `npm start` builds it (buildRuntime). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWiki, type LocalWiki } from '../support/wiki.js';
import { facilitator, startDirectoryGateway, type DirectoryGateway } from '../directory/support.js';

const CREATE = 'mutation ($input: SessionInput!) { createSession(input: $input) { session { id icsUrl } } }';
const input = { title: 'Atelier d’accueil', startsAt: '2027-03-12T14:00', endsAt: '2027-03-12T17:00', address: '3 place Bellecour, Lyon', facilitators: ['Camille Martin'], capacity: 5 };

describe('Session.icsUrl', { timeout: 120_000 }, () => {
  let wiki: LocalWiki;
  const gateways: DirectoryGateway[] = [];

  beforeAll(async () => {
    wiki = await startWiki();
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await wiki?.stop();
  });

  async function icsUrlWith(env: Record<string, string>) {
    const gw = await startDirectoryGateway(wiki, env);
    gateways.push(gw);
    const answer = await gw.gateway.query<{ createSession: { session: { id: number; icsUrl: string } } }>(CREATE, { input }, facilitator);
    expect(answer.errors).toBeUndefined();
    return { ...answer.data!.createSession.session, base: gw.gateway.url };
  }

  it('is absolute when POLLEN_PUBLIC_URL is set (the feed is there), a path from the root otherwise', async () => {
    const { id, icsUrl, base } = await icsUrlWith({ POLLEN_PUBLIC_URL: 'https://pollen.example.org/' });
    expect(icsUrl).toBe(`https://pollen.example.org/agenda/sessions/${id}.ics`);
    // The same path on this gateway serves the session's feed.
    const feed = await fetch(`${base}${new URL(icsUrl).pathname}`);
    expect(feed.status).toBe(200);
    expect(await feed.text()).toContain('BEGIN:VCALENDAR');
    // Without a public address it stays a path from the site's root.
    const local = await icsUrlWith({});
    expect(local.icsUrl).toBe(`/agenda/sessions/${local.id}.ics`);
  });
});
