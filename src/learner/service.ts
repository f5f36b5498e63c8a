/**
 * The learner space's rules, without HTTP: sign-up with a confirmation link, sign-in by e-mail
 * (embedded mode) or with the Moodle account, single-use password links, quizzes scored on the
 * server, « Mon parcours » and the learner's own data (download, erase).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { hashPassword } from '../auth/passwords.js';
import type { AuthService } from '../auth/service.js';
import type { IssuedSession } from '../auth/sessions.js';
import { hashToken } from '../auth/tokens.js';
import type { CurriculumModule } from '../curriculum/schema.js';
import { forgetLearnerProgress } from '../progress/forget.js';
import { mapModulesToCmids, SIBLING_SUFFIXES, type MatchableActivity } from '../progress/activity-match.js';
import type { LearnerStore } from '../progress/learners.js';
import type { LearnerProgress } from '../progress/model.js';
import type { ProgressService } from '../progress/service.js';
import type { StoreDb } from '../store/database.js';
import { alreadyRegisteredMail, confirmationMail, passwordLinkMail } from './mails.js';
import { readSheet, scoreSheet, type QuizAnswer } from './quiz.js';
import { LearnerSpaceStore, type QuizAttempt } from './store.js';

const SIGNUP_LINK_MS = 48 * 3_600_000;
const PASSWORD_LINK_MS = 3_600_000;
export const PASSWORD_MIN = 10;

/** Names: printable text, no line breaks (they go into mails). */
const name = z.string().trim().min(1, 'indiquez votre nom ou un pseudonyme.').max(100, '100 caractères au plus.')
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'enlevez les retours à la ligne et caractères invisibles.');
export const emailSchema = z.string().trim().toLowerCase().max(254, 'cette adresse est trop longue.')
  .regex(/^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/, 'indiquez une adresse e-mail comme prenom@exemple.org.');
export const passwordSchema = z.string().min(PASSWORD_MIN, `choisissez un mot de passe d’au moins ${PASSWORD_MIN} caractères.`).max(1024, '1 024 caractères au plus.');
export const signupSchema = z.object({ nom: name, email: emailSchema, mot_de_passe: passwordSchema });

export interface LearnerSpaceOptions {
  store: StoreDb;
  learners: LearnerStore;
  auth: AuthService;
  progress: ProgressService | undefined;
  curriculum: readonly CurriculumModule[];
  /** POLLEN_LEARNER_SIGNUP (embedded mode only: with Moodle, sign-up is Moodle's). */
  signup: 'open' | 'closed';
  /**
   * With Moodle: where its sign-up, quizzes and course are. `activities`: the course's activities
   * as the progress tracker's catalogue keeps them (core_course_get_contents, cached), to find
   * each module's quiz activity.
   */
  moodle?: { siteUrl: string; courseId: number; activityMap: ReadonlyMap<string, number>; activities?: (() => Promise<readonly MatchableActivity[]>) | undefined } | undefined;
  now?: () => Date;
}

/**
 * A module's place in Moodle: its quiz activity, else the activity that tracks it (no quiz is
 * known for it), else the course (no activity is known for it).
 */
export type MoodleLink =
  | { kind: 'quiz'; cmid: number; url: string }
  | { kind: 'activity'; cmid: number; url: string; name: string }
  | { kind: 'course'; url: string };

/** What a quiz submission gave: refused (blank answers) or an attempt (new or the one this form already made). */
export type QuizOutcome =
  | { kind: 'refused'; errors: Record<string, string> }
  | { kind: 'attempt'; attempt: QuizAttempt; created: boolean };

/** Per learner: quiz attempts and the modules whose last attempt failed (facilitators' read). */
export interface LearnerQuizActivity {
  attempts: number;
  passed: number;
  lastAttemptAt: string | null;
  /** Slugs, in curriculum order, whose latest attempt failed (the learner is stuck there). */
  failingModules: string[];
}

function newLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

export class LearnerSpace {
  readonly rows: LearnerSpaceStore;
  readonly curriculum: readonly CurriculumModule[];
  readonly #options: LearnerSpaceOptions;
  readonly #now: () => Date;

