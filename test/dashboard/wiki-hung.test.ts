/**
 * A wiki that stops answering blanks the dashboard's recent-changes section after its timeout;
 * it must not make facilitators queue behind each other (dashboard pages are built one at a time
 * per process, src/dashboard/routes.tsx): each one's wait for the wiki starts at once.
 */
import express from 'express';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDashboardRouter } from '../../src/dashboard/routes.js';
import { Web } from '../../src/web/web.js';
import { FACILITATOR_TOKEN, fixtureCurriculum, startGateway, type TestGateway } from '../progress/support.js';
import { serveOnLoopback } from '../support/net.js';

let gw: TestGateway;
let served: Awaited<ReturnType<typeof serveOnLoopback>> | undefined;
let origin: string;
let wikiCalls = 0;

beforeAll(async () => {
  gw = await startGateway();
  // Asked, never answers: a wiki hung mid-request.
  const wiki = { apiUrl: 'http://wiki.invalid/api.php', recentChanges: () => { wikiCalls += 1; return new Promise<never>(() => {}); } };
  const app = express();
  app.use('/dashboard', createDashboardRouter({ auth: gw.runtime.auth, progress: gw.runtime.progress, curriculum: fixtureCurriculum(), wiki }, new Web({ auth: gw.runtime.auth }), { wikiTimeoutMs: 1500 }));
  served = await serveOnLoopback(app);
  origin = served.origin;
});
afterAll(async () => {
  await served?.close();
  await gw?.close();
});

it('asks the wiki for three facilitators at once, and answers each with the section blanked', async () => {
  const seenAtAnswer: number[] = [];
  const pages = await Promise.all([1, 2, 3].map(async () => {
    const response = await fetch(`${origin}/dashboard`, { headers: { authorization: `Bearer ${FACILITATOR_TOKEN}` } });
    seenAtAnswer.push(wikiCalls);
    return { status: response.status, html: await response.text() };
  }));
  // Every page was still waiting on the wiki when the first one was answered.
  expect(seenAtAnswer).toEqual([3, 3, 3]);
  for (const page of pages) {
    expect(page.status).toBe(200);
    expect(page.html).toContain('Le wiki ne répond pas pour le moment');
    expect(page.html).toContain('Progression de la cohorte');
  }
});

it('takes no wiki read for a visitor who is not signed in', async () => {
  const before = wikiCalls;
  const response = await fetch(`${origin}/dashboard`, { redirect: 'manual' });
  expect(response.status).toBe(303);
  expect(wikiCalls).toBe(before);
});
