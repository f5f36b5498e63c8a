/**
 * French elision everywhere people read: « d’Accompagnement », « autour d’Amiens », never
 * « de Accompagnement ». One helper (src/text/french.ts); a scan of every source string, content
 * file and the texts the directory and agenda produce with names that start with a vowel.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { sessionChangedMail } from '../../src/agenda/mails.js';
import type { Registration } from '../../src/agenda/model.js';
import { seedDirectory } from '../../src/demo/directory.js';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { DirectoryContent } from '../../src/directory/page.js';
import { directoryPages } from '../../src/directory/wiki.js';
import type { StoreDb } from '../../src/store/database.js';
import { de, le, startsWithVowel } from '../../src/text/french.js';
import { sqliteBackend } from '../support/postgres.js';
import { agendaOn, sessionInput } from '../agenda/fixtures.js';
import { runMigrations } from '../../src/store/migrations.js';
import { agendaMigrations } from '../../src/agenda/migrations.js';
import { directoryOn, listedProvider } from './fixtures.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** « de » or « le » as a word (not « -le » in « retirez-le »), then a vowel. */
const NOT_ELIDED = /(?<![\p{L}\-’'])(?:[Dd]e|[Ll]e) (?!ou\b)[aeiouyàâäéèêëîïôöùûüœæAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŒÆ]/u;

/**
 * `de ${…}` / `le ${…}` written by hand: each must go through `de()` / `le()`, unless what is
 * interpolated can never start with a vowel. Those, with why:
 */
const NEVER_A_VOWEL: Array<[RegExp, string]> = [
  [/^(timeElement|frenchDate|frenchShortDateTime|parisDateTime|escapeHtml\(frenchDate|typedTime)\(/, 'a date: a digit or a weekday first'],
  [/^(limits\.maxCost|QUIZ_PASS_GRADE|3 \+ \(n % 8\)|learners\.length|cap|frenchNumber\([A-Za-z_.]+\))$/, 'a number'],
  [/^pending\.length > 1 \? 'leur' : 'sa'$/, 'leur or sa'],
  [/^(dir|describe\(fromLocation\))$/, 'a folder path or a database location, shown as typed'],
  [/^text$/, 'the helper itself'],
];

function sourceFiles(dir: string, exts: readonly string[]): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full, exts);
    return exts.some((e) => name.endsWith(e)) ? [full] : [];
  });
}