  constructor(options: LearnerSpaceOptions) {
    this.#options = options;
    this.rows = new LearnerSpaceStore(options.store);
    this.curriculum = options.curriculum;
    this.#now = options.now ?? (() => new Date());
  }

  get auth(): AuthService {
    return this.#options.auth;
  }

  get progress(): ProgressService | undefined {
    return this.#options.progress;
  }

  /** `embedded`: local accounts and completion in the store; `moodle`: both are Moodle's. */
  get mode(): 'embedded' | 'moodle' {
    return this.#options.moodle ? 'moodle' : 'embedded';
  }

  get signupOpen(): boolean {
    return this.mode === 'embedded' && this.#options.signup === 'open';
  }

  /** Moodle's own sign-up page (Moodle mode). */
  get moodleSignupUrl(): string | undefined {
    return this.#options.moodle && `${this.#options.moodle.siteUrl.replace(/\/+$/, '')}/login/signup.php`;
  }

  /** The Moodle course's page (Moodle mode). */
  get moodleCourseUrl(): string | undefined {
    const moodle = this.#options.moodle;
    return moodle && `${moodle.siteUrl.replace(/\/+$/, '')}/course/view.php?id=${moodle.courseId}`;
  }

  /**
   * Where each module is done in Moodle (Moodle mode; empty otherwise), from one read of the
   * course's activities: its quiz activity (`mod/quiz/view.php?id=<cmid>`: the module's tracked
   * activity when it is a quiz, else its `<idnumber>-quiz` sibling), else its tracked activity
   * whatever its type, else the course. When Moodle cannot be read, every module links the course.
   */
  async moodleLinks(): Promise<Map<string, MoodleLink>> {
    const moodle = this.#options.moodle;
    const links = new Map<string, MoodleLink>();
    if (!moodle) return links;
    const base = moodle.siteUrl.replace(/\/+$/, '');
    const course: MoodleLink = { kind: 'course', url: this.moodleCourseUrl! };
    let activities: readonly MatchableActivity[];
    try {
      activities = (await moodle.activities?.()) ?? [];
    } catch {
      for (const module of this.curriculum) links.set(module.slug, course);
      return links;
    }
    const tracked = mapModulesToCmids(this.curriculum, activities, moodle.activityMap);
    const byCmid = new Map(activities.map((a) => [a.cmid, a]));
    for (const module of this.curriculum) {
      const own = byCmid.get(tracked.get(module.slug) ?? -1);
      const idnumbers = new Set([module.moodle.idnumber, own?.idnumber].filter((i): i is string => Boolean(i)).flatMap((i) => [i, ...SIBLING_SUFFIXES.map((s) => `${i}-${s}`)]));
      const quiz = own?.modname === 'quiz' ? own : activities.find((a) => a.modname === 'quiz' && a.idnumber !== null && idnumbers.has(a.idnumber));
      if (quiz) links.set(module.slug, { kind: 'quiz', cmid: quiz.cmid, url: `${base}/mod/quiz/view.php?id=${quiz.cmid}` });
      else if (own) {
        const url = own.modname && /^[a-z0-9_]+$/.test(own.modname) ? `${base}/mod/${own.modname}/view.php?id=${own.cmid}` : `${base}/course/view.php?id=${moodle.courseId}#module-${own.cmid}`;
        links.set(module.slug, { kind: 'activity', cmid: own.cmid, url, name: own.name });
      } else links.set(module.slug, course);
    }
    return links;
  }

  /** Where one module is done in Moodle (see moodleLinks); undefined without Moodle. */
  async moodleLink(module: CurriculumModule): Promise<MoodleLink | undefined> {
    return (await this.moodleLinks()).get(module.slug);
  }

  module(slug: string): CurriculumModule | undefined {
    return this.curriculum.find((m) => m.slug === slug);
  }

