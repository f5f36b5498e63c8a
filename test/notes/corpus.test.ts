import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertNote } from '../../src/notes/convert.js';
import { readNoteBytes } from '../../src/notes/readers/index.js';
import { isNoteFile } from '../../src/notes/sources.js';
import { sanitizeTitle } from '../../src/notes/title.js';
import { sentences } from '../support/note-sentences.js';
import { containsLive, visibleText } from '../wikitext/visible-text.js';

const dir = path.resolve(import.meta.dirname, '../fixtures/notes');
/** The notes (make-documents.ts, which writes the documents, is none). */
const files = readdirSync(dir).filter(isNoteFile).sort();
/** Read as the CLI reads files: bytes decoded (some minutes are Windows-1252), documents and pad exports read. */
const texts = new Map(await Promise.all(files.map(async (f) => [f, (await readNoteBytes(readFileSync(path.join(dir, f)), f)).text] as const)));
const read = (f: string): string => texts.get(f) ?? '';
const knownTitles = ['Nextcloud', 'Logiciel libre', 'CHATONS', 'Diagnostic numérique'];
const convert = (f: string) => convertNote(read(f), { fileName: f, knownTitles });


describe('the note corpus', () => {
  it('has at least 12 notes', () => {
    expect(files.length).toBeGreaterThanOrEqual(12);
  });

  describe.each(files)('%s', (file) => {
    it('converts, with the summary template first and the notes category last', () => {
      const note = convert(file);
      expect(note.title).toMatch(/^Comptes-rendus\/\d{4}-\d{2}-\d{2} \S/);
      expect(note.wikitext.startsWith(`{{Compte-rendu\n| date = ${note.meta.date}\n`)).toBe(true);
      expect(note.wikitext).toMatch(/\[\[Catégorie:Compte-rendu\]\](\n\[\[Catégorie:[^\]]+\]\])*$/);
      expect(note.wikitext).not.toMatch(/[ \t]$/m);
    });

    it('shows every sentence of the note on the page', () => {
      const note = convert(file);
      const page = `${note.meta.title} ${visibleText(note.wikitext)}`;
      for (const sentence of sentences(read(file), note.meta.keepPersonalData)) {
        // A title line may have been cleaned by the title rules ("TR: Re:" dropped, "/" replaced).
        if (note.title.endsWith(sanitizeTitle(sentence.replace(/^(?:(?:tr|re)\s*:\s*)+/i, '').replace(/\//g, '-')))) continue;
        expect(page, `missing: ${sentence}`).toContain(sentence);
      }
    });

    it('is deterministic: same source, same hash and identical wikitext', () => {
      const a = convert(file);
      const b = convert(file);
      expect(b).toEqual(a);
      expect(a.sourceHash).toMatch(/^[0-9a-f]{64}$/);
    });
  });
});

describe('particular notes', () => {
  it('reads the full front matter', () => {
    const note = convert('01-atelier-nextcloud-front-matter.md');
    expect(note.title).toBe('Comptes-rendus/2025-03-12 Atelier Nextcloud pour les associations du quartier');
    expect(note.meta).toMatchObject({
      date: '2025-03-12',
      place: 'Maison des associations, Villeurbanne',
      facilitators: ['Camille Roux', 'Yanis Benali'],
      tags: ['Nextcloud', 'Atelier', 'Dégafamisation'],
      module: 'accompagnement-outils',
      format: 'markdown',
    });
    expect(note.wikitext).toContain('| module = accompagnement-outils');
    expect(note.wikitext).toContain('[[Catégorie:Nextcloud]]\n[[Catégorie:Atelier]]\n[[Catégorie:Dégafamisation]]');
    // The H1 repeating the title is not repeated in the body.
    expect(note.wikitext).not.toContain('== Atelier Nextcloud pour');
  });

  it('picks up "Date :" and "Lieu :" lines of a Markdown note without front matter', () => {
    const note = convert('02-reunion-degafamisation-sans-en-tete.md');
    expect(note.meta).toMatchObject({ date: '2025-02-04', place: "local de l'association Vélo Cité", format: 'markdown' });
    expect(note.wikitext).not.toContain('Date :');
  });

  it('reads underlined headings, ALL-CAPS headings and colon headings of plain text', () => {
    expect(convert('03-visite-chatons-souligne.txt').wikitext).toContain('== Services proposés ==');
    expect(convert('03-visite-chatons-souligne.txt').meta.facilitators).toEqual(['Samia', 'Thomas']);
    expect(convert('04-lancement-cohorte-majuscules.txt').wikitext).toContain('== POINTS DE VIGILANCE ==');
    expect(convert('05-puces-traitement-de-texte-insecables.txt').wikitext).toContain('== Ce qui bloque ==\n\n* La synchronisation');
  });

  it('nests numbered lists and indented sub-items', () => {
    expect(convert('06-listes-numerotees-sous-items.txt').wikitext).toContain(
      '# Inventaire des outils\n## messagerie et agenda\n## stockage des documents\n##* qui a accès à quoi\n##* où sont les sauvegardes\n# Usages et irritants\n#* ce qui fait perdre du temps',
    );
  });

  it('turns a Markdown table into a wikitable and keeps the SIRET number', () => {
    const note = convert('07-reunion-financement-tableau.md');
    expect(note.wikitext).toContain('{| class="wikitable"\n! Financeur');
    expect(note.wikitext).toContain('812 345 678 00019');
    expect(note.personalDataRemoved).toBe(0);
  });

  it('removes and counts e-mails and phone numbers from a pasted e-mail, keeping dates, times and amounts', () => {
    const note = convert('08-copie-courriel-desordonnee.txt');
    expect(note.personalDataRemoved).toBe(8);
    expect(note.wikitext).not.toMatch(/jm\.petit|president@|kevin\.fablab|06 12 34|04\.72|\+33|\+44|06 11 22/);
    expect(note.wikitext).toContain('24/04 de 14h à 17h');
    expect(note.wikitext).toContain('69100 Villeurbanne');
    expect(note.wikitext).toContain('1 500 €');
    expect(note.title).toBe('Comptes-rendus/2025-04-10 Compte rendu permanence numérique du 10-04');
  });

  // "* une ligne…" stays a list item: `*` is a bullet in plain-text minutes too.
  it('neutralises wiki markup typed in a note', () => {
    const note = convert('09-balisage-wiki-a-neutraliser.txt');
    for (const live of ['{{Supprimer}}', '[[Catégorie:Spam]]', '~~~', '__NOTOC__', '<script', '|}', '{|', "''l'italique''", '<nowiki>', '[https://exemple.org', 'ISBN 978', 'RFC 2119', '\n== Un faux titre ==', '\n----\n', '\n# une ligne']) {
      expect(containsLive(note.wikitext, live), `${live} is live in:\n${note.wikitext}`).toBe(false);
    }
    expect(note.wikitext.match(/\[\[Catégorie:/g)).toHaveLength(1);
  });

  it('keeps personal data when the front matter says so', () => {
    const note = convert('10-garder-donnees-personnelles.md');
    expect(note.personalDataRemoved).toBe(0);
    expect(note.wikitext).toContain('ines.martin@reseau-asso.org');
    expect(note.wikitext).toContain('+33 7 81 22 33 44');
  });

  it('gives two notes with the same title on different dates different pages', () => {
    const march = convert('11-permanence-mars.txt');
    const april = convert('12-permanence-avril.txt');
    expect(march.meta.title).toBe(april.meta.title);
    expect(march.title).toBe('Comptes-rendus/2025-03-05 Permanence numérique');
    expect(april.title).toBe('Comptes-rendus/2025-04-02 Permanence numérique');
  });

  it('drops long separators and handles CRLF and trailing spaces', () => {
    const note = convert('13-separateurs-longs-crlf.txt');
    expect(note.wikitext).not.toMatch(/\r|_{3}|\*{3}|&#61;&#61;|&#45;/);
    expect(note.wikitext).toContain('== PARTICIPATION ==\n\nHuit référents');
    const lf = convertNote(read('13-separateurs-longs-crlf.txt').replace(/\r\n/g, '\n').replace(/ +\n/g, '\n'));
    expect(lf.sourceHash).toBe(note.sourceHash);
  });

  it('takes date and title of a one-line note from its file name', () => {
    const note = convert('2025-05-02-note-rapide.txt');
    expect(note.title).toBe('Comptes-rendus/2025-05-02 Note rapide');
    expect(note.wikitext).toContain('Atelier Nextcloud reporté au 14 mai, même heure, même salle.');
  });

  it('links only multi-word titles: never a single word, never the main page', () => {
    const note = convertNote(read('18-equipe-animation-date-longue.txt'), { fileName: '18-equipe-animation-date-longue.txt', knownTitles: ['Accueil', 'Nextcloud', 'Logiciel libre'] });
    expect(note.wikitext).toContain("On a préparé la réunion d'accueil des nouveaux bénévoles.");
    expect(note.wikitext).toContain('Chacun présentera un [[Logiciel libre|logiciel libre]]');
    expect(note.wikitext).not.toContain('[[Accueil');
  });

  describe('documents and pad exports, read like typed notes', () => {
    const typed = ['~~~', '<script', '[[Catégorie:Piège', '[[Fichier:', '{{Supprimer'];
    const inert = (wikitext: string): void => {
      for (const live of typed) expect(containsLive(wikitext, live), `${live} is live in:\n${wikitext}`).toBe(false);
      expect(wikitext.match(/\[\[Catégorie:/g)).toHaveLength(1);
      expect(wikitext).not.toMatch(/courriel retiré\]\]|@|\(at\)|\[at\]| AT |arobase/);
    };

    it('reads a LibreOffice .odt: Title style, header lines, headings, nested and numbered lists, a table; no comment', () => {
      const note = convert('19-conseil-administration-document.odt');
      expect(note.title).toBe('Comptes-rendus/2025-09-18 Conseil d’administration de l’association Clés du Numérique');
      expect(note.meta).toMatchObject({ place: 'salle polyvalente, Saint-Priest', participants: ['Odile', 'Karim', 'Sven'], format: 'markdown' });
      expect(note.wikitext).toContain('== Points abordés ==\n\n* Renouvellement du site internet de l’association.\n* Formation des bénévoles au [[Logiciel libre|logiciel libre]].\n** deux sessions en octobre\n** une session en novembre\n* Demande');
      expect(note.wikitext).toContain('=== Décisions ===\n\n# Le site sera hébergé chez un membre du collectif CHATONS.\n# Karim prépare');
      expect(note.wikitext).toContain('{| class="wikitable"\n! Action\n! Qui\n! Échéance\n|-\n| Maquette du site\n| Sven\n| 30 septembre');
      expect(note.wikitext).toContain('Prochaine réunion le 16 octobre.<br />Fin de la séance à 21 h.');
      expect(note.wikitext).not.toContain('à vérifier avec Odile');
      expect(note.personalDataRemoved).toBe(1);
      inert(note.wikitext);
    });

    it('reads a Word .docx: Title style, « Animé par », headings, nested and numbered lists, a table', () => {
      const note = convert('20-atelier-budget-participatif.docx');
      expect(note.title).toBe('Comptes-rendus/2025-10-02 Atelier budget participatif du quartier des Tilleuls');
      expect(note.meta.facilitators).toEqual(['Lucie', 'Malik']);
      expect(note.wikitext).toContain('== Propositions retenues ==\n\n* Des bancs et un point d’eau près de l’aire de jeux.\n* Un atelier de réparation de vélos une fois par mois.\n** le samedi matin de préférence\n* Une boîte');
      expect(note.wikitext).toContain('=== Calendrier ===\n\n# Vote des habitants en novembre.\n# Annonce');
      expect(note.wikitext).toContain('|-\n| Bancs et point d’eau\n| 4 200 €\n| Comité de quartier');
      expect(note.personalDataRemoved).toBe(1);
      inert(note.wikitext);
    });

    it('reads an Etherpad .etherpad export: its heading, list and numbering attributes, without line markers', () => {
      const note = convert('21-pad-permanence-numerique.etherpad');
      expect(note.title).toBe('Comptes-rendus/2025-11-04 Permanence numérique du mardi');
      expect(note.meta.participants).toEqual(['Nadia', 'Théo', 'Joëlle']);
      expect(note.wikitext).toContain('== Demandes reçues ==\n\n* installer une application de messagerie chiffrée\n* sauvegarder ses photos\n** sur un disque externe\n** sur le cloud de l’association\n* remplir');
      expect(note.wikitext).toContain('# Théo imprime le guide des mots de passe.\n# Joëlle contacte');
      expect(note.wikitext).not.toMatch(/^\*[^*\s]|^\\\*/m);
      inert(note.wikitext);
    });

    it('reads an Etherpad/Framapad .html export: lines, lists nested as Etherpad writes them, entities', () => {
      const note = convert('22-pad-reunion-benevoles.html');
      expect(note.title).toBe('Comptes-rendus/2026-01-13 Réunion des bénévoles de la Ressourcerie du Canal');
      expect(note.wikitext).toContain('== Planning des ouvertures ==\n\n* mercredi après-midi : Bérénice et Paulo\n* samedi matin : Yacine, Inès et Mathéo\n** Inès ne peut pas venir le 24 janvier\n* dépôt');
      expect(note.wikitext).toContain('# Un atelier couture avec la machine donnée en décembre.\n# Une bourse aux vélos sur le parvis.');
      expect(note.wikitext).toContain('avec deux nouvelles bénévoles : bienvenue à elles !');
      expect(note.wikitext).toContain('Pour s\'inscrire au planning');
      inert(note.wikitext);
    });

    it('reads a pad .txt export: tab-indented sub-items, numbered items, headings alone on their line', () => {
      const note = convert('23-pad-atelier-premier-ordinateur.txt');
      expect(note.title).toBe('Comptes-rendus/2026-01-27 Atelier « Mon premier ordinateur »');
      expect(note.wikitext).toContain('== Ce qu’on a vu ==\n\n* allumer, éteindre, mettre en veille\n* la souris et le clavier\n** double-clic et clic droit');
      expect(note.wikitext).toContain('== Pour la prochaine fois ==\n\n# Apporter une clé USB.');
      expect(note.personalDataRemoved).toBe(1);
      inert(note.wikitext);
    });
  });
});
