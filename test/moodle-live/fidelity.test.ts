/**
 * Pollen's view of progress against Moodle's own, on the course `npm run curriculum:moodle` builds
 * (restored by Moodle's CLI), as a facilitator and an administrator meet it (issue 23): who is
 * counted, what a failed quiz shows, a course changed after the activity cache was filled, what
 * matches nothing, what markModuleDone writes, and how each wrong setting names itself.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'fflate';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runMoodleCli, type MoodleSite } from '../../scripts/moodle/site.js';
import { loadConfig } from '../../src/config/index.js';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import type { CurriculumModule } from '../../src/curriculum/schema.js';
import { assembleCohort, loadDashboard } from '../../src/dashboard/data.js';
import { dashboardBody } from '../../src/dashboard/sections.js';
import { cohortCsv } from '../../src/dashboard/export.js';
import type { GatewayDeps } from '../../src/graphql/context.js';
import type { WikiApi } from '../../src/graphql/datasources/wiki.js';
import { MoodleClient, type MoodleCourseSection } from '../../src/moodle/index.js';
import { checkMoodleSettings } from '../../src/moodle/check.js';
import { freePort } from '../../scripts/net.js';
import type { ProgressRuntime } from '../../src/progress/runtime.js';
import { createProgressRuntime } from '../../src/progress/runtime.js';
import { createGateway } from '../../src/server.js';
import type { StoreDb } from '../../src/store/database.js';
import { openPollenStore } from '../../src/store-schema.js';
import { alterCourse, describeLive, generateCourse, learnerToken, quizAttempt, unique } from '../support/moodle-live.js';

/** Text as the pages' JSX renderer writes it (`&` and `<` escaped). */
const asHtmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

const ROOT = path.resolve(import.meta.dirname, '../..');
const START = '2026-09-01';
const WIKI_PORT = '8123';

/** Runs a bot of bots/ with tsx; resolves with its exit code and everything it printed. */
function runBot(bot: string, args: string[], env: Record<string, string | undefined>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'bots', `${bot}.ts`), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, out }));
  });
}

async function restore(site: MoodleSite, file: string): Promise<number> {
  const out = await runMoodleCli(site, 'admin/cli/restore_backup.php', [`--file=${file}`, '--categoryid=1']);
  const id = /Restored course ID: (\d+)/.exec(out)?.[1];
  if (!id) throw new Error(`restore_backup.php did not restore: ${out.slice(-500)}`);
  return Number(id);
}

const emptyWiki: WikiApi = {
  apiUrl: 'http://wiki.test/api.php',
  getPages: async (titles) => new Map(titles.map((t) => [t, { title: t, exists: false }])),
  searchPages: async () => [],
  categoryMembers: async () => [],
  recentChanges: async () => [],
  siteInfo: async () => ({ generator: 'MediaWiki (fake)' }),
  request: async () => ({}),
};