  /**
   * Keeps a sign-up and mails its link; an address that already has an account gets a mail
   * saying so instead (the page says the same in both cases: nobody learns who has an account).
   */
  async signUp(input: z.infer<typeof signupSchema>, links: { confirm: (token: string) => string; signIn: string; reset: string }): Promise<void> {
    if (await this.rows.accountByEmail(input.email)) {
      await this.rows.queueMail(alreadyRegisteredMail(input.email, links.signIn, links.reset));
      return;
    }
    const token = newLinkToken();
    const passwordHash = await hashPassword(input.mot_de_passe);
    await this.rows.addSignup(hashToken(token), { email: input.email, displayName: input.nom, passwordHash },
      new Date(this.#now().getTime() + SIGNUP_LINK_MS), confirmationMail(input.email, input.nom, links.confirm(token)));
  }

  /** The sign-up a confirmation link is for, while it is valid. */
  signupFor(token: string): Promise<{ email: string; displayName: string } | undefined> {
    return this.rows.signup(hashToken(token), this.#now());
  }

  /** Creates the account of a confirmation link (once); false when the link is used or expired. */
  async confirm(token: string): Promise<boolean> {
    const username = `a-${randomBytes(9).toString('base64url').replace(/[^a-zA-Z0-9]/g, 'x').toLowerCase()}`;
    const learnerId = `local-${username}`;
    const signup = await this.rows.takeSignup(hashToken(token), learnerId, this.#now());
    if (!signup) return false;
    try {
      await this.#options.learners.addLocalLearner({ username, displayName: signup.displayName, passwordHash: signup.passwordHash });
    } catch (error) {
      await this.rows.removeAccount(learnerId);
      throw error;
    }
    return true;
  }

  /**
   * Signs in: by e-mail and password (embedded mode; the account's username is looked up, an
   * unknown address goes through the same checks and limits), or the Moodle account.
   * @throws AuthError LOGIN_FAILED, LOGIN_RATE_LIMITED, LOGIN_UNAVAILABLE.
   */
  /** Signs in by e-mail (embedded) or Moodle identifier; `replacing`, the session the browser held, is ended. */
  async signIn(identifier: string, password: string, ip: string | undefined, replacing?: string): Promise<IssuedSession> {
    let username = identifier.trim();
    if (this.mode === 'embedded') {
      const account = await this.rows.accountByEmail(username.toLowerCase());
      const learner = account && (await this.#options.learners.byId(account.learnerId));
      if (learner) username = learner.username;
    }
    return this.#options.auth.loginLearner(username, password, { ip, replacing });
  }

  /** Mails a single-use password link when the address has an account (silently nothing otherwise). */
  async requestPasswordLink(email: string, link: (token: string) => string): Promise<void> {
    const account = await this.rows.accountByEmail(email);
    const learner = account && (await this.#options.learners.byId(account.learnerId));
    if (!account || !learner) return;
    const token = newLinkToken();
    await this.rows.addPasswordLink(hashToken(token), learner.id, new Date(this.#now().getTime() + PASSWORD_LINK_MS), passwordLinkMail(email, learner.displayName, link(token)));
  }

  async passwordLinkValid(token: string): Promise<boolean> {
    return (await this.rows.passwordLink(hashToken(token), this.#now())) !== undefined;
  }

  /** Sets a new password with a link (once), ending the learner's sessions; false when the link is used or expired. */
  async resetPassword(token: string, password: string): Promise<boolean> {
    const learnerId = await this.rows.usePasswordLink(hashToken(token), this.#now());
    const learner = learnerId && (await this.#options.learners.byId(learnerId));
    if (!learner) return false;
    await this.#options.learners.setPasswordHash(learner.username, await hashPassword(password));
    await this.#options.auth.sessions.deleteForLearner(learner.id);
    return true;
  }

  /**
   * Scores a quiz form and keeps the attempt; a passed first attempt of this form completes the
   * module (embedded mode). The same form sent again (its `envoi` key) is the same attempt, so
   * a double click or twenty sends at once make one attempt and at most one completion.
   */
  async submitQuiz(learnerId: string, module: CurriculumModule, fields: Readonly<Record<string, string>>): Promise<QuizOutcome> {
    const key = (fields.envoi ?? '').trim();
    const sheet = readSheet(module, fields);
    if (!/^[\w-]{16,64}$/.test(key)) return { kind: 'refused', errors: { q1: 'ce formulaire est incomplet : rechargez la page, puis répondez de nouveau.' } };
    if (Object.keys(sheet.errors).length > 0) return { kind: 'refused', errors: sheet.errors };
    const score = scoreSheet(module, sheet.answers);
    const { attempt, created } = await this.rows.recordAttempt({
      learnerId, slug: module.slug, submissionKey: key, score: score.score, total: score.total, passed: score.passed, answers: sheet.answers, at: this.#now(),
    });
    if (created && attempt.passed) await this.complete(learnerId, module.slug);
    return { kind: 'attempt', attempt, created };
  }

  /** Marks a module done in the embedded store (the completion the dashboard, syncs and snapshots read). */
  async complete(learnerId: string, slug: string): Promise<void> {
    if (this.mode !== 'embedded' || !this.#options.progress) return;
    const current = await this.#options.progress.learnerProgress(learnerId);
    if (current.modules.some((m) => m.slug === slug && m.state === 'done')) return;
    await this.#options.progress.markModuleDone(learnerId, slug, true);
  }

  /** The learner's progress as the dashboard reads it (latest snapshot). */
  async progressOf(learnerId: string): Promise<LearnerProgress | undefined> {
    return this.#options.progress?.learnerProgress(learnerId);
  }

  /** Everything Pollen keeps about the learner, for their download (RGPD article 20). */
  async dataOf(learnerId: string): Promise<LearnerData> {
    const learner = await this.#options.learners.byId(learnerId);
    const account = await this.rows.accountOf(learnerId);
    const progress = await this.progressOf(learnerId);
    const attempts = await this.rows.attempts(learnerId);
    const titles = new Map(this.curriculum.map((m) => [m.slug, m.title]));
    return {
      exportedAt: this.#now().toISOString(),
      account: { id: learnerId, name: learner?.displayName ?? null, email: account?.email ?? null, createdAt: account?.createdAt ?? learner?.firstSeenAt ?? null },
      progress: progress
        ? { percent: progress.percent, doneCount: progress.doneCount, moduleCount: progress.moduleCount, modules: progress.modules.map((m) => ({ slug: m.slug, title: titles.get(m.slug) ?? m.slug, state: m.state, completedAt: m.completedAt, via: m.via })) }
        : null,
      quizAttempts: attempts.map((a) => ({ id: a.id, module: a.slug, title: titles.get(a.slug) ?? a.slug, at: a.createdAt, score: a.score, total: a.total, passed: a.passed, answers: a.answers })),
    };
  }

  /**
   * Erases the account (RGPD article 17): attempts, links, address, progress and snapshots,
   * sessions. Published notes are untouched: their text was already redacted before publication.
   */
  async deleteAccount(learnerId: string): Promise<void> {
    await this.rows.forget(learnerId);
    await forgetLearnerProgress(this.#options.store, learnerId);
    await this.#options.auth.sessions.deleteForLearner(learnerId);
  }

  /**
   * For facilitators (the dashboard's learner pages): each learner's quiz attempts and the
   * modules whose last attempt failed. Learners without attempts are absent.
   */
  async quizActivity(learnerIds: readonly string[]): Promise<Map<string, LearnerQuizActivity>> {
    const order = new Map(this.curriculum.map((m, i) => [m.slug, i]));
    const result = new Map<string, LearnerQuizActivity>();
    for (const [learnerId, attempts] of await this.rows.attemptsOf(learnerIds)) {
      const last = new Map<string, QuizAttempt>();
      for (const a of attempts) last.set(a.slug, a);
      result.set(learnerId, {
        attempts: attempts.length,
        passed: attempts.filter((a) => a.passed).length,
        lastAttemptAt: attempts.at(-1)?.createdAt ?? null,
        failingModules: [...last.values()].filter((a) => !a.passed).map((a) => a.slug).sort((x, y) => (order.get(x) ?? 0) - (order.get(y) ?? 0)),
      });
    }
    return result;
  }
}

/** The learner's download. */
export interface LearnerData {
  exportedAt: string;
  account: { id: string; name: string | null; email: string | null; createdAt: string | null };
  progress: { percent: number; doneCount: number; moduleCount: number; modules: Array<{ slug: string; title: string; state: string; completedAt: string | null; via: string | null }> } | null;
  quizAttempts: Array<{ id: number; module: string; title: string; at: string; score: number; total: number; passed: boolean; answers: QuizAnswer[] }>;
}
