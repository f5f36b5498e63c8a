/**
 * The gateway writes the cartridge at start in a worker thread (src/curriculum/imscc/write-apart.ts)
 * so the builder's memory is not kept by the serving process. Over the compiled dist/ (the
 * worker needs compiled JavaScript; test/support/global-setup.ts builds it): same bytes as the
 * in-process writer, and a failure reaches the caller with its code.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCartridge } from '../../src/curriculum/imscc/write.js';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import type { CurriculumModule } from '../../src/curriculum/schema.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
type WriteApart = typeof import('../../src/curriculum/imscc/write-apart.js').writeCartridgeApart;

describe('the cartridge written in a worker thread (compiled gateway)', () => {
  let work: string;
  let modules: CurriculumModule[];
  let writeApart: WriteApart;
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'pollen-imscc-apart-'));
    modules = await loadCurriculum(path.join(ROOT, 'course-modules'));
    const compiled = pathToFileURL(path.join(ROOT, 'dist/src/curriculum/imscc/write-apart.js')).href;
    ({ writeCartridgeApart: writeApart } = (await import(compiled)) as { writeCartridgeApart: WriteApart });
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('writes the same bytes as the in-process writer and reports their size', async () => {
    const opts = { wikiBaseUrl: 'https://wiki.example.org/index.php/' };
    const apart = await writeApart(modules, path.join(work, 'apart', 'parcours.imscc'), opts);
    const here = await writeCartridge(modules, path.join(work, 'here.imscc'), opts);
    const written = await readFile(path.join(work, 'apart', 'parcours.imscc'));
    expect(apart.bytes).toBe(written.byteLength);
    expect(apart.bytes).toBe(here.bytes);
    expect(written.equals(await readFile(path.join(work, 'here.imscc')))).toBe(true);
  });

  it('rejects with the file system error when the file cannot be written', async () => {
    const blocker = path.join(work, 'here.imscc');
    await expect(writeApart(modules, path.join(blocker, 'parcours.imscc'))).rejects.toMatchObject({ code: expect.stringMatching(/^(EEXIST|ENOTDIR)$/) });
  });
});
