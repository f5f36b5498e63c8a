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

  it('gives each module quiz its slug as idnumber, open once the page is viewed, complete on passing grade; the page `<slug>-page`, completion on view', () => {
    const { files } = buildMbz(modules, options);
    const moduleXml = (mod: string, n: number) => files.find((f) => f.path === `activities/${mod}_${n}/module.xml`)!.content;
    const first = [...modules].sort((a, b) => a.order - b.order)[0]!;
    expect(moduleXml('quiz', 3)).toContain(`<idnumber>${first.slug}</idnumber>`);
    expect(moduleXml('page', 1)).toContain(`<idnumber>${first.slug}-page</idnumber>`);
    expect(moduleXml('url', 2)).toContain(`<idnumber>${first.slug}-wiki</idnumber>`);
    expect(moduleXml('quiz', 3)).toContain('<availability>{&quot;op&quot;:&quot;&amp;&quot;,&quot;c&quot;:[{&quot;type&quot;:&quot;completion&quot;,&quot;cm&quot;:1,&quot;e&quot;:1}],&quot;showc&quot;:[true]}</availability>');
    expect(moduleXml('page', 1)).toMatch(/<completion>2<\/completion>[\s\S]*<completionview>1<\/completionview>/);
    expect(moduleXml('url', 2)).toContain('<completion>1</completion>');
    expect(moduleXml('quiz', 3)).toMatch(/<completion>2<\/completion>\s*<completiongradeitemnumber>0<\/completiongradeitemnumber>\s*<completionpassgrade>1<\/completionpassgrade>/);
    expect(files.find((f) => f.path === 'activities/url_2/url.xml')!.content).toContain('https://wiki.example.org/index.php/Parcours_de_formation');
  });

  it('writes a multiple-choice question as multichoice with single = 0: each right box 1/n of the mark, each wrong one -100 %', () => {
    const { files } = buildMbz(modules, options);
    const questions = files.map((f) => f.content).filter((c) => c.includes('<question_bank_entry')).join('');
    const entry = (idnumber: string) => {
      const start = questions.indexOf(`<idnumber>${idnumber}</idnumber>`);
      expect(start, idnumber).toBeGreaterThan(0);
      return questions.slice(start, questions.indexOf('</question_bank_entry>', start));
    };
    const fractions = (xml: string) => [...xml.matchAll(/<fraction>([-\d.]+)<\/fraction>/g)].map((m) => Number(m[1]));
    const multiple = modules.flatMap((m) => m.quiz.map((q, i) => ({ m, q, i }))).filter(({ q }) => q.multiple);
    expect(multiple.length).toBeGreaterThanOrEqual(3);
    for (const { m, q, i } of multiple) {
      const xml = entry(`${m.slug}-q${i + 1}`);
      expect(xml).toContain('<single>0</single>');
      expect(xml).toContain('<showstandardinstruction>1</showstandardinstruction>');
      expect(fractions(xml)).toEqual(q.choices.map((_, c) => (q.answers.includes(c) ? Number((1 / q.answers.length).toFixed(7)) : -1)));
      // Every right box ticked makes the whole mark (Moodle counts 0.9999999 and above as right); any wrong box takes it all away.
      expect(q.answers.reduce((sum, c) => sum + fractions(xml)[c]!, 0)).toBeGreaterThan(0.999999);
    }
    const single = modules[0]!.quiz[0]!;
    const xml = entry(`${modules[0]!.slug}-q1`);
    expect(xml).toContain('<single>1</single>');
    expect(fractions(xml)).toEqual(single.choices.map((_, c) => (c === single.answers[0] ? 1 : 0)));
  });

  it('writes the same bytes twice and French decimals in the summary', () => {
    expect(Buffer.from(exportMbz(modules, options)).equals(Buffer.from(exportMbz(modules, options)))).toBe(true);
    expect(buildMbz(modules, options).files.find((f) => f.path === 'course/course.xml')!.content).toMatch(/environ \d+,\d heures/);
  });

  it('puts the parcours presentation in section 0 and starts the course on startDate', () => {
    const { files } = buildMbz(modules, { ...options, startDate: 1788220800 });
    const zero = files.find((f) => f.path === 'sections/section_1/section.xml')!.content;
    expect(zero).toContain('&lt;h1&gt;Pollen : accompagner les associations vers le logiciel libre&lt;/h1&gt;');
    expect(zero).toContain('Le module est validé quand son quiz est réussi.');
    expect(files.find((f) => f.path === 'course/course.xml')!.content).toContain('<startdate>1788220800</startdate>');
    expect(files[0]!.content).toContain('<original_course_startdate>1788220800</original_course_startdate>');
  });

  it('curriculum:moodle and curriculum:export take the wiki base URL by one rule: WIKI_API_URL, else the local wiki on POLLEN_WIKI_PORT', async () => {
    const { defaultWikiBaseUrl } = await import('../../src/curriculum/imscc/paths.js');
    expect(defaultWikiBaseUrl({ POLLEN_WIKI_PORT: '8123' })).toBe('http://127.0.0.1:8123/index.php/');
    expect(defaultWikiBaseUrl({})).toBe('http://127.0.0.1:8080/index.php/');
    expect(defaultWikiBaseUrl({ WIKI_API_URL: 'https://wiki.example.org/w/api.php', POLLEN_WIKI_PORT: '8123' })).toBe('https://wiki.example.org/w/index.php/');
    const { courseStartDate } = await import('../../bots/curriculum-moodle.js');
    expect(courseStartDate('2026-09-01')).toBe(1788220800);
    expect(courseStartDate(undefined, new Date('2026-12-07T23:59:00Z'))).toBe(Date.UTC(2026, 11, 7) / 1000);
    expect(() => courseStartDate('2026-02-30')).toThrow(/--start 2026-02-30 : donnez une date réelle au format AAAA-MM-JJ/);
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
