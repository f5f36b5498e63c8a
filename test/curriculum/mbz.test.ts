import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLoopbackUrl } from '../../src/config/public-url.js';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import { buildMbz, exportMbz } from '../../src/curriculum/mbz/export.js';

const modules = await loadCurriculum('course-modules');
const options = { wikiBaseUrl: 'https://wiki.example.org/index.php/' };

describe('the Moodle backup of the curriculum (.mbz)', () => {
  it('is a tar.gz Moodle reads: moodle_backup.xml first, every activity folder listed in it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pollen-mbz-unit-'));
    const file = path.join(dir, 'pollen.mbz');
    writeFileSync(file, exportMbz(modules, options));
    const listing = execFileSync('tar', ['tzf', file]).toString().trim().split('\n');
    expect(listing[0]).toBe('moodle_backup.xml');
    const backup = buildMbz(modules, options);
    const manifest = backup.files[0]!.content;
    for (const dirName of new Set(listing.filter((f) => f.startsWith('activities/')).map((f) => f.split('/').slice(0, 2).join('/')))) {
      expect(manifest).toContain(`<directory>${dirName}</directory>`);
    }
    expect(backup.counts).toMatchObject({ modules: modules.length, sections: 3, quizzes: modules.length });
  });

  it('gives each module page its slug as idnumber and completion on view; quizzes complete on passing grade', () => {
    const { files } = buildMbz(modules, options);
    const moduleXml = (mod: string, n: number) => files.find((f) => f.path === `activities/${mod}_${n}/module.xml`)!.content;
    expect(moduleXml('page', 1)).toContain(`<idnumber>${modules[0]!.slug}</idnumber>`);
    expect(moduleXml('page', 1)).toMatch(/<completion>2<\/completion>[\s\S]*<completionview>1<\/completionview>/);
    expect(moduleXml('url', 2)).toContain('<completion>1</completion>');
    expect(moduleXml('quiz', 3)).toMatch(/<completion>2<\/completion>\s*<completiongradeitemnumber>0<\/completiongradeitemnumber>\s*<completionpassgrade>1<\/completionpassgrade>/);
    expect(files.find((f) => f.path === 'activities/url_2/url.xml')!.content).toContain('https://wiki.example.org/index.php/Parcours_de_formation');
  });

  it('writes the same bytes twice and French decimals in the summary', () => {
    expect(Buffer.from(exportMbz(modules, options)).equals(Buffer.from(exportMbz(modules, options)))).toBe(true);
    expect(buildMbz(modules, options).files.find((f) => f.path === 'course/course.xml')!.content).toMatch(/environ \d+,\d heures/);
  });

  it('knows a loopback wiki address when it sees one', () => {
    expect(isLoopbackUrl('http://127.0.0.1:8080/index.php/')).toBe(true);
    expect(isLoopbackUrl('http://localhost/wiki/')).toBe(true);
    expect(isLoopbackUrl('https://wiki.example.org/index.php/')).toBe(false);
  });
});

describe('the cartridge (.imscc) kept for other LMSs', () => {
  it('writes its duration with a French decimal comma', async () => {
    const { buildCartridge } = await import('../../src/curriculum/imscc/export.js');
    const manifest = buildCartridge(modules).files[0]!.content;
    expect(manifest).toMatch(/environ \d+,\d heures/);
    expect(manifest).not.toMatch(/environ \d+\.\d heures/);
  });
});
