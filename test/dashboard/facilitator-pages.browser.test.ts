/**
 * Issue 28 items 1 and 9, issue 29 item 2, in headless Chromium: every facilitator page on the
 * web layer (the dashboard, a learner, the agenda and a session, the directory's moderation)
 * has no axe-core violation and needs no sideways swipe at 1366×768 and 390×844; the charts
 * keep legible text on a phone and on a wide screen; the learner's history tells apart two
 * snapshots of the same day; the moderation and agenda pages sign out without JavaScript.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addLearner } from '../../bots/progress-sync.js';
import { createAgenda } from '../../src/agenda/index.js';
import { createAuthService } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import type { GatewayDeps } from '../../src/graphql/context.js';
import { createProgressRuntime } from '../../src/progress/runtime.js';
import { createGateway } from '../../src/server.js';
import { openPollenStore } from '../../src/store-schema.js';
import type { StoreDb } from '../../src/store/database.js';
import { ANON, declaration, directoryOn, FACILITATOR, learner, recommendation } from '../directory/fixtures.js';
import { launchChromium } from '../support/browser.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const CURRICULUM_DIR = fileURLToPath(new URL('../../course-modules', import.meta.url));
const TOKEN = 'facilitator-pages-browser-token-0123456789';
const VIEWPORTS = { bureau: { width: 1366, height: 768 }, telephone: { width: 390, height: 844 } } as const;
const HOUR = 3_600_000;

const emptyWiki: GatewayDeps['wiki'] = {
  apiUrl: 'http://wiki.test/api.php',
  getPages: async (titles) => new Map(titles.map((t) => [t, { title: t, exists: false }])),
  searchPages: async () => [],
  categoryMembers: async () => [],
  recentChanges: async () => [],
  siteInfo: async () => ({ generator: 'MediaWiki (fake)' }),
  request: async () => ({}),
};

let store: StoreDb;
let browser: Browser;
let base = '';
let sessionId = 0;
/** Snapshots of local-zoe (a sync and each module marked done take one). */
let snapshots = 0;
let stop: () => Promise<void>;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const config = loadConfig({ POLLEN_FACILITATOR_TOKENS: TOKEN });
  store = await openPollenStore({ kind: 'sqlite', path: ':memory:' });
  const curriculum = await loadCurriculum(CURRICULUM_DIR);
  let clock = new Date('2026-03-02T08:00:00Z');
  const now = () => clock;
  const runtime = createProgressRuntime({ config, store, curriculum, moodle: undefined, logger: pino({ level: 'silent' }), now });
  for (const [username, name] of [['zoe', 'Zoé Lefèvre'], ['malo', 'Malo Guérin'], ['ines', 'Inès Roy-Delacroix de la Montagne']] as const) {
    await addLearner(store, { username, displayName: name, password: `${username}-password-1` }, now);
  }
  // Fifteen snapshots, five a day: the history's labels must still tell them apart.
  for (let i = 0; i < 15; i++) {
    clock = new Date(Date.parse('2026-03-02T08:00:00Z') + Math.floor(i / 5) * 24 * HOUR + (i % 5) * 2 * HOUR);
    const at = clock.getTime();
    clock = new Date(at - HOUR / 2);
    if (i < curriculum.length) await runtime.progress.markModuleDone('local-zoe', curriculum[i]!.slug, true);
    clock = new Date(at);
    await runtime.progress.sync();
  }
  snapshots = (await runtime.progress.learnerHistory('local-zoe')).length;
  const agenda = await createAgenda(store, { modules: curriculum, now });
  sessionId = (await agenda.createSession({ title: 'Atelier messagerie libre', startsAt: '2026-03-12T14:00', endsAt: '2026-03-12T17:00', address: 'Maison des associations, 12 rue de la République, Lyon', facilitators: ['Camille Martin'], capacity: 10 })).session.id;
  await agenda.registerVisitor(sessionId, { name: 'Nadia Benali', email: 'nadia.benali@exemple.org' });
  const directory = await directoryOn(store, { rateLimit: { max: 100, windowMinutes: 60 } });
  const provider = await directory.declare(learner('local-malo'), declaration('Libre Association Numérique du Rhône'), '203.0.113.5');
  await directory.declare(learner('local-ines'), declaration('Hébergeurs Solidaires', { website: 'https://hebergeurs-solidaires.example.org' }), '203.0.113.5');
  await directory.approveProvider(FACILITATOR, provider.slug);
  await directory.recommend(ANON, recommendation(provider.slug), '203.0.113.6');
  const deps: GatewayDeps = {
    wiki: emptyWiki, wikiMode: 'fake', moodle: undefined, curriculum, moodleActivityMap: new Map(), probes: [],
    auth: createAuthService({ config, store, learners: runtime.tracker.learners, now }), progress: runtime.progress, agenda, directory,
  };
  const { app, apollo } = await createGateway(deps);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stop = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await apollo.stop();
  };
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stop?.();
  await store?.close();
});

