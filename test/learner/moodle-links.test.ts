/**
 * With Moodle configured, the learner pages send each module to Moodle's own activity, found in
 * the course's catalogue Pollen already reads (core_course_get_contents and the activities'
 * idnumbers, replayed from the recordings of a real Moodle 5.1): the quiz activity
 * (mod/quiz/view.php?id=<cmid>) when there is one, else the module's activity, else the course,
 * saying which; no local quiz form, and a quiz or « terminé » sent to Pollen records nothing.
 */
import nock from 'nock';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthService } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import type { CurriculumModule } from '../../src/curriculum/schema.js';
import { LearnerSpace } from '../../src/learner/service.js';
import { MoodleClient } from '../../src/moodle/index.js';
import type { MatchableActivity } from '../../src/progress/activity-match.js';
import { createProgressRuntime, type ProgressRuntime } from '../../src/progress/runtime.js';
import type { StoreDb } from '../../src/store/database.js';
import { startGateway, type RunningGateway } from '../gateway/http.js';
import { fixtureCurriculum, MOODLE_URL, SITE_TOKEN, syncRoutes } from '../progress/support.js';
import { replayMoodle, type MoodleReplay } from '../support/moodle.js';
import { openTestStore } from '../support/store.js';
import { Visitor } from './support.js';

const question = { question: 'Laquelle ?', choices: ['Une', 'Deux', 'Trois'], multiple: false, answers: [1], explanation: 'Parce que.' };
/** The recorded course's modules (quiz-final is Moodle's quiz cmid 8, diagnostic-devoir its assignment cmid 7), and one Moodle does not have. */
function curriculum(): CurriculumModule[] {
  const modules = fixtureCurriculum().map((m) => (m.slug === 'quiz-final' || m.slug === 'diagnostic-devoir' ? { ...m, quiz: [question, question, question] } : m));
  const absent = { ...modules[0]!, slug: 'absent', order: modules.length + 1, title: 'Module absent de Moodle', moodle: { idnumber: 'absent' }, wikiPage: 'Parcours/absent', file: '08-absent.md' };
  return [...modules, absent];
}

let store: StoreDb;
let runtime: ProgressRuntime;
let space: LearnerSpace;
let gateway: RunningGateway;
let moodle: MoodleReplay;

function spaceOver(activities: () => Promise<readonly MatchableActivity[]>, activityMap: ReadonlyMap<string, number> = new Map()): LearnerSpace {
  return new LearnerSpace({
    store, learners: runtime.tracker.learners, auth: space.auth, progress: runtime.progress, curriculum: space.curriculum, signup: 'open',
    moodle: { siteUrl: `${MOODLE_URL}/`, courseId: 2, activityMap, activities },
  });
}

beforeAll(async () => {
  moodle = replayMoodle(MOODLE_URL, syncRoutes());
  store = await openTestStore();
  const config = loadConfig({ MOODLE_URL, MOODLE_TOKEN: SITE_TOKEN, MOODLE_COURSE_ID: '2' });
  const modules = curriculum();
  runtime = createProgressRuntime({ config, store, curriculum: modules, moodle: new MoodleClient({ url: MOODLE_URL, token: SITE_TOKEN, retryDelayMs: 0 }) });
  const auth = createAuthService({ config, store, learners: runtime.tracker.learners, logger: pino({ level: 'silent' }) });
  space = new LearnerSpace({
    store, learners: runtime.tracker.learners, auth, progress: runtime.progress, curriculum: modules, signup: 'open',
    moodle: { siteUrl: MOODLE_URL, courseId: 2, activityMap: config.moodleActivityMap, activities: () => runtime.tracker.catalog!.activities() },
  });
  gateway = await startGateway({
    wiki: { apiUrl: 'http://wiki.test/api.php' } as never, wikiMode: 'fake', moodle: undefined, curriculum: modules, moodleActivityMap: new Map(), probes: [],
    auth, progress: runtime.progress, learnerSpace: space,
  }, { web: { store } });
});
afterAll(async () => {
  await gateway?.close();
  await store?.close();
  nock.cleanAll();
});

