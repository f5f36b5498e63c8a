import { describe, expect, it } from 'vitest';
import { categoryName, MAX_TITLE_BYTES, noteTitle, sanitizeTitle, utf8Length } from '../../src/notes/title.js';

describe('sanitizeTitle', () => {
  it('replaces characters MediaWiki forbids in titles', () => {
    expect(sanitizeTitle('Atelier [1] {bis} <test> a|b #3')).toBe('Atelier (1) (bis) (test) a-b 3');
  });
  it('removes control characters, collapses whitespace and trims spaces and underscores', () => {
    expect(sanitizeTitle('  _atelier\u0007\t  du\u00a0 jour_ ')).toBe('Atelier du jour');
  });
  it('uppercases the first letter like MediaWiki', () => {
    expect(sanitizeTitle('économie sociale')).toBe('Économie sociale');
  });
  it('refuses path-like segments and a leading slash', () => {
    expect(sanitizeTitle('/../notes/./a')).toBe('--/notes/-/a');
  });
  it('keeps a title out of namespaces and interwikis', () => {
    expect(sanitizeTitle('Catégorie: Spam')).toBe('Catégorie - Spam');
    expect(sanitizeTitle('modèle:Supprimer')).toBe('Modèle - Supprimer');
    expect(sanitizeTitle('fr:Accueil')).toBe('Fr - Accueil');
    expect(sanitizeTitle(':Accueil')).toBe('Accueil');
    expect(sanitizeTitle('Réunion : budget')).toBe('Réunion : budget');
  });
  it('breaks percent-encodings, entities and signatures', () => {
    expect(sanitizeTitle('100%AB &amp; ~~~~')).toBe('100% AB & amp; ~');
  });
  it('cuts at 255 UTF-8 bytes without splitting a character', () => {
    const cut = sanitizeTitle('é'.repeat(200));
    expect(utf8Length(cut)).toBeLessThanOrEqual(MAX_TITLE_BYTES);
    expect(cut).toBe('É' + 'é'.repeat(126));
  });
  it('returns an empty string when nothing usable is left', () => {
    expect(sanitizeTitle(' []{}| ')).toBe('()()-');
    expect(sanitizeTitle(' # ')).toBe('');
  });
});

describe('noteTitle', () => {
  it('puts notes under Comptes-rendus/ with the date first', () => {
    expect(noteTitle('2025-03-12', 'atelier Nextcloud')).toBe('Comptes-rendus/2025-03-12 Atelier Nextcloud');
  });
  it('does not create deeper subpages and keeps colons harmless under the prefix', () => {
    expect(noteTitle('2025-03-12', 'Catégorie: Spam 1/2')).toBe('Comptes-rendus/2025-03-12 Catégorie: Spam 1-2');
  });
  it('keeps the whole title within 255 bytes', () => {
    expect(utf8Length(noteTitle('2025-03-12', '€'.repeat(300)))).toBeLessThanOrEqual(MAX_TITLE_BYTES);
  });
  it('falls back to a default title', () => {
    expect(noteTitle('2025-03-12', '###')).toBe('Comptes-rendus/2025-03-12 Compte-rendu');
  });
});

describe('categoryName', () => {
  it('makes a tag a valid category name that cannot point elsewhere', () => {
    expect(categoryName('logiciel libre')).toBe('Logiciel libre');
    expect(categoryName('Catégorie:Spam]]')).toBe('Catégorie - Spam))');
  });
});
