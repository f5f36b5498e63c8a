/**
 * Real minutes as people send them: forwarded from a mailing list (RFC 5322 dates), titled by
 * their first line, with plain-text headings alone on their line, and untitled notes sent
 * through submitNote without a file name.
 */
import { describe, expect, it } from 'vitest';
import { convertNote } from '../../src/notes/convert.js';
import { parseFrenchDate } from '../../src/notes/dates.js';
import { NoteQueue } from '../../src/notes/queue.js';
import { openTestStore } from '../support/store.js';

const received = new Date('2026-12-02T09:00:00Z');

describe('dates of minutes forwarded from a mailing list', () => {
  it('reads an RFC 5322 « Date: » header (English day and month names) instead of refusing it', () => {
    const forwarded = [
      'Date: Mon, 25 Jun 2007 13:01:31 +0200',
      'From: Camille <camille@example.org>',
      'Subject: [toulibre] Compte-rendu de la réunion mensuelle',
      '',
      'Bonjour à tous,',
      '',
      'Nous étions douze au local. On a préparé l’install party de septembre.',
    ].join('\n');
    const note = convertNote(forwarded, { now: received });
    expect(note.title).toBe('Comptes-rendus/2007-06-25 (toulibre) Compte-rendu de la réunion mensuelle');
    expect(note.wikitext).toContain('Nous étions douze au local.');
    expect(note.wikitext).not.toContain('camille@example.org');
  });

  it.each([
    ['Mon, 25 Jun 2007 13:01:31 +0200', '2007-06-25'],
    ['Sat, 3 Feb 2007 09:12:00 +0100', '2007-02-03'],
    ['25 June 2007', '2007-06-25'],
    ['June 25, 2007', '2007-06-25'],
    ['Thu, 1 May 2008 18:00:00 GMT', '2008-05-01'],
  ])('reads « %s » as %s', (written, iso) => {
    expect(parseFrenchDate(written)).toBe(iso);
  });
});

describe('the title a text gives itself', () => {
  it('takes a first line ending with a period, followed by a blank line, over the file name, and keeps it in the body', () => {
    const note = convertNote('Compte rendu de l’assemblée générale de Toulibre 2006.\n\nLe président ouvre la séance à 14 h.\n', { fileName: 'toulibre-ag-2006.txt', now: received });
    expect(note.meta.title).toBe('Compte rendu de l’assemblée générale de Toulibre 2006');
    expect(note.wikitext).toContain('Compte rendu de l’assemblée générale de Toulibre 2006.\n\nLe président ouvre la séance à 14 h.');
  });

  it('makes a title of a long first line rather than of a file name that is a hash, and keeps the line', () => {
    const line = 'Compte-rendu de la réunion du bureau du 13 janvier 2007, au local de la rue Vendôme, rédigé par Anne et relu par Paul.';
    const note = convertNote(`${line}\n\nOn a parlé du budget.\n`, { fileName: '3f2a9c1b07e44d.txt', now: received });
    expect(note.title).toBe('Comptes-rendus/2007-01-13 Compte-rendu de la réunion du bureau du 13 janvier 2007');
    expect(note.wikitext).toContain(line);
  });

  it('keeps the first line in the body when an « Objet : » line titles the note', () => {
    const note = convertNote('Objet : AG 2006\nDate : 14/10/2006\n\nNotes prises par Anne\n\nLe président ouvre la séance.\n', { now: received });
    expect(note.title).toBe('Comptes-rendus/2006-10-14 AG 2006');
    expect(note.wikitext).toContain('Notes prises par Anne');
  });
});

describe('plain-text headings alone on their line', () => {
  it('makes a section of a short line between blank lines, not of a greeting or a last line', () => {
    const text = [
      'Assemblée générale 2006', '', 'Date : 14/10/2006', '',
      'Bonjour à tous', '', 'Voici les notes de la journée.', '',
      'Introduction', '', 'Le président ouvre la séance à 14 h.', '',
      'Bilan moral', '', 'L’année a été riche en ateliers.', '',
      'Questions diverses', '', '- local', '- cotisations', '',
      'Anne',
    ].join('\n');
    const note = convertNote(text, { now: received });
    expect(note.wikitext.match(/^==+ .+ ==+$/gm)).toEqual(['== Introduction ==', '== Bilan moral ==', '== Questions diverses ==']);
    expect(note.wikitext).toContain('== Introduction ==\n\nLe président ouvre la séance à 14 h.');
    expect(note.wikitext).toContain('Bonjour à tous\n\nVoici les notes');
    expect(note.wikitext).toMatch(/\nAnne\n\n\[\[Catégorie:Compte-rendu\]\]$/);
  });
});

describe('untitled notes sent through submitNote without a file name', () => {
  it('get a title from their text, so two of the same day both go out; a clash says how to give a title', async () => {
    const queue = new NoteQueue(await openTestStore());
    const first = await queue.enqueue({ origin: 'graphql', receivedAt: received, source: 'On a rangé le local et trié les câbles.\nIl reste les écrans.\n' });
    const second = await queue.enqueue({ origin: 'graphql', receivedAt: received, source: 'Atelier vélo annulé pour cause de pluie, reporté à samedi prochain.\n' });
    expect(first.entry).toMatchObject({ state: 'queued', pageTitle: 'Comptes-rendus/2026-12-02 On a rangé le local et trié les câbles' });
    expect(second.entry).toMatchObject({ state: 'queued', pageTitle: 'Comptes-rendus/2026-12-02 Atelier vélo annulé pour cause de pluie, reporté à samedi prochain' });
    const clash = await queue.check({ origin: 'graphql', receivedAt: received, source: 'On a rangé le local et trié les câbles.\nPuis on a fermé.\n' });
    expect(clash.error?.code).toBe('NOTE_PAGE_TAKEN');
    expect(clash.error?.message).toContain('« title: Mon titre »');
  });
});
