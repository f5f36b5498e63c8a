/**
 * Public pages bench: the runtime `npm start` builds (SQLite file store), 2,000 listed providers
 * with recommendations and 1,000 public sessions seeded through Pollen's own services, then each
 * page's median over sequential requests on one keep-alive connection, against the smallest
 * GraphQL request (`{ __typename }`) through the same gateway in the same run.
 *
 *   pages p50 / X ms, /agenda Y ms, /agenda/sessions/<id> Z ms, /annuaire W ms, /annuaire/<slug> V ms; worst ratio to { __typename } through the gateway R
 *   learner quiz submit p50 X ms; module page p50 Y ms; ratio to { __typename } R
 *   1000 learners submitting a quiz at once: N/1000 recorded, p99 X ms
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { buildRuntime, type Runtime } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { SESSION_COOKIE } from '../src/auth/cookie.js';
import { hashPassword } from '../src/auth/passwords.js';
import { allTerritories } from '../src/directory/territories.js';
import { SERVICES, type ServiceId } from '../src/directory/model.js';
import { createGateway } from '../src/server.js';
import { freePort, median } from './support.js';

export const PROVIDERS = 2000;
export const SESSIONS = 1000;
const LEARNERS = 1000;
const RUNS = 300;
const WARMUP = 30;

const yes = { answer: 'yes', comment: null };

export async function timed(runs: number, fn: () => Promise<void>): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return median(times);
}

/** 2,000 listed providers (two verified recommendations each) and 1,000 public sessions, through the services. */
export async function seedNational(runtime: Runtime): Promise<{ slug: string; sessionId: number }> {
  const directory = runtime.deps.directory!;
  const agenda = runtime.deps.agenda!;
  const staff = { role: 'facilitator' as const, learnerId: null, displayName: 'Banc d’essai' };
  const departements = allTerritories().filter((t) => t.kind === 'departement');
  const services = Object.keys(SERVICES) as ServiceId[];
  let slug = '';
  for (let i = 0; i < PROVIDERS; i++) {
    const dep = departements[i % departements.length]!;
    const p = await directory.declare(staff, {
      name: `Structure ${i} ${dep.name}`, kind: (['chatons', 'entreprise', 'association', 'autre'] as const)[i % 4],
      description: `Accompagnement numérique des associations, structure ${i}.`, services: [services[i % services.length]!, 'accompagnement'],
      territories: [dep.id], address: { street: null, postalCode: null, city: dep.name, lat: 43 + (i % 70) / 10, lon: -4 + (i % 110) / 10 },
      website: `https://structure-${i}.example.org`,
    }, `bench:${i}`);
    await directory.approveProvider(staff, p.slug);
    for (let k = 0; k < 2; k++) {
      const r = await directory.recommend({ role: 'anonymous', learnerId: null, displayName: null }, {
        providerSlug: p.slug, associationName: `Association ${i}-${k}`, verificationContact: `bureau@asso-${i}-${k}.example.net`, periodStart: '2025-03',
        work: 'Migration des outils.', tools: ['Nextcloud'], questionnaire: { delivered: yes, usersTrained: yes, documentationLeft: yes, supportAfter: yes, wouldRecommend: yes },
        quote: 'Très bon accompagnement.', quoteConsent: true,
      }, `bench:${i}:${k}`);
      await directory.verifyRecommendation(staff, r.id);
    }
    if (i === PROVIDERS / 2) slug = p.slug;
  }
  const modules = runtime.deps.curriculum;
  let sessionId = 0;
  for (let i = 0; i < SESSIONS; i++) {
    // Three a day (10:00, 14:00, 18:00, Paris time), from 67 days ago: never in a clock change's missing hour.
    const day = new Date(Date.now() + (Math.floor(i / 3) - 67) * 86_400_000).toISOString().slice(0, 10);
    const hour = [10, 14, 18][i % 3]!;
    const local = (h: number) => `${day}T${String(hour + h).padStart(2, '0')}:00`;
    // Spread over every département (by postal code), one in five online.
    const dep = departements[(i * 7) % departements.length]!.id;
    const postalCode = /^\d{2}$/.test(dep) ? `${dep}000` : /^\d{3}$/.test(dep) ? `${dep}00` : '20000';
    const online = i % 5 === 0;
    const { session } = await agenda.createSession({
      moduleSlug: modules[i % modules.length]!.slug, title: `Atelier ${i}`, description: 'Apportez un ordinateur portable.',
      startsAt: local(0), endsAt: local(2), address: online ? null : `${i} rue des Lilas, ${postalCode} Ville`, onlineUrl: online ? `https://visio.example.org/atelier-${i}` : null,
      latitude: online ? null : 45.76, longitude: online ? null : 4.83,
      facilitators: ['Camille Martin'], capacity: 20, isPublic: true,
    });
    if (i === 500) sessionId = session.id;
  }
  return { slug, sessionId };
}

