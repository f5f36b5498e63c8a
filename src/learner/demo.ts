/**
 * POLLEN_DEMO=1: fictional learners with local accounts, modules done over the past weeks, and
 * quiz attempts (some failed before passing, some still failing), so « Mon parcours » and the
 * facilitators' views have something to show. Nothing when the demo learners are already there.
 */
import { randomBytes } from 'node:crypto';
import type { ProgressTracker } from '../progress/tracker.js';
import type { StoreDb } from '../store/database.js';
import { rightAnswer, scoreSheet, wrongAnswer } from './quiz.js';
import { LearnerSpaceStore } from './store.js';

const NAMES = ['Aïcha Benali', 'Bastien Leroy', 'Chloé Marchand', 'Damien Faure', 'Élodie Nguyen', 'Farid Mansouri', 'Gaëlle Robin', 'Hervé Colin', 'Inès Lambert', 'Jonas Meyer', 'Karima Diallo', 'Lucie Perrin'];
const DAY = 86_400_000;

/** A small deterministic generator: the same demo on every start. */
function sequence(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

export async function loadLearnerDemo(database: StoreDb, tracker: ProgressTracker, now = new Date()): Promise<string> {
  if (tracker.mode !== 'embedded') return 'Démo : les apprenant·es viennent de Moodle, aucun n’est créé.';
  if ((await tracker.learners.byId('local-demo-1')) !== undefined) return 'Démo : les apprenant·es fictif·ves sont déjà là.';
  const rows = new LearnerSpaceStore(database);
  const random = sequence(22);
  let attempts = 0;
  for (const [i, name] of NAMES.entries()) {
    const username = `demo-${i + 1}`;
    // A password nobody knows (random, hashed as a sign-in would fail): demo accounts are shown, not used.
    const learner = await tracker.learners.addLocalLearner({ username, displayName: name, passwordHash: `scrypt$32768$8$1$${randomBytes(16).toString('base64url')}$${randomBytes(32).toString('base64url')}` });
    const done = Math.floor(random() * (tracker.curriculum.length + 1) * (i % 4 === 3 ? 0.3 : 1));
    let day = 50 - Math.floor(random() * 10);
    for (const module of tracker.curriculum.slice(0, done + 1)) {
      day = Math.max(1, day - 1 - Math.floor(random() * 4));
      const passes = module !== tracker.curriculum[done];
      const fails = passes ? (random() < 0.3 ? 1 : 0) : (random() < 0.5 ? 1 + Math.floor(random() * 2) : 0);
      for (let f = 0; f <= fails; f++) {
        const last = f === fails;
        if (last && !passes) break;
        // A failed attempt gets only its first answer right (under 50 % with the 3 questions or more every module has).
        const answers = module.quiz.map((q, k) => (last || k === 0 ? rightAnswer(q) : wrongAnswer(q)));
        const score = scoreSheet(module, answers);
        const at = new Date(now.getTime() - day * DAY + f * 3_600_000);
        await rows.recordAttempt({ learnerId: learner.id, slug: module.slug, submissionKey: `demo-${randomBytes(12).toString('base64url')}`, ...score, answers, at });
        attempts++;
        if (score.passed) await tracker.selfCompletions.set(learner.id, module.slug, true, at);
        if (score.passed) break;
      }
    }
    await tracker.refreshLearner(learner.id);
  }
  return `Démo : ${NAMES.length} apprenant·es fictif·ves, ${attempts} tentatives de quiz.`;
}
