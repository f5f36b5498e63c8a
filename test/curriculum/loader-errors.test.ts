import { cp, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CurriculumError, loadCurriculum } from '../../src/curriculum/loader.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/curriculum/valid');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pollen-curriculum-'));
  await cp(FIXTURES, dir, { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function edit(file: string, change: (source: string) => string): Promise<void> {
  const target = path.join(dir, file);
  const before = await readFile(target, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`the edit of ${file} changed nothing: fix the test`);
  await writeFile(target, after);
}

async function loadError(): Promise<CurriculumError> {
  const err = await loadCurriculum(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CurriculumError);
  return err as CurriculumError;
}

describe('loading a broken curriculum', () => {
  it('loads the valid fixtures', async () => {
    const modules = await loadCurriculum(dir);
    expect(modules.map((m) => m.slug)).toEqual(['logiciel-libre', 'donnees-ouvertes', 'atelier-reseaux']);
  });

  it('names the file and the objectives field when a module has a single objective', async () => {
    await edit('01-logiciel-libre.md', (s) => s.replace(/  - Distinguer logiciel libre.*\n/, ''));
    const err = await loadError();
    expect(err.file).toBe('01-logiciel-libre.md');
    expect(err.problems).toContain('objectives: at least 2 learning objectives');
  });

  it('names the question and the answer field when the answer index points past the choices', async () => {
    await edit('02-donnees-ouvertes.md', (s) => s.replace('    answer: 0\n    explanation: L\'ODbL', '    answer: 5\n    explanation: L\'ODbL'));
    const err = await loadError();
    expect(err.file).toBe('02-donnees-ouvertes.md');
    expect(err.problems).toContain('quiz.1.answer: answer must be the index of one of the choices');
  });

  it('reads a multiple-choice question (answers) beside single-choice ones (answer), its right choices sorted', async () => {
    const modules = await loadCurriculum(dir);
    const reseaux = modules.find((m) => m.slug === 'atelier-reseaux')!;
    expect(reseaux.quiz.map((q) => [q.multiple, q.answers])).toEqual([[false, [0]], [false, [0]], [true, [0, 2]]]);
  });

  it.each([
    ['a right choice past the choices', 'answers: [2, 0]', 'answers: [0, 3]', 'quiz.2.answers.1: each of answers must be the index of one of the choices'],
    ['a right choice listed twice', 'answers: [2, 0]', 'answers: [2, 2]', 'quiz.2.answers.1: choice 2 is listed twice in answers'],
    ['no right choice', 'answers: [2, 0]', 'answers: []', 'quiz.2.answers: at least one right answer'],
    ['every choice right', 'answers: [2, 0]', 'answers: [0, 1, 2]', 'quiz.2.answers: at least one choice must be wrong (else ticking every box is right)'],
    ['both answer and answers', 'answers: [2, 0]', 'answer: 0\n    answers: [2, 0]', 'quiz.2.answer: give either "answer" (the index of the one right choice) or "answers" (the indexes of every right choice), not both'],
    ['neither answer nor answers', '    answers: [2, 0]\n', '', 'quiz.2.answer: give either "answer" (the index of the one right choice) or "answers" (the indexes of every right choice), not both'],
    ['two identical choices', '["Mastodon", "WhatsApp", "PeerTube"]', '["Mastodon", "WhatsApp", "Mastodon"]', 'quiz.2.choices.2: each choice must differ from the others'],
  ])('refuses a multiple-choice question with %s, naming the field', async (_case, from, to, problem) => {
    await edit('03-atelier-reseaux.md', (s) => s.replace(from, to));
    const err = await loadError();
    expect(err.file).toBe('03-atelier-reseaux.md');
    expect(err.problems).toContain(problem);
  });

  it('says the slug must match the file name', async () => {
    await edit('03-atelier-reseaux.md', (s) => s.replace('slug: atelier-reseaux', 'slug: atelier-fediverse'));
    const err = await loadError();
    expect(err.file).toBe('03-atelier-reseaux.md');
    expect(err.problems).toEqual(['slug: "atelier-fediverse" must match the file name ("atelier-reseaux")']);
  });

  it('asks for a contribute activity when a module has none', async () => {
    await edit('03-atelier-reseaux.md', (s) => s.replace('  - type: contribute', '  - type: do'));
    const err = await loadError();
    expect(err.file).toBe('03-atelier-reseaux.md');
    expect(err.problems).toContain('activities: at least one activity of type "contribute"');
  });

  it('rejects a prerequisite that is not an earlier module', async () => {
    await edit('02-donnees-ouvertes.md', (s) => s.replace('prerequisites: [logiciel-libre]', 'prerequisites: [atelier-reseaux]'));
    const err = await loadError();
    expect(err.problems).toEqual(['02-donnees-ouvertes.md: prerequisites: "atelier-reseaux" is not an earlier module']);
  });

  it('asks for at least 3 quiz questions', async () => {
    await edit('01-logiciel-libre.md', (s) => s.replace(/  - question: Quelle liberté[\s\S]*?code source\.\n/, ''));
    const err = await loadError();
    expect(err.problems).toContain('quiz: at least 3 quiz questions');
  });

  it('reports a gap in the order prefixes', async () => {
    await rename(path.join(dir, '03-atelier-reseaux.md'), path.join(dir, '04-atelier-reseaux.md'));
    const err = await loadError();
    expect(err.problems).toEqual(['04-atelier-reseaux.md: order prefix 4 should be 3 (no gaps, no duplicates)']);
  });
});