/** The gateway over the live Moodle with the given token; closes itself after `use`. */
async function withGateway<T>(site: MoodleSite, courseId: number, token: string, curriculum: readonly CurriculumModule[], use: (url: string) => Promise<T>): Promise<T> {
  const api = new MoodleClient({ url: site.url, token, retryDelayMs: 0, maxRetries: 0 });
  const deps: GatewayDeps = { wiki: emptyWiki, wikiMode: 'fake', moodle: { api, courseId, siteUrl: site.url }, curriculum, moodleActivityMap: new Map(), probes: [] };
  const { app, apollo } = await createGateway(deps, {});
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  try {
    return await use(`http://127.0.0.1:${port}`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await apollo.stop();
  }
}

async function gql(url: string, query: string): Promise<{ data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

describeLive('Pollen’s progress equals Moodle’s own report', (live) => {
  let curriculum: CurriculumModule[];
  let dir: string;
  let mbz: string;
  let courseId: number;
  let admin: MoodleClient;
  let store: StoreDb;
  let runtime: ProgressRuntime;
  /** cmid by activity idnumber in the restored course. */
  let idnumbers: Map<string, number>;
  let sections: MoodleCourseSection[];
  const suffix = unique();
  const people = {
    ana: { username: `ana-${suffix}`, password: 'Learner-pass-1', firstname: 'Ana', lastname: 'Lopez' },
    bruno: { username: `bruno-${suffix}`, password: 'Learner-pass-2', firstname: 'Bruno', lastname: 'Morel' },
    chloe: { username: `chloe-${suffix}`, password: 'Learner-pass-3', firstname: 'Chloé', lastname: 'Petit' },
    dan: { username: `dan-${suffix}`, password: 'Learner-pass-4', firstname: 'Dan', lastname: 'Girard' },
  };
  let users: Record<string, number>;
  const moduleAt = (order: number) => curriculum.find((m) => m.order === order)!;
  const pageOf = (slug: string) => sections.flatMap((s) => s.modules).find((m) => m.id === idnumbers.get(`${slug}-page`))!;
  const asLearner = async (who: keyof typeof people) =>
    new MoodleClient({ url: live().url, token: await learnerToken(live(), people[who].username, people[who].password), retryDelayMs: 0 });
  const statesOf = async (who: keyof typeof people) =>
    Object.fromEntries((await runtime.progress.learnerProgress(`moodle-${users[people[who].username]}`)).modules.map((m) => [m.slug, m.state]));

  beforeAll(async () => {
    curriculum = (await loadCurriculum('course-modules')).sort((a, b) => a.order - b.order);
    dir = await mkdtemp(path.join(tmpdir(), 'pollen-fidelity-'));
    mbz = path.join(dir, 'pollen.mbz');
    // Built by the command an administrator runs, with the local wiki on another port and no WIKI_API_URL.
    // And without --start (checked in 7.), for today: both at once.
    const [built, today] = await Promise.all([
      runBot('curriculum-moodle', ['--out', mbz, '--start', START, '--shortname', `fidelite-${suffix}`], { POLLEN_WIKI_PORT: WIKI_PORT, WIKI_API_URL: '' }),
      runBot('curriculum-moodle', ['--out', path.join(dir, 'today.mbz')], {}),
    ]);
    expect(built.code, built.out).toBe(0);
    expect(today.code, today.out).toBe(0);
    courseId = await restore(live(), mbz);
    ({ users } = await generateCourse(live(), { courseId, users: Object.values(people) }));
    admin = new MoodleClient({ url: live().url, token: live().adminToken, retryDelayMs: 0 });
    idnumbers = await admin.getActivityIdnumbers(courseId);
    sections = await admin.getCourseContents(courseId);
    store = await openPollenStore({ kind: 'sqlite', path: ':memory:' });
    const config = loadConfig({ MOODLE_URL: live().url, MOODLE_TOKEN: live().adminToken, MOODLE_COURSE_ID: String(courseId) });
    runtime = createProgressRuntime({ config, store, curriculum, moodle: admin });
  }, 600_000);
  afterAll(async () => {
    await store?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('7. curriculum:moodle: the parcours presentation in section 0, the course starting on --start, wiki links on POLLEN_WIKI_PORT', async () => {
    const [course] = await admin.getCourses([courseId]);
    expect(course?.startdate).toBe(Date.parse(`${START}T00:00:00Z`) / 1000);
    const zero = sections[0]!;
    expect(zero.summary).toContain('<h1>Pollen : accompagner les associations vers le logiciel libre</h1>');
    expect(zero.summary).toContain(`Module 1 : ${moduleAt(1).title}`);
    expect(zero.summary).toContain(`Module 17 : ${moduleAt(17).title}`);
    expect(zero.summary).toContain('Le module est validé quand son quiz est réussi.');
    const links = sections.flatMap((s) => s.modules).filter((m) => m.modname === 'url');
    expect(links).toHaveLength(curriculum.length);
    for (const link of links) expect(link.contents?.[0]?.fileurl, link.name).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${WIKI_PORT}/index\\.php/`));
    // And without --start, today (UTC) is the start date.
    const today = path.join(dir, 'today.mbz');
    const tar = new TextDecoder().decode(gunzipSync(new Uint8Array(await readFile(today))));
    const now = new Date();
    expect(tar).toContain(`<startdate>${Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) / 1000}</startdate>`);
  });

  it('3. a module is done when its quiz is passed, which opens once its page is viewed; a failed quiz is « Échoué » in the grid, the export and Moodle', async () => {
    const [one, two, three] = [moduleAt(1), moduleAt(2), moduleAt(3)];
    const quizOne = idnumbers.get(one.slug)!;
    expect(sections.flatMap((s) => s.modules).find((m) => m.id === quizOne)).toMatchObject({ modname: 'quiz', completion: 2 });
    const ana = await asLearner('ana');
    const quizFor = async (client: MoodleClient) => (await client.getCourseContents(courseId)).flatMap((s) => s.modules).find((m) => m.id === quizOne)!;
    expect((await quizFor(ana)).uservisible).toBe(false);
    await ana.viewPage(pageOf(one.slug).instance);
    expect((await quizFor(ana)).uservisible).toBe(true);
    expect((await quizAttempt(live(), quizOne, people.ana.username, 'pass')).grade).toBe(10);
    await ana.viewPage(pageOf(two.slug).instance);
    const bruno = await asLearner('bruno');
    await bruno.viewPage(pageOf(three.slug).instance);
    expect((await quizAttempt(live(), idnumbers.get(three.slug)!, people.bruno.username, 'fail')).grade).toBe(0);

    // Moodle's own report: complete-pass for Ana's quiz, complete-fail for Bruno's.
    const stateIn = async (user: string, cmid: number) =>
      (await admin.getActivitiesCompletion(courseId, users[user]!)).statuses.find((s) => s.cmid === cmid)?.state;
    expect(await stateIn(people.ana.username, quizOne)).toBe(2);
    expect(await stateIn(people.bruno.username, idnumbers.get(three.slug)!)).toBe(3);

    const report = await runtime.tracker.sync();
    expect(report.warnings).toEqual([]);
    const anaStates = await statesOf('ana');
    expect(anaStates[one.slug]).toBe('done');
    expect(anaStates[two.slug]).toBe('not_started'); // page viewed, quiz not passed
    expect(Object.values(anaStates).filter((s) => s === 'done')).toHaveLength(1);
    expect((await statesOf('bruno'))[three.slug]).toBe('failed');

    const grid = assembleCohort(await runtime.progress.cohortSummary(), curriculum);
    const csv = cohortCsv(grid);
    const brunoLine = csv.split('\r\n').find((line) => line.includes(people.bruno.username))!;
    expect(brunoLine.split(';')[6 + 2]).toBe('Échoué');
    expect(brunoLine.split(';')[6 + 0]).toBe('Non commencé');
    // The dashboard's grid: the cell says « Échoué » (glyph and screen-reader text).
    const html = dashboardBody(await loadDashboard({ cohort: () => runtime.progress.cohortSummary(), curriculum }));
    const rowStart = html.indexOf(`<tr data-learner="moodle-${users[people.bruno.username]}"`);
    const brunoRow = html.slice(rowStart, html.indexOf('</tr>', rowStart));
    expect(brunoRow.match(/<td data-state="[a-z_]+">/g)?.[2]).toBe('<td data-state="failed">');
    expect(brunoRow).toContain('<span class="sr">Échoué</span>');
  });

  it('2. a suspended enrolment leaves the cohort, as in Moodle’s report, and is listed apart', async () => {
    const before = await runtime.tracker.sync();
    expect(before.learners).toBe(4);
    await alterCourse(live(), { courseId, suspend: [people.chloe.username] });
    const after = await runtime.tracker.sync();
    expect(after.learners).toBe(3);
    const cohort = await runtime.progress.cohortSummary();
    expect(cohort.learners.map((l) => l.learner.username)).not.toContain(people.chloe.username);
    expect(cohort.stalled.map((l) => l.learner.username)).not.toContain(people.chloe.username);
    expect(await runtime.progress.suspendedLearners()).toEqual([{ moodleUserId: users[people.chloe.username], username: people.chloe.username, displayName: 'Chloé Petit' }]);
  });

  it('9. markModuleDone ticks the module’s wiki link in Moodle (its only manual activity)', async () => {
    const module = moduleAt(1);
    const dan = await asLearner('dan');
    const token = await learnerToken(live(), people.dan.username, people.dan.password);
    await runtime.progress.markModuleDone(`moodle-${users[people.dan.username]}`, module.slug, true, token);
    const statuses = (await dan.getActivitiesCompletion(courseId, users[people.dan.username]!)).statuses;
    expect(statuses.filter((s) => s.state > 0).map((s) => s.cmid)).toEqual([idnumbers.get(`${module.slug}-wiki`)]);
    await runtime.progress.markModuleDone(`moodle-${users[people.dan.username]}`, module.slug, false, token);
    expect((await dan.getActivitiesCompletion(courseId, users[people.dan.username]!)).statuses.filter((s) => s.state > 0)).toEqual([]);
  });

  it('1 and 4. after the course changes, the same sync reads it again; what matches nothing is listed in the report and in GraphQL', async () => {
    const seventeen = moduleAt(17);
    const sixteen = moduleAt(16);
    // The cache is fresh (24 h): a sync now reads no activity from Moodle.
    expect((await runtime.tracker.sync()).catalogRefreshed).toBe(false);
    const added = await alterCourse(live(), {
      courseId,
      deleteCmids: [idnumbers.get(seventeen.slug)!, idnumbers.get(sixteen.slug)!],
      addModules: [
        { modname: 'page', name: 'Prise en main, nouvelle version', section: 3, idnumber: seventeen.slug, completion: 2, completionview: 1 },
        { modname: 'page', name: 'Atelier en plus', section: 3, idnumber: 'atelier-en-plus', completion: 1 },
      ],
    });
    const ana = await asLearner('ana');
    await ana.viewPage(added.instances[seventeen.slug]!);

    const report = await runtime.tracker.sync();
    expect(report.catalogRefreshed).toBe(true);
    expect((await statesOf('ana'))[seventeen.slug]).toBe('done');
    expect(report.unmatchedActivities).toEqual([{ cmid: added.cmids['atelier-en-plus'], idnumber: 'atelier-en-plus', name: 'Atelier en plus' }]);
    expect(report.modulesWithoutActivity).toEqual([sixteen.slug]);

    await withGateway(live(), courseId, live().adminToken, curriculum, async (url) => {
      const answer = await gql(url, `{ course { unmatchedActivities { id idnumber name } modulesWithoutActivity { slug } } module(slug: "${seventeen.slug}") { moodleActivity { id } } }`);
      expect(answer.errors).toBeUndefined();
      expect(answer.data.course).toEqual({
        unmatchedActivities: [{ id: added.cmids['atelier-en-plus'], idnumber: 'atelier-en-plus', name: 'Atelier en plus' }],
        modulesWithoutActivity: [{ slug: sixteen.slug }],
      });
      expect(answer.data.module.moodleActivity.id).toBe(added.cmids[seventeen.slug]);
    });
    // And on the dashboard, from the catalog the sync stored (no Moodle call).
    const html = dashboardBody(await loadDashboard({ cohort: () => runtime.progress.cohortSummary(), curriculum, moodleMatch: () => runtime.progress.activityMatch() }));
    expect(html).toContain('<h2 id="titre-correspondance">Correspondance avec Moodle</h2>');
    expect(html).toContain('<li>« Atelier en plus » (idnumber atelier-en-plus)</li>');
    expect(html).toContain(`<li>Module 16 : ${asHtmlText(sixteen.title)}</li>`);
  });

  it('4. a course where nothing matches (imported from the cartridge, no idnumbers) warns once, in French, with what to do', async () => {
    const bare = await generateCourse(live(), {
      course: { fullname: `Importé ${suffix}`, shortname: `importe-${suffix}` },
      sections: ['Les communs'],
      modules: [
        { modname: 'page', name: 'Le logiciel libre', section: 1, completion: 2, completionview: 1 },
        { modname: 'page', name: 'Les données ouvertes', section: 1, completion: 2, completionview: 1 },
      ],
      users: [{ username: `eve-${suffix}`, password: 'Learner-pass-5', firstname: 'Ève', lastname: 'Roux' }],
    });
    const bareStore = await openPollenStore({ kind: 'sqlite', path: ':memory:' });
    try {
      const config = loadConfig({ MOODLE_URL: live().url, MOODLE_TOKEN: live().adminToken, MOODLE_COURSE_ID: String(bare.courseId) });
      const report = await createProgressRuntime({ config, store: bareStore, curriculum, moodle: admin }).tracker.sync();
      expect(report.warnings).toHaveLength(1);
      expect(report.warnings[0]).toMatch(/^Aucune activité du cours Moodle \d+ \(MOODLE_COURSE_ID\) ne correspond à un module du parcours/);
      expect(report.warnings[0]).toContain('npm run curriculum:moodle');
      expect(report.modulesWithoutActivity).toHaveLength(curriculum.length);
    } finally {
      await bareStore.close();
    }
  });

  it('5. a wrong setting names itself in French on every path: progress:sync, GraphQL, /health', async () => {
    const env = { MOODLE_URL: live().url, MOODLE_TOKEN: live().adminToken, MOODLE_COURSE_ID: '999', POLLEN_STORE_PATH: ':memory:', WIKI_API_URL: '' };
    const badToken = 'not-the-token-0123456789';
    const [wrongCourse, wrongToken] = await Promise.all([
      runBot('progress-sync', ['--no-wiki'], env),
      runBot('progress-sync', ['--no-wiki'], { ...env, MOODLE_COURSE_ID: String(courseId), MOODLE_TOKEN: badToken }),
    ]);
    expect(wrongCourse.code).toBe(1);
    expect(wrongCourse.out).toContain('progress:sync a échoué : MOODLE_COURSE_ID=999 : aucun cours de ce numéro dans Moodle');
    expect(wrongCourse.out).not.toContain('find data record');

    expect(wrongToken.code).toBe(1);
    expect(wrongToken.out).toContain('progress:sync a échoué : MOODLE_TOKEN : Moodle refuse ce jeton (code invalidtoken)');
    expect(wrongToken.out).not.toContain(badToken);

    // At the gateway's start (src/app.ts logs these): token, course, and an address that is not Moodle or answers nothing.
    const client = (url: string, token: string) => new MoodleClient({ url, token, retryDelayMs: 0, maxRetries: 0 });
    expect((await checkMoodleSettings(client(live().url, badToken), courseId)).problems).toEqual([expect.stringMatching(/^MOODLE_TOKEN : Moodle refuse ce jeton \(code invalidtoken\)/)]);
    expect((await checkMoodleSettings(client(live().url, live().adminToken), 999)).problems).toEqual([expect.stringMatching(/^MOODLE_COURSE_ID=999 : /)]);
    expect((await checkMoodleSettings(client(`${live().url}/pas-moodle`, live().adminToken), courseId)).problems).toEqual([
      expect.stringMatching(/^MOODLE_URL : http:\/\/127\.0\.0\.1:\d+\/pas-moodle ne répond pas comme un Moodle \(code httperror, HTTP 404\)/),
    ]);
    const closed = await checkMoodleSettings(client(`http://127.0.0.1:${await freePort()}`, live().adminToken), courseId);
    expect(closed).toEqual({ unreachable: true, problems: [expect.stringMatching(/^MOODLE_URL : Moodle ne répond pas à http:\/\/127\.0\.0\.1:\d+ \(code networkerror\)/)] });

    await withGateway(live(), courseId, badToken, curriculum, async (url) => {
      const answer = await gql(url, '{ course { id } }');
      expect(answer.errors?.[0]?.message).toMatch(/^Moodle a refusé la demande de Pollen : MOODLE_TOKEN : Moodle refuse ce jeton \(code invalidtoken\)\. Vérifiez MOODLE_TOKEN/);
      expect(JSON.stringify(answer)).not.toContain(badToken);
      const health = (await (await fetch(`${url}/health`)).json()) as { upstreams: Array<{ name: string; error: string; detail: string }> };
      const moodle = health.upstreams.find((u) => u.name === 'moodle')!;
      expect(moodle.error).toBe('invalidtoken');
      expect(moodle.detail).toMatch(/^MOODLE_TOKEN : Moodle refuse ce jeton/);
      expect(JSON.stringify(health)).not.toContain(badToken);
    });
    await withGateway(live(), 999, live().adminToken, curriculum, async (url) => {
      const health = (await (await fetch(`${url}/health`)).json()) as { upstreams: Array<{ name: string; detail: string }> };
      expect(health.upstreams.find((u) => u.name === 'moodle')!.detail).toMatch(/^MOODLE_COURSE_ID=999 : /);
      expect((await gql(url, '{ course { id } }')).errors?.[0]?.message).toMatch(/^Moodle a refusé la demande de Pollen : MOODLE_COURSE_ID=999 : aucun cours/);
    });
  });
});
