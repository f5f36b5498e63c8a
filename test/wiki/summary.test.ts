import { describe, expect, it } from 'vitest';
import { summarizeWikitext, summaryOfRevision } from '../../src/wiki/summary.js';

describe('page summaries', () => {
  it('take the first paragraph as plain text, without templates, links markup, files or categories', () => {
    const text = "{{Infobox|nom=Nextcloud|licence=AGPL}}\n[[Fichier:Logo.png|vignette]]\n'''Nextcloud''' est une [[suite collaborative|suite]] libre, hébergée par des [https://chatons.org CHATONS].\n\n== Usages ==\n* Fichiers\n[[Catégorie:Logiciel libre]]";
    expect(summarizeWikitext(text)).toBe('Nextcloud est une suite libre, hébergée par des CHATONS.');
  });

  it('skip headings and lists to find the first paragraph, and say null when there is none', () => {
    expect(summarizeWikitext('== Titre ==\n* un\n* deux\n\nEnfin du texte.')).toBe('Enfin du texte.');
    expect(summarizeWikitext('== Titre ==\n* un')).toBeNull();
  });

  it('cut a long paragraph on a word boundary with an ellipsis', () => {
    const summary = summarizeWikitext(`${'mot '.repeat(200)}fin.`, 50);
    expect(summary!.length).toBeLessThanOrEqual(50);
    expect(summary).toMatch(/mot…$/);
  });

  it('are remembered per revision: the same key gives the first answer, a new revision a new one', () => {
    expect(summaryOfRevision('https://wiki/Page#1', 'Première version.')).toBe('Première version.');
    expect(summaryOfRevision('https://wiki/Page#1', 'Texte qui ne devrait pas être relu.')).toBe('Première version.');
    expect(summaryOfRevision('https://wiki/Page#2', 'Deuxième version.')).toBe('Deuxième version.');
  });
});
