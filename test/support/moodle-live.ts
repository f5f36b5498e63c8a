/**
 * Specs against the run's live Moodle (test/support/moodle-setup.ts starts it once per run):
 *
 *   describeLive('contract', (live) => { it('...', async () => { const site = live(); ... }) });
 *
 * Each spec file makes its own course and learners with Moodle's data generator (generateCourse),
 * so files never see each other's data. Without the Moodle archive the block is one skipped test
 * titled NOT RUN (and the set-up printed why); under CI=true the set-up refused to start.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, inject, it } from 'vitest';
import { runSitePhp, type MoodleSite } from '../../scripts/moodle/site.js';
import { requestLoginToken } from '../../src/moodle/index.js';

/** How long a live spec waits for the run's Moodle: its first install on a busy fresh machine. */
const PROVISION_WAIT_MS = 20 * 60_000;

/** The run's Moodle once moodle-setup.ts has written it (it is built while other specs run). */
async function provisionedSite(status: string): Promise<MoodleSite> {
  const deadline = Date.now() + PROVISION_WAIT_MS;
  for (;;) {
    const text = await readFile(status, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      const found = JSON.parse(text) as { site: MoodleSite } | { error: string };
      if ('error' in found) throw new Error(found.error);
      return found.site;
    }
    if (Date.now() > deadline) throw new Error(`the live Moodle was not ready after ${PROVISION_WAIT_MS / 60_000} minutes (${status})`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export function describeLive(title: string, body: (site: () => MoodleSite) => void): void {
  const live = inject('liveMoodle');
  if ('notRun' in live) {
    describe(`${title} [live Moodle]`, () => {
      it.skip(`NOT RUN: ${live.notRun}`, () => {});
    });
    return;
  }
  // A live Moodle on a busy 2-core machine: restores and page views take seconds, not milliseconds.
  describe(`${title} [live Moodle]`, { timeout: 180_000 }, () => {
    let site: MoodleSite | undefined;
    // Before the body's own hooks: they use the site.
    beforeAll(async () => {
      site = await provisionedSite(live.pending);
    }, PROVISION_WAIT_MS + 60_000);
    body(() => {
      if (!site) throw new Error('the live Moodle is not provisioned');
      return site;
    });
  });
}

export interface GeneratedModule {
  modname: string;
  name: string;
  section?: number;
  idnumber?: string;
  /** 0 none, 1 manual, 2 automatic. */
  completion?: number;
  completionview?: number;
  [field: string]: unknown;
}

export interface GeneratedUser {
  username: string;
  password: string;
  firstname: string;
  lastname: string;
  email?: string;
}

export interface GeneratedCourse {
  courseId: number;
  /** cmid by idnumber (or name when there is none). */
  cmids: Record<string, number>;
  /** Instance id (e.g. the page's id) by idnumber. */
  instances: Record<string, number>;
  /** Moodle user id by username. */
  users: Record<string, number>;
}

/** A course, activities and enrolled learners made by Moodle's own data generator (scripts/moodle/generate.php). */
export async function generateCourse(
  site: MoodleSite,
  spec: { course?: { fullname: string; shortname: string }; sections?: string[]; modules?: GeneratedModule[]; users?: GeneratedUser[]; courseId?: number; completionCriteria?: 'all' },
): Promise<GeneratedCourse> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pollen-moodle-spec-'));
  const file = path.join(dir, 'spec.json');
  try {
    await writeFile(file, JSON.stringify(spec));
    const out = await runSitePhp(site, 'generate.php', [file]);
    return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as GeneratedCourse;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A short unique suffix, for usernames and shortnames. */
export function unique(): string {
  return randomBytes(4).toString('hex');
}

/** A learner's token from /login/token.php (the mobile service), as Pollen's login gets it. */
export async function learnerToken(site: MoodleSite, username: string, password: string): Promise<string> {
  return (await requestLoginToken(site.url, username, password)).token;
}

/** Runs one of scripts/moodle/*.php with a JSON spec file; returns its last line, parsed. */
async function runWithSpec<T>(site: MoodleSite, script: string, spec: unknown): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pollen-moodle-spec-'));
  const file = path.join(dir, 'spec.json');
  try {
    await writeFile(file, JSON.stringify(spec));
    const out = await runSitePhp(site, script, [file]);
    return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as T;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A course changed as a teacher would (scripts/moodle/alter.php): activities deleted or added, enrolments suspended. */
export function alterCourse(
  site: MoodleSite,
  spec: { courseId: number; deleteCmids?: number[]; addModules?: GeneratedModule[]; suspend?: string[] },
): Promise<Pick<GeneratedCourse, 'cmids' | 'instances'>> {
  return runWithSpec(site, 'alter.php', spec);
}

/** A learner's finished attempt at a quiz (scripts/moodle/quiz-attempt.php): every answer right, or none given. */
export async function quizAttempt(site: MoodleSite, quizCmid: number, username: string, outcome: 'pass' | 'fail'): Promise<{ grade: number | null }> {
  const out = await runSitePhp(site, 'quiz-attempt.php', [String(quizCmid), username, outcome]);
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { grade: number | null };
}