describe('the learner pages with Moodle', () => {
  it('sends a module to its Moodle quiz activity, and offers no quiz form of its own', async () => {
    const page = (await new Visitor(gateway.url).get('/parcours/quiz-final')).html;
    expect(page).toContain(`<a class="button" href="${MOODLE_URL}/mod/quiz/view.php?id=8" data-moodle-cmid="8">Répondre au quiz sur Moodle</a>`);
    expect(page).toContain('Votre avancement vient de Moodle');
    expect(page).not.toContain('action="/parcours/quiz-final/quiz"');
    expect(page).not.toMatch(/type="(radio|checkbox)"/);
    expect(moodle.unmatched).toEqual([]);
  });

  it('links the module’s own activity when Moodle has no quiz for it, and says so', async () => {
    const page = (await new Visitor(gateway.url).get('/parcours/diagnostic-devoir')).html;
    expect(page).toContain('Aucun quiz de ce module n’est connu dans le cours Moodle : ouvrez son activité pour le terminer.');
    expect(page).toContain(`href="${MOODLE_URL}/mod/assign/view.php?id=7" data-moodle-cmid="7">Ouvrir l’activité « Devoir : diagnostic de votre association » sur Moodle</a>`);
    const read = (await new Visitor(gateway.url).get('/parcours/bienvenue')).html;
    expect(read).toContain('Ce module se termine sur Moodle, dans son activité.');
    expect(read).toContain(`href="${MOODLE_URL}/mod/page/view.php?id=2"`);
  });

  it('links the course when no activity of the module is known', async () => {
    const page = (await new Visitor(gateway.url).get('/parcours/absent')).html;
    expect(page).toContain('Aucune activité de ce module n’est connue dans le cours Moodle pour le moment');
    expect(page).toContain(`<a class="button" href="${MOODLE_URL}/course/view.php?id=2">Ouvrir le cours sur Moodle</a>`);
  });

  it('lists each module’s Moodle quiz or activity on /parcours, from the cached catalogue (one read of the course)', async () => {
    const page = (await new Visitor(gateway.url).get('/parcours')).html;
    expect(page).toContain(`<a href="${MOODLE_URL}/mod/quiz/view.php?id=8" data-moodle-cmid="8">Quiz du module 7 sur Moodle</a>`);
    expect(page).toContain(`<a href="${MOODLE_URL}/mod/page/view.php?id=3" data-moodle-cmid="3">Activité du module 2 sur Moodle</a>`);
    expect([...page.matchAll(/data-moodle-cmid="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(page).toContain(`<a href="${MOODLE_URL}/course/view.php?id=2">Ouvrir le cours sur Moodle</a>`);
    expect(moodle.count('core_course_get_contents')).toBe(1);
  });

  it('records nothing when a quiz or « terminé » is sent to Pollen: completion comes from Moodle', async () => {
    const learner = new Visitor(gateway.url);
    const session = await space.auth.sessions.create({ role: 'learner', learnerId: 'moodle-3', displayName: 'Learner One' });
    learner.cookies.set('pollen_session', session.token);
    const token = await learner.token('/parcours/quiz-final');
    for (const action of ['/parcours/quiz-final/quiz', '/parcours/bienvenue/termine']) {
      const sent = await learner.post(action, { q1: '1', q2: '1', q3: '1', envoi: 'une-cle-d-envoi-assez-longue' }, { token });
      expect(sent.status).toBe(303);
      expect(sent.location).toMatch(/^\/parcours\/(quiz-final|bienvenue)#quiz$/);
    }
    expect(await space.rows.attempts('moodle-3')).toEqual([]);
    expect((await learner.get('/parcours/bienvenue')).html).toContain('Avec Moodle, les modules se terminent sur Moodle : rien n’a été enregistré ici.');
  });

  it('points sign-up and the forgotten password to Moodle’s own pages', async () => {
    const visitor = new Visitor(gateway.url);
    expect((await visitor.get('/inscription')).html).toContain(`<a href="${MOODLE_URL}/login/signup.php">créez votre compte sur Moodle</a>`);
    expect((await visitor.get('/connexion')).html).toContain(`${MOODLE_URL}/login/forgot_password.php`);
  });

  it('finds a quiz kept beside the tracked activity (`<idnumber>-quiz`), follows MOODLE_ACTIVITY_MAP, and links the course when Moodle cannot be read', async () => {
    const activity = (cmid: number, idnumber: string, modname: string): MatchableActivity => ({ cmid, idnumber, modname, completion: 1, name: idnumber });
    const sibling = spaceOver(async () => [activity(20, 'gouvernance', 'page'), activity(21, 'gouvernance-quiz', 'quiz'), activity(22, 'autre', 'quiz')]);
    const links = await sibling.moodleLinks();
    expect(links.get('gouvernance')).toEqual({ kind: 'quiz', cmid: 21, url: `${MOODLE_URL}/mod/quiz/view.php?id=21` });
    expect(links.get('bienvenue')).toEqual({ kind: 'course', url: `${MOODLE_URL}/course/view.php?id=2` });
    const mapped = spaceOver(async () => [activity(22, 'autre', 'quiz')], new Map([['bienvenue', 22]]));
    expect((await mapped.moodleLinks()).get('bienvenue')).toMatchObject({ kind: 'quiz', cmid: 22 });
    const down = spaceOver(async () => {
      throw new Error('Moodle injoignable');
    });
    expect(new Set([...(await down.moodleLinks()).values()].map((l) => l.url))).toEqual(new Set([`${MOODLE_URL}/course/view.php?id=2`]));
  });
});
