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
