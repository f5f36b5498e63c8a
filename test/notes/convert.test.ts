import { describe, expect, it } from 'vitest';
import { convertNote, detectFormat } from '../../src/notes/convert.js';
import { NoteError } from '../../src/notes/errors.js';
import { SUMMARY_TEMPLATE_WIKITEXT } from '../../src/notes/template.js';

function errorOf(fn: () => unknown): NoteError {
  try {
    fn();
  } catch (err) {
    if (err instanceof NoteError) return err;
    throw err;
  }
  throw new Error('expected a NoteError');
}

describe('convertNote', () => {
  it('builds the page: template, sections, categories from tags', () => {
    const note = convertNote('---\ntitle: Atelier\ndate: 2025-03-12\ntags: [Nextcloud, "logiciel libre"]\n---\n## Bilan\n\nTout va bien.');
    expect(note.wikitext).toBe(
      '{{Compte-rendu\n| date = 2025-03-12\n}}\n\n== Bilan ==\n\nTout va bien.\n\n[[Catégorie:Compte-rendu]]\n[[Catégorie:Nextcloud]]\n[[Catégorie:Logiciel libre]]',
    );
  });

  it('escapes template values and tags', () => {
    const note = convertNote('---\ndate: 2025-03-12\nlieu: "Salle {{A}} | étage=2"\ntags: ["Spam]] [[Catégorie:Autre"]\n---\nTexte.');
    expect(note.wikitext).toContain('| lieu = Salle &#123;&#123;A&#125;&#125; &#124; étage&#61;2');
    expect(note.wikitext.match(/\[\[Catégorie:/g)).toHaveLength(2);
    expect(note.wikitext).toContain('[[Catégorie:Spam)) ((Catégorie - Autre]]');
  });

  it('removes personal data from front matter values too', () => {
    const note = convertNote('---\ndate: 2025-03-12\nsource: mail de anna@asso.fr\n---\nTexte.');
    expect(note.meta.source).toBe('mail de [courriel retiré]');
    expect(note.personalDataRemoved).toBe(1);
  });

  it('gives the same hash whatever the line endings, NFC/NFD or trailing spaces', () => {
    const a = convertNote('Réunion\n\nDate : 12/03/2025\n\nTexte.  \n');
    const b = convertNote('Re\u0301union\r\n\r\nDate : 12/03/2025\r\n\r\nTexte.\r\n');
    expect(b.sourceHash).toBe(a.sourceHash);
    expect(b.wikitext).toBe(a.wikitext);
  });

  it('uses now only when the note has no date anywhere', () => {
    expect(convertNote('Texte court.', { now: new Date('2025-07-01T10:00:00Z') }).meta.date).toBe('2025-07-01');
    expect(convertNote('Date : 3 mars 2025\n\nTexte.', { now: new Date('2025-07-01T10:00:00Z') }).meta.date).toBe('2025-03-03');
  });

  it('refuses an empty note with NOTE_EMPTY', () => {
    const err = errorOf(() => convertNote('---\ndate: 2025-03-12\n---\n\n______\n'));
    expect(err.code).toBe('NOTE_EMPTY');
    expect(err.message).toMatch(/La note est vide/);
  });

  it('refuses a note without a date with NOTE_NO_DATE, explaining how to add one', () => {
    const err = errorOf(() => convertNote('Juste du texte.'));
    expect(err.code).toBe('NOTE_NO_DATE');
    expect(err.message).toMatch(/date: AAAA-MM-JJ/);
  });

  it.each([
    ['date: demain', 'date', /AAAA-MM-JJ/],
    ['keepPersonalData: oui', 'keepPersonalData', /true ou false/],
    ['module: Mon Module', 'module', /identifiant de module/],
    ['anmateurs: Anna', 'anmateurs', /champ inconnu/],
    ['title: [1, 2]', 'title', /texte attendu/],
  ])('refuses front matter "%s" naming the field', (line, field, message) => {
    const err = errorOf(() => convertNote(`---\n${line}\n---\nTexte.`, { now: new Date() }));
    expect(err.code).toBe('NOTE_FRONT_MATTER_INVALID');
    expect(err.field).toBe(field);
    expect(err.message).toContain(`« ${field} »`);
    expect(err.message).toMatch(message);
  });

  it('refuses front matter that is not YAML, saying where in French (not the parser\'s English)', () => {
    expect(errorOf(() => convertNote('---\ntitle: [oups\n---\nTexte.')).code).toBe('NOTE_FRONT_MATTER_INVALID');
    const err = errorOf(() => convertNote('---\ndate: 2026-03-01\ntitle: Bilan: suite\n---\nTexte.'));
    expect(err.message).toMatch(/^L'en-tête de la note .* est illisible \(ligne 2 de l'en-tête, colonne \d+\) : chaque ligne doit être « nom: valeur »/);
    expect(err.message).not.toMatch(/mapping|Nested|allowed|line \d/i);
  });

  it('accepts French field names and comma-separated lists', () => {
    const note = convertNote('---\ntitre: Bilan\ndate: 12/03/2025\nlieu: Lyon\nanimateurs: Anna, Bruno\n---\nTexte.');
    expect(note.meta).toMatchObject({ title: 'Bilan', date: '2025-03-12', place: 'Lyon', facilitators: ['Anna', 'Bruno'] });
  });
});

describe('detectFormat', () => {
  it('reads a declared format, .md files and Markdown syntax as Markdown', () => {
    expect(detectFormat('texte', 'markdown')).toBe('markdown');
    expect(detectFormat('Voir **ceci** ici', 'plain')).toBe('plain');
    expect(detectFormat('texte', undefined, 'note.md')).toBe('markdown');
    expect(detectFormat('# Titre\n\ntexte')).toBe('markdown');
    expect(detectFormat('Voir **ceci** ici')).toBe('markdown');
    expect(detectFormat('[lien](https://x.fr)')).toBe('markdown');
  });
  it('reads lists, underlines and lone # lines as plain text', () => {
    expect(detectFormat('Titre\n=====\n- un\n- deux\n# pas un titre')).toBe('plain');
  });
});

describe('the Compte-rendu template', () => {
  it('is a core-only infobox with every parameter and a French usage section', () => {
    for (const p of ['date', 'lieu', 'animateurs', 'participants', 'module', 'source']) expect(SUMMARY_TEMPLATE_WIKITEXT).toContain(`{{{${p}|`);
    expect(SUMMARY_TEMPLATE_WIKITEXT).not.toContain('{{#');
    expect(SUMMARY_TEMPLATE_WIKITEXT).toMatch(/<noinclude>[\s\S]*== Utilisation ==[\s\S]*<\/noinclude>$/);
  });
});

describe('a note related to a curriculum module', () => {
  const modules = new Map([['diagnostic-numerique', { title: "Réaliser le diagnostic des outils et usages numériques", wikiPage: 'Parcours de formation/Réaliser le diagnostic des outils et usages numériques' }]]);
  const note = (slug: string) => `---\ntitle: Atelier diagnostic\ndate: 2026-11-18\nmodule: ${slug}\n---\nNous avons fait le diagnostic des outils.\n`;

  it("links the module's wiki page in the summary template", () => {
    const { wikitext } = convertNote(note('diagnostic-numerique'), { modules });
    expect(wikitext).toContain('| module = [[Parcours de formation/Réaliser le diagnostic des outils et usages numériques|Réaliser le diagnostic des outils et usages numériques]]');
  });

  it('keeps an unknown module as plain, escaped text', () => {
    const { wikitext } = convertNote(note('atelier-inconnu'), { modules });
    expect(wikitext).toContain('| module = atelier-inconnu\n');
    expect(wikitext).not.toContain('[[Parcours de formation');
  });
});