describe('French elision', () => {
  const stores: StoreDb[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  it('elides de and le before a vowel, not before a consonant or a quote', () => {
    expect(de('Accompagnement Libre Picard')).toBe('d’Accompagnement Libre Picard');
    expect(de('Amiens')).toBe('d’Amiens');
    expect(de('Île-de-France')).toBe('d’Île-de-France');
    expect(de('Œuvres Communes')).toBe('d’Œuvres Communes');
    expect(de('Lyon')).toBe('de Lyon');
    expect(de('Haute-Loire')).toBe('de Haute-Loire');
    expect(de('« Atelier »')).toBe('de « Atelier »');
    expect(le('Atelier du jeudi')).toBe('l’Atelier du jeudi');
    expect(le('Rhône')).toBe('le Rhône');
    expect(startsWithVowel('éco')).toBe(true);
  });

  it('leaves no « de »/« le » + vowel, and no hand-written « de ${…} », in any source string or content file', () => {
    const files = [...sourceFiles(path.join(ROOT, 'src'), ['.ts', '.tsx']), ...sourceFiles(path.join(ROOT, 'content'), ['.yaml']), ...sourceFiles(path.join(ROOT, 'bots'), ['.ts']), ...sourceFiles(path.join(ROOT, 'course-modules'), ['.md', '.yaml', '.yml'])];
    expect(files.length).toBeGreaterThan(100);
    const problems: string[] = [];
    for (const file of files) {
      const lines = readFileSync(file, 'utf8').split('\n');
      for (const [i, line] of lines.entries()) {
        const where = `${path.relative(ROOT, file)}:${i + 1}`;
        if (/^\s*(\/\/|\*|\/\*)/.test(line)) continue; // comments are for developers
        if (NOT_ELIDED.test(line)) problems.push(`${where}: ${line.trim()}`);
        for (const m of line.matchAll(/(?<![\p{L}\-’'])(?:[Dd]e|[Ll]e) (?:<[^>]*>)*\$\{([^}]*)\}/gu)) {
          if (!NEVER_A_VOWEL.some(([re]) => re.test(m[1]!.trim()))) problems.push(`${where}: ${m[0]} (use de()/le() from src/text/french.ts)`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('elides in what the directory writes: edit summaries, fiches, the demo, an empty directory', async () => {
    const store = await sqliteBackend.open();
    stores.push(store);
    const directory = await directoryOn(store);
    await listedProvider(directory, 'Accompagnement Libre Picard', { territories: ['80'] });
    await listedProvider(directory, 'Informatique Solidaire', { territories: ['ile-de-france'], address: { street: null, postalCode: null, city: 'Évry', lat: null, lon: null } });
    const pages = await directoryPages(directory);
    const summary = pages.find((p) => p.title === 'Annuaire/Accompagnement Libre Picard')!.summary;
    expect(summary).toContain('fiche d’Accompagnement Libre Picard');
    for (const p of pages) {
      expect(p.summary).not.toMatch(NOT_ELIDED);
      expect(p.text).not.toMatch(NOT_ELIDED);
    }

    const demoStore = await sqliteBackend.open();
    stores.push(demoStore);
    const demo = await directoryOn(demoStore);
    await seedDirectory(demo);
    const picard = (await demo.provider('accompagnement-libre-picard'))!;
    expect(picard.description).toContain('autour d’Amiens');
    const all = await demo.publishable();
    const recs = await demo.recommendations(all.map((p) => p.id), ['pending', 'verified', 'rejected', 'replaced']);
    const texts = [...all.map((p) => p.description), ...recs.map((r) => `${r.associationName} ${r.work}`), ...(await directoryPages(demo)).flatMap((p) => [p.summary, p.text])];
    for (const text of texts) expect(text).not.toMatch(NOT_ELIDED);

    const empty = { providers: [], totalCount: 0, page: 1, pageCount: 1, pageUrl: () => '/annuaire', quotes: [], wikiUrl: () => null };
    const unfiltered = renderToString(h(DirectoryContent, { ...empty, filter: {} }));
    expect(unfiltered).not.toContain('retirez un filtre');
    expect(unfiltered).toContain('L’annuaire ne compte encore aucune structure');
    const filtered = renderToString(h(DirectoryContent, { ...empty, filter: { territory: '80' } }));
    expect(filtered).toContain('retirez un filtre');
  });

  it('names what changed in the « session modified » mail: the place alone is « le nouveau lieu »', async () => {
    const store = await sqliteBackend.open();
    stores.push(store);
    await runMigrations(store, agendaMigrations);
    const { session } = await agendaOn(store).createSession(sessionInput({ title: 'Atelier d’écriture' }));
    const person: Registration = { id: 1, sessionId: session.id, learnerId: null, name: 'Inès', email: 'ines@exemple.org', status: 'confirmed', present: false, createdAt: session.startsAt, updatedAt: session.startsAt };
    const moved = { ...session, place: { ...session.place, address: '4 place Bellecour, 69002 Lyon' } };
    const placeOnly = sessionChangedMail(session, moved, person, 'jeton-de-test-0123456789', { publicUrl: 'https://pollen.example.org' })!.text;
    expect(placeOnly).toContain('Le nouveau lieu ne vous convient pas ?');
    expect(placeOnly).not.toContain('créneau');
    const later = { ...session, startsAt: '2026-03-12T15:00:00.000Z', endsAt: '2026-03-12T18:00:00.000Z' };
    expect(sessionChangedMail(session, later, person, 'jeton-de-test-0123456789', {})!.text).toContain('Le nouveau créneau ne vous convient pas ?');
    expect(sessionChangedMail(session, { ...later, place: moved.place }, person, 'jeton-de-test-0123456789', {})!.text).toContain('Le nouveau créneau ou le nouveau lieu ne vous convient pas ?');
    expect(placeOnly).not.toMatch(NOT_ELIDED);
  });
});
