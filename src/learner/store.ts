/**
 * The learner space's rows: accounts' e-mail addresses, sign-ups waiting for their link, the
 * single-use password links (only their SHA-256 is kept), and quiz attempts.
 */
import type { Kysely } from 'kysely';
import { queueMails, type OutgoingMail } from '../mail/outbox.js';
import { chunks } from '../store/chunks.js';
import { tables, type StoreDb } from '../store/database.js';
import type { QuizAnswer } from './quiz.js';

interface LearnerTables {
  learner_accounts: { learner_id: string; email: string; created_at: string };
  learner_signups: { token_hash: string; email: string; display_name: string; password_hash: string; expires_at: string };
  learner_password_links: { token_hash: string; learner_id: string; expires_at: string; used_at: string | null };
  learner_quiz_attempts: {
    id: import('kysely').Generated<number>;
    learner_id: string;
    slug: string;
    submission_key: string;
    score: number;
    total: number;
    passed: number;
    answers: string;
    created_at: string;
  };
}

/** A sign-up waiting for its confirmation link. */
export interface PendingSignup {
  email: string;
  displayName: string;
  passwordHash: string;
}

/** One attempt at a module's quiz. */
export interface QuizAttempt {
  id: number;
  learnerId: string;
  slug: string;
  score: number;
  total: number;
  passed: boolean;
  /** What was answered to each question: the index chosen, the indexes ticked (multiple choice), or null. */
  answers: QuizAnswer[];
  createdAt: string;
}

type AttemptRow = Omit<LearnerTables['learner_quiz_attempts'], 'id'> & { id: number };

function toAttempt(row: Omit<AttemptRow, 'submission_key'>): QuizAttempt {
  return {
    id: Number(row.id), learnerId: row.learner_id, slug: row.slug, score: Number(row.score), total: Number(row.total),
    passed: Number(row.passed) === 1, answers: JSON.parse(row.answers) as QuizAnswer[], createdAt: row.created_at,
  };
}

const ATTEMPT_COLUMNS = ['id', 'learner_id', 'slug', 'score', 'total', 'passed', 'answers', 'created_at'] as const;

export class LearnerSpaceStore {
  readonly #db: Kysely<LearnerTables>;

  constructor(store: StoreDb) {
    this.#db = tables<LearnerTables>(store);
  }