/** A facilitator signed in through the form (a cookie session: every page has its sign-out button). */
async function signedIn(viewport: { width: number; height: number }, javaScriptEnabled = true): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'fr-FR', timezoneId: 'Europe/Paris', bypassCSP: true, javaScriptEnabled });
  const page = await context.newPage();
  await page.goto(`${base}/dashboard/connexion`);
  await page.fill('#jeton', TOKEN);
  await Promise.all([page.waitForURL(`${base}/dashboard`), page.click('main button[type=submit]')]);
  return page;
}

async function check(page: Page, name: string): Promise<void> {
  expect(await page.getAttribute('html', 'lang'), name).toBe('fr');
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }> } }).axe.run();
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  expect(violations, name).toEqual([]);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${name}: horizontal scrolling`).toBeLessThanOrEqual(page.viewportSize()!.width);
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

/** The size each visible SVG text of `selector` is drawn at, in CSS pixels (font size × the SVG's scale). */
function renderedTextSizes(page: Page, selector: string): Promise<number[]> {
  return page.evaluate((sel) => {
    const sizes: number[] = [];
    for (const scope of document.querySelectorAll(sel)) {
      for (const svg of scope.querySelectorAll('svg')) {
        const box = svg.getBoundingClientRect();
        const viewBox = (svg as SVGSVGElement).viewBox.baseVal;
        if (box.width === 0 || !viewBox || viewBox.width === 0) continue;
        for (const text of svg.querySelectorAll('text')) sizes.push(parseFloat(getComputedStyle(text).fontSize) * (box.width / viewBox.width));
      }
    }
    return sizes;
  }, selector);
}

describe.each(Object.entries(VIEWPORTS))('the facilitators’ pages, %s', (label, viewport) => {
  it('dashboard, learner, agenda, session and moderation: French, 0 axe violations, no sideways swipe', { timeout: 240_000 }, async () => {
    const page = await signedIn(viewport);
    for (const [path, name] of [
      ['/dashboard', 'tableau-de-bord'], ['/dashboard/apprenant/local-zoe', 'apprenant'], ['/dashboard/agenda', 'agenda'],
      [`/dashboard/agenda/sessions/${sessionId}`, 'agenda-session'], ['/dashboard/annuaire', 'moderation'],
    ] as const) {
      await page.goto(`${base}${path}`);
      if (process.env.DEBUG_WIDE) console.log(name, await page.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8).map((e) => `${e.tagName}.${e.className}#${e.id} ${Math.round(e.getBoundingClientRect().right)}`).join(' | ')));
      expect(await page.locator('header form button', { hasText: 'Se déconnecter' }).count(), `${name}: sign-out button`).toBe(1);
      await check(page, `pages-animation-${name}-${label}`);
    }
    await page.context().close();
  });

  it('draws every chart text at a legible size (the phone had 5 px labels, the history 41 px ones)', { timeout: 120_000 }, async () => {
    const page = await signedIn(viewport);
    await page.goto(`${base}/dashboard`);
    const dashboard = await renderedTextSizes(page, '#progression, #achevement');
    expect(dashboard.length).toBeGreaterThan(0);
    expect(Math.min(...dashboard), 'smallest chart text on the dashboard').toBeGreaterThanOrEqual(11);
    expect(Math.max(...dashboard), 'largest chart text on the dashboard').toBeLessThanOrEqual(20);
    await page.goto(`${base}/dashboard/apprenant/local-zoe`);
    const history = page.locator('#graphique-historique');
    const box = (await history.boundingBox())!;
    expect(snapshots).toBeGreaterThanOrEqual(15);
    expect(box.height / snapshots, 'height of a snapshot in the history chart').toBeLessThanOrEqual(30);
    const sizes = await renderedTextSizes(page, 'section:has(#graphique-historique)');
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(11);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(16);
    await page.context().close();
  });
});

describe('the learner’s history', () => {
  it('labels each snapshot differently, with the time when a day has several', async () => {
    const page = await signedIn(VIEWPORTS.bureau);
    await page.goto(`${base}/dashboard/apprenant/local-zoe`);
    const labels = await page.locator('#graphique-historique > g > text:first-of-type').allTextContents();
    expect(labels).toHaveLength(snapshots);
    expect(new Set(labels).size).toBe(snapshots);
    expect(labels[0]).toMatch(/2 mars.*\d{2}:\d{2}/);
    const rows = await page.locator('#table-historique tbody th').allTextContents();
    expect(new Set(rows).size).toBe(snapshots);
    await page.context().close();
  });
});

describe('without JavaScript', () => {
  it.each(['/dashboard/annuaire', '/dashboard/agenda'])('signs out from %s with its button, back to the sign-in form', { timeout: 60_000 }, async (path) => {
    const page = await signedIn(VIEWPORTS.telephone, false);
    await page.goto(`${base}${path}`);
    await Promise.all([page.waitForURL(`${base}/dashboard/connexion`), page.click('header form button')]);
    expect(await page.textContent('main')).toContain('Vous êtes déconnecté·e.');
    await page.goto(`${base}${path}`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/connexion');
    await page.context().close();
  });
});