export interface NationalGateway {
  runtime: Runtime;
  base: string;
  slug: string;
  sessionId: number;
  seedSeconds: number;
  /** A GET of `p` as a browser asks for a page, failing on anything but 200. */
  page(p: string): () => Promise<void>;
}

/**
 * The runtime `npm start` builds on a scratch SQLite file, seeded at national size
 * (seedNational), then `prepare(runtime)`, and its gateway on a loopback port for `run`.
 */
export async function withNationalGateway(prefix: string, run: (national: NationalGateway) => Promise<void>, prepare?: (runtime: Runtime) => Promise<void>): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), prefix));
  const config = loadConfig({
    WIKI_API_URL: `http://127.0.0.1:${await freePort()}/api.php`, WIKI_BOT_USER: 'Robot@bench', WIKI_BOT_PASSWORD: 'unused',
    POLLEN_STORE_PATH: path.join(work, 'pollen.sqlite'),
  });
  const runtime = await buildRuntime(config, pino({ level: 'silent' }));
  try {
    const seeded = performance.now();
    const { slug, sessionId } = await seedNational(runtime);
    const seedSeconds = (performance.now() - seeded) / 1000;
    await prepare?.(runtime);
    const { app, apollo } = await createGateway(runtime.deps, { web: { store: runtime.database } });
    const server = await new Promise<import('node:http').Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const page = (p: string) => async () => {
      const res = await fetch(`${base}${p}`, { headers: { accept: 'text/html' } });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${p} answered ${res.status}: ${body.slice(0, 200)}`);
    };
    try {
      await run({ runtime, base, slug, sessionId, seedSeconds, page });
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await apollo.stop();
    }
  } finally {
    await runtime.close();
    await rm(work, { recursive: true, force: true });
  }
}

export default async function pagesBench(): Promise<void> {
  await withNationalGateway('pollen-bench-pages-', async ({ runtime, base, slug, sessionId, seedSeconds, page }) => {
    const typename = async () => {
      const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      await res.text();
    };
    const baseline = await timed(RUNS, typename);
    const paths: Array<[string, string]> = [
      ['/', '/'], ['/agenda', '/agenda'], ['/agenda/sessions/<id>', `/agenda/sessions/${sessionId}`],
      ['/annuaire', '/annuaire'], ['/annuaire/<slug>', `/annuaire/${slug}`],
    ];
    const figures: Array<[string, number]> = [];
    for (const [label, p] of paths) figures.push([label, await timed(RUNS, page(p))]);
    const worst = Math.max(...figures.map(([, ms]) => ms / baseline));

    // The learner space: 1,000 learners with a session each (created through the store's own
    // services; the password is hashed once, not a thousand times).
    const passwordHash = await hashPassword('banc-d-essai-2026');
    const sessions: Array<{ id: string; cookie: string }> = [];
    for (let i = 0; i < LEARNERS; i++) {
      const username = `banc${i}`;
      await runtime.tracker.learners.addLocalLearner({ username, displayName: `Apprenant·e ${i}`, passwordHash });
      const issued = await runtime.deps.auth!.sessions.create({ role: 'learner', learnerId: `local-${username}`, displayName: `Apprenant·e ${i}` });
      sessions.push({ id: `local-${username}`, cookie: `${SESSION_COOKIE}=${issued.token}` });
    }
    const module = runtime.deps.curriculum[0]!;
    const right = module.quiz.map((q, i): [string, string] => [`q${i + 1}`, q.answers.join(',')]);
    /** Opens the module page as the learner and returns what its quiz form needs. */
    const openModule = async (cookie: string) => {
      const res = await fetch(`${base}/parcours/${module.slug}`, { headers: { accept: 'text/html', cookie } });
      const html = await res.text();
      if (res.status !== 200) throw new Error(`/parcours/${module.slug} answered ${res.status}`);
      return { csrf: /name="csrf" value="([^"]+)"/.exec(html)![1]!, envoi: /name="envoi" value="([^"]+)"/.exec(html)![1]! };
    };
    const submit = async (cookie: string, form: { csrf: string; envoi: string }) => {
      const res = await fetch(`${base}/parcours/${module.slug}/quiz`, {
        method: 'POST', redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, cookie },
        body: new URLSearchParams([['csrf', form.csrf], ['envoi', form.envoi], ...right]).toString(),
      });
      await res.text();
      if (res.status !== 303 || !/\/tentatives\/\d+$/.test(res.headers.get('location') ?? '')) throw new Error(`quiz answered ${res.status} ${res.headers.get('location')}`);
    };
    const modulePage = await timed(RUNS, async () => void (await openModule(sessions[0]!.cookie)));
    // Each timed submission is a new form (its own `envoi` key), by the next learner: a new attempt each time.
    const forms = await Promise.all(sessions.slice(0, WARMUP + RUNS).map(async (s) => ({ cookie: s.cookie, form: await openModule(s.cookie) })));
    let next = 0;
    const quizSubmit = await timed(RUNS, async () => {
      const { cookie, form } = forms[next++]!;
      await submit(cookie, form);
    });
    // Then all of them at once, each with a fresh form.
    const burst = await Promise.all(sessions.map(async (s, index) => ({ ...s, index, form: await openModule(s.cookie) })));
    const latencies: number[] = [];
    const refusals = new Map<string, number>();
    await Promise.all(burst.map(async ({ cookie, form }) => {
      const started = performance.now();
      try {
        await submit(cookie, form);
      } catch (err) {
        const reason = String((err as Error).message).slice(0, 120);
        refusals.set(reason, (refusals.get(reason) ?? 0) + 1);
      } finally {
        latencies.push(performance.now() - started);
      }
    }));
    for (const [reason, count] of refusals) console.log(`  (burst: ${count} answered ${reason})`);
    const recorded = (await runtime.deps.learnerSpace!.quizActivity(burst.map((b) => b.id)));
    // The learners of the timed submissions already had one attempt: each must now have one more.
    const counted = burst.filter((b) => (recorded.get(b.id)?.attempts ?? 0) === 1 + (b.index < WARMUP + RUNS ? 1 : 0)).length;
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)]!;
    console.log(`pages seeded ${PROVIDERS} providers (${PROVIDERS * 2} verified recommendations) and ${SESSIONS} sessions in ${seedSeconds.toFixed(0)} s; { __typename } p50 ${baseline.toFixed(2)} ms`);
    console.log(`pages p50 ${figures.map(([label, ms]) => `${label} ${ms.toFixed(2)} ms`).join(', ')}; worst ratio to { __typename } through the gateway ${worst.toFixed(2)}`);
    console.log(`learner quiz submit p50 ${quizSubmit.toFixed(2)} ms; module page p50 ${modulePage.toFixed(2)} ms; ratio to { __typename } ${(Math.max(quizSubmit, modulePage) / baseline).toFixed(2)}`);
    console.log(`${LEARNERS} learners submitting a quiz at once: ${counted}/${LEARNERS} recorded, p99 ${p99.toFixed(0)} ms`);
  });
}