  /** Keeps a sign-up until its link is followed, and queues its mail with it. */
  async addSignup(tokenHash: string, signup: PendingSignup, expiresAt: Date, mail: OutgoingMail): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx.insertInto('learner_signups').values({
        token_hash: tokenHash, email: signup.email, display_name: signup.displayName, password_hash: signup.passwordHash, expires_at: expiresAt.toISOString(),
      }).execute();
      await queueMails(trx, [mail]);
    });
  }

  /** The sign-up of a link, if it is still valid (not followed yet, not expired). */
  async signup(tokenHash: string, now: Date): Promise<PendingSignup | undefined> {
    const row = await this.#db.selectFrom('learner_signups').selectAll().where('token_hash', '=', tokenHash).where('expires_at', '>', now.toISOString()).executeTakeFirst();
    return row && { email: row.email, displayName: row.display_name, passwordHash: row.password_hash };
  }

  /**
   * Takes a sign-up (its link works once: of two confirmations at once, one gets it) and
   * records the account's address; undefined when the link was used, expired, or the address
   * already has an account.
   */
  async takeSignup(tokenHash: string, learnerId: string, now: Date): Promise<PendingSignup | undefined> {
    return this.#db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('learner_signups').selectAll().where('token_hash', '=', tokenHash).where('expires_at', '>', now.toISOString()).executeTakeFirst();
      if (!row) return undefined;
      const deleted = await trx.deleteFrom('learner_signups').where('token_hash', '=', tokenHash).executeTakeFirst();
      if (Number(deleted.numDeletedRows) !== 1) return undefined;
      const inserted = await trx.insertInto('learner_accounts').values({ learner_id: learnerId, email: row.email, created_at: now.toISOString() })
        .onConflict((oc) => oc.doNothing()).executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) return undefined;
      return { email: row.email, displayName: row.display_name, passwordHash: row.password_hash };
    });
  }

  /** Drops an account's address (the learner could not be created after all). */
  async removeAccount(learnerId: string): Promise<void> {
    await this.#db.deleteFrom('learner_accounts').where('learner_id', '=', learnerId).execute();
  }

  async accountByEmail(email: string): Promise<{ learnerId: string; email: string; createdAt: string } | undefined> {
    const row = await this.#db.selectFrom('learner_accounts').selectAll().where('email', '=', email).executeTakeFirst();
    return row && { learnerId: row.learner_id, email: row.email, createdAt: row.created_at };
  }

  async accountOf(learnerId: string): Promise<{ learnerId: string; email: string; createdAt: string } | undefined> {
    const row = await this.#db.selectFrom('learner_accounts').selectAll().where('learner_id', '=', learnerId).executeTakeFirst();
    return row && { learnerId: row.learner_id, email: row.email, createdAt: row.created_at };
  }

  /** Queues a mail alone (a sign-up for an address that already has an account). */
  async queueMail(mail: OutgoingMail): Promise<void> {
    await queueMails(this.#db, [mail]);
  }

  async addPasswordLink(tokenHash: string, learnerId: string, expiresAt: Date, mail: OutgoingMail): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx.insertInto('learner_password_links').values({ token_hash: tokenHash, learner_id: learnerId, expires_at: expiresAt.toISOString(), used_at: null }).execute();
      await queueMails(trx, [mail]);
    });
  }

  /** The learner of a password link not used yet and not expired. */
  async passwordLink(tokenHash: string, now: Date): Promise<string | undefined> {
    const row = await this.#db.selectFrom('learner_password_links').select('learner_id')
      .where('token_hash', '=', tokenHash).where('used_at', 'is', null).where('expires_at', '>', now.toISOString()).executeTakeFirst();
    return row?.learner_id;
  }

  /** Uses a password link once: the learner's id for the first caller only. */
  async usePasswordLink(tokenHash: string, now: Date): Promise<string | undefined> {
    const learnerId = await this.passwordLink(tokenHash, now);
    if (!learnerId) return undefined;
    const result = await this.#db.updateTable('learner_password_links').set({ used_at: now.toISOString() })
      .where('token_hash', '=', tokenHash).where('used_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? learnerId : undefined;
  }

  /**
   * Records an attempt unless this form was already sent (same learner, same submission key):
   * the attempt, and whether it is new.
   */
  async recordAttempt(input: { learnerId: string; slug: string; submissionKey: string; score: number; total: number; passed: boolean; answers: ReadonlyArray<QuizAnswer>; at: Date }): Promise<{ attempt: QuizAttempt; created: boolean }> {
    const inserted = await this.#db.insertInto('learner_quiz_attempts').values({
      learner_id: input.learnerId, slug: input.slug, submission_key: input.submissionKey, score: input.score, total: input.total,
      passed: input.passed ? 1 : 0, answers: JSON.stringify(input.answers), created_at: input.at.toISOString(),
    }).onConflict((oc) => oc.columns(['learner_id', 'submission_key']).doNothing()).executeTakeFirst();
    const row = await this.#db.selectFrom('learner_quiz_attempts').select(ATTEMPT_COLUMNS)
      .where('learner_id', '=', input.learnerId).where('submission_key', '=', input.submissionKey).executeTakeFirstOrThrow();
    return { attempt: toAttempt(row), created: Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1 };
  }

  async attempt(learnerId: string, id: number): Promise<QuizAttempt | undefined> {
    const row = await this.#db.selectFrom('learner_quiz_attempts').select(ATTEMPT_COLUMNS).where('learner_id', '=', learnerId).where('id', '=', id).executeTakeFirst();
    return row && toAttempt(row);
  }

  /** A learner's attempts, oldest first. */
  async attempts(learnerId: string): Promise<QuizAttempt[]> {
    const rows = await this.#db.selectFrom('learner_quiz_attempts').select(ATTEMPT_COLUMNS).where('learner_id', '=', learnerId).orderBy('id').execute();
    return rows.map(toAttempt);
  }

  /** The attempts of many learners, oldest first, by learner (facilitators' read). */
  async attemptsOf(learnerIds: readonly string[]): Promise<Map<string, QuizAttempt[]>> {
    const result = new Map<string, QuizAttempt[]>();
    for (const chunk of chunks(learnerIds, 500)) {
      const rows = await this.#db.selectFrom('learner_quiz_attempts').select(ATTEMPT_COLUMNS).where('learner_id', 'in', chunk).orderBy('id').execute();
      for (const row of rows) {
        const list = result.get(row.learner_id) ?? [];
        list.push(toAttempt(row));
        result.set(row.learner_id, list);
      }
    }
    return result;
  }

  /** Erases what the learner space keeps of a learner (account, links, attempts). */
  async forget(learnerId: string): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('learner_quiz_attempts').where('learner_id', '=', learnerId).execute();
      await trx.deleteFrom('learner_password_links').where('learner_id', '=', learnerId).execute();
      await trx.deleteFrom('learner_accounts').where('learner_id', '=', learnerId).execute();
    });
  }
}
