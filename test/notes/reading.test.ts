/**
 * How a note is read before it is converted: bytes to text (encodings), front matter as mere
 * metadata, plain-text structure, and the date of undated minutes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertNote } from '../../src/notes/convert.js';
import { decodeNoteBytes } from '../../src/notes/decode.js';
import { readNoteFile } from '../../src/notes/sources.js';

const dir = path.resolve(import.meta.dirname, '../fixtures/notes');
const fixture = (f: string): string => path.join(dir, f);
const received = new Date('2026-12-02T09:00:00Z');

describe('bytes to text', () => {
  it('reads Windows-1252 minutes with their accents, €, curly quotes and bullets, and says which encoding it found', () => {
    const bytes = Buffer.from([...Buffer.from('Le tr', 'latin1'), 0xe9, ...Buffer.from('sorier a pr', 'latin1'), 0xe9, ...Buffer.from('sent', 'latin1'), 0xe9, 0x20, 0x95, 0x20, 0x31, 0x30, 0x20, 0x80, 0x20, 0x92, 0x93, 0x94]);
    const decoded = decodeNoteBytes(bytes, 'ag.txt');
    expect(decoded).toMatchObject({ encoding: 'windows-1252', text: 'Le trésorier a présenté • 10 € ’“”' });
    expect(decoded.warnings).toEqual([expect.stringMatching(/^« ag\.txt » n’est pas en UTF-8 : lu comme du Windows-1252 \(Latin-1\)/)]);
    expect(decoded.text).not.toContain('\ufffd');
  });

  it('reads UTF-8 as is, without a warning, and drops a BOM', () => {
    expect(decodeNoteBytes(Buffer.from('\ufeffLe trésorier a présenté', 'utf8'))).toEqual({ text: 'Le trésorier a présenté', encoding: 'utf-8', warnings: [] });
  });

  it('refuses, naming the file, a text that mixes UTF-8 and Windows-1252 instead of guessing', () => {
    const bytes = Buffer.concat([Buffer.from('Le trésorier ', 'utf8'), Buffer.from([0x61, 0x20, 0x70, 0x72, 0xe9, 0x73, 0x65, 0x6e, 0x74, 0xe9, 0x2e])]);
    const decoded = decodeNoteBytes(bytes, 'melange.txt');
    expect(decoded.encoding).toBe('mixed');
    expect(decoded.warnings[0]).toMatch(/^« melange\.txt » mélange deux encodages \(UTF-8 et Windows-1252/);
    expect(() => convertNote(decoded.text, { fileName: 'melange.txt', now: received })).toThrowError(expect.objectContaining({ code: 'NOTE_UNREADABLE' }));
  });

  it('reads genuine Windows-1252 French typography (« validé », a no-break space after an accented letter) as Windows-1252, not as "mixed"', () => {
    // « valid\xe9\xa0» : \xe9\xa0\xbb looks like a UTF-8 letter, but the whole text is not UTF-8.
    const bytes = Buffer.from([...Buffer.from('Budget ', 'latin1'), 0xab, 0xa0, ...Buffer.from('valid', 'latin1'), 0xe9, 0xa0, 0xbb, ...Buffer.from(' par l', 'latin1'), 0x92, ...Buffer.from('assembl', 'latin1'), 0xe9, 0x65, 0xa0, 0x21]);
    const decoded = decodeNoteBytes(bytes, 'budget.txt');
    expect(decoded).toMatchObject({ encoding: 'windows-1252', text: 'Budget «\u00a0validé\u00a0» par l’assemblée\u00a0!' });
    expect(decoded.warnings).toEqual([expect.stringMatching(/^« budget\.txt » n’est pas en UTF-8 : lu comme du Windows-1252/)]);
    expect(convertNote(decoded.text, { fileName: 'budget.txt', now: received }).wikitext).toContain('Budget « validé » par l’assemblée !');
  });

  it.each([
    ['utf-16le', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Le trésorier a présenté le bilan.', 'utf16le')])],
    ['utf-16be', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('Le trésorier a présenté le bilan.', 'utf16le').swap16()])],
  ])('reads %s with the same kind of French warning as Windows-1252', (encoding, bytes) => {
    const decoded = decodeNoteBytes(bytes, 'bilan.txt');
    expect(decoded).toMatchObject({ encoding, text: 'Le trésorier a présenté le bilan.' });
    expect(decoded.warnings).toEqual([expect.stringMatching(/^« bilan\.txt » n’est pas en UTF-8 : lu comme de l’UTF-16 .*enregistrez le fichier en UTF-8 pour ne plus voir cet avertissement\.$/)]);
  });

  it('reads the committed Windows-1252 fixture from disk as the CLI does', async () => {
    const input = await readNoteFile(fixture('14-assemblee-generale-windows-1252.txt'), 'cli');
    expect(input.source).toContain('Le trésorier a présenté le bilan financier');
    expect(input.source).toContain('• Bilan moral');
    expect(input.warnings?.[0]).toMatch(/Windows-1252/);
  });

  it('removes NUL and other control characters with a warning, keeping tabs and line ends', () => {
    const note = convertNote('Réunion\x00 du bureau\x07\n\n\tOn a parlé\x1b du budget.\n', { now: received });
    expect(note.wikitext).not.toMatch(/[\x00\x07\x1b]/);
    expect(note.wikitext).toContain('On a parlé du budget.');
    expect(note.warnings).toContain('3 caractères de contrôle invisibles (NUL…) ont été retirés du texte.');
  });

  it('refuses text that already holds U+FFFD replacement characters, naming the file', () => {
    expect(() => convertNote('Le tr\ufffdsorier a pr\ufffdsent\ufffd le bilan.', { fileName: 'ag.txt', now: received }))
      .toThrowError(expect.objectContaining({ code: 'NOTE_UNREADABLE', message: expect.stringMatching(/^« ag\.txt » : le texte contient des caractères illisibles/) }));
  });
});

describe('front matter is metadata', () => {
  const read = (f: string): string => decodeNoteBytes(readFileSync(fixture(f)), f).text;

  it('keeps the plain-text reading of minutes whose front matter only adds a date', () => {
    const note = convertNote(read('15-proposition-mediatheque-date-seule.txt'), { fileName: '15-proposition-mediatheque-date-seule.txt' });
    expect(note.meta).toMatchObject({ date: '2024-11-05', format: 'plain', title: 'Proposition de partenariat avec la médiathèque' });
    expect(note.wikitext.match(/^==+ .+ ==+$/gm)).toEqual([
      '== CONTEXTE ==',
      '=== Ce que nous proposons ===',
      '== CALENDRIER ET MOYENS NÉCESSAIRES POUR LA MISE EN PLACE DU PROJET AVEC LA MÉDIATHÈQUE ET LES ASSOCIATIONS DU QUARTIER ==',
    ]);
    expect(note.wikitext).toContain('* Deux ateliers par mois sur les outils libres.\n* Une permanence mensuelle pour les questions des bénévoles.\n* Un prêt de matériel pour les démonstrations.');
  });

  it('reads the body as Markdown when the note says format: markdown', () => {
    const source = '---\ndate: 2024-11-05\nformat: markdown\n---\nUn *mot* en italique.\n';
    expect(convertNote(source).wikitext).toContain("Un ''mot'' en italique.");
    expect(convertNote(source.replace('format: markdown\n', '')).wikitext).toContain('Un *mot* en italique.');
  });

  it('reads a line ending with « : » followed by a blank line as a section title', () => {
    const note = convertNote(read('14-assemblee-generale-windows-1252.txt'), { fileName: '14.txt' });
    expect(note.wikitext).toContain('=== Élection du bureau ===\n\nTrois candidatures');
    expect(note.wikitext).toContain('== ORDRE DU JOUR ==\n\n* Bilan moral\n* Bilan financier\n* Élection du bureau');
  });
});

describe('the date of undated minutes', () => {
  const read = (f: string): string => decodeNoteBytes(readFileSync(fixture(f)), f).text;
  const cases: Array<[string, string, string]> = [
    ['14-assemblee-generale-windows-1252.txt', '2007-01-13', 'Réunion du samedi 13 janvier 2007'],
    ['17-permanence-date-numerique.txt', '2006-09-06', 'Compte rendu du 06/09/2006'],
    ['18-equipe-animation-date-longue.txt', '2011-06-17', 'le 17 juin 2011'],
  ];
  it.each(cases)('%s is filed under the date its opening lines give, and says where it was read', (file, date, line) => {
    const note = convertNote(read(file), { fileName: file, now: received });
    expect(note.title.startsWith(`Comptes-rendus/${date} `)).toBe(true);
    expect(note.warnings.find((w) => w.startsWith(`Date prise dans le texte : ${date}`))).toContain(line);
  });

  it('says when a note is filed under the day it was received', () => {
    const note = convertNote('Réunion sans date\n\nOn a rangé le local.\n', { now: received });
    expect(note.meta.date).toBe('2026-12-02');
    expect(note.warnings).toContainEqual(expect.stringMatching(/^Aucune date trouvée dans la note : elle est classée au jour de sa réception \(2026-12-02\)/));
  });

  it('refuses an invalid « Date : » line like an invalid front-matter date', () => {
    expect(() => convertNote('Réunion du bureau\nDate : 32 décembre\n\nOn a rangé le local.\n', { now: received }))
      .toThrowError(expect.objectContaining({ code: 'NOTE_DATE_INVALID', message: expect.stringContaining('« Date : 32 décembre »') }));
  });

  it('warns about a date far in the future', () => {
    const note = convertNote('---\ndate: 2062-03-12\n---\nAtelier prévu.\n', { now: received });
    expect(note.warnings).toContain('La date de la note (2062-03-12) est loin dans le futur : vérifiez-la.');
  });
});
