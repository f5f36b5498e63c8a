import { describe, expect, it } from 'vitest';
import { convertNote } from '../../src/notes/convert.js';
import { EMAIL_PLACEHOLDER, PHONE_PLACEHOLDER, removePersonalData } from '../../src/notes/pii.js';
import { NoteQueue } from '../../src/notes/queue.js';
import { openTestStore } from '../support/store.js';

describe('removePersonalData', () => {
  it.each([
    'marie.dupont@asso-exemple.fr',
    '<paul@chatons.org>',
    'mailto:contact@vélo-cité.fr',
    'jean (at) asso.org',
  ])('removes the e-mail address %s', (email) => {
    expect(removePersonalData(`Écrire à ${email} avant lundi.`)).toEqual({ text: `Écrire à ${EMAIL_PLACEHOLDER} avant lundi.`, removed: 1 });
  });

  it.each([
    '06 12 34 56 78',
    '06.12.34.56.78',
    '06-12-34-56-78',
    '0612345678',
    '04 72 11 22 33',
    '+33 6 12 34 56 78',
    '+33612345678',
    '+33 (0)6 12 34 56 78',
    '0033 6 12 34 56 78',
    '+44 20 7946 0958',
    '+1 (555) 123-4567',
  ])('removes the phone number %s', (phone) => {
    expect(removePersonalData(`Appeler le ${phone}, merci.`)).toEqual({ text: `Appeler le ${PHONE_PLACEHOLDER}, merci.`, removed: 1 });
  });

  it.each([
    'Le 12/03/2025 à 14h30',
    'Séance du 03.12.2025 ou du 12-03-2025',
    'Budget : 1 500 €, puis 12 000 € en 2026',
    'Code postal 75011, 69100 Villeurbanne',
    'SIRET : 812 345 678 00019',
    'SIRET 012 345 678 00019',
    'n° 0612345678 du dossier',
    'IBAN FR76 3000 6000 0112 3456 7890 189',
    'Version 2.0.1, 10 000 personnes, 06 h 30',
    'Numéro vert 0 800 123 456',
    'une adresse en @asso-foot.fr',
  ])('leaves "%s" alone', (text) => {
    expect(removePersonalData(text)).toEqual({ text, removed: 0 });
  });

  it('counts every removal', () => {
    expect(removePersonalData('a@b.fr, 06 12 34 56 78, c@d.org').removed).toBe(3);
  });
});

describe('disguised e-mail addresses', () => {
  const disguised = [
    'camille (at) example (dot) org',
    'camille AT example DOT org',
    'camille [at] example [dot] org',
    'camille arobase example point org',
    'camille @ example.org',
    'camille(at)example(dot)org',
    'camille.martin{at}asso{dot}fr',
    'camille (arobase) asso (point) fr',
    'camille (dot) martin (at) example (dot) org',
  ];

  it.each(disguised)('removes %s', (email) => {
    expect(removePersonalData(`Pour s’inscrire, écrire à ${email} avant lundi.`)).toEqual({ text: `Pour s’inscrire, écrire à ${EMAIL_PLACEHOLDER} avant lundi.`, removed: 1 });
  });

  // Each ordinary sentence sits next to a disguised address: the address goes, the sentence stays.
  it.each([
    'We met at the station. Point taken.',
    'On fait le point à 18 h sur les adhésions.',
    'Look at example dot com for the slides.',
    'Rendez-vous at home, point barre.',
    'Le site asso point fr est en ligne.',
    'Meet at 10 point 30 at the hall.',
    'The point at issue: the budget.',
    'Arrivée at noon. Point org : rien de neuf.',
    'Une adresse en @asso-foot.fr pour tous.',
  ])('leaves « %s » as written', (sentence) => {
    const result = removePersonalData(`${sentence} Contact : camille AT example DOT org.`);
    expect(result).toEqual({ text: `${sentence} Contact : ${EMAIL_PLACEHOLDER}.`, removed: 1 });
  });

  it('keeps both escaped angle brackets of an address in Markdown read from a document', () => {
    expect(removePersonalData('écrire à \\<camille_martin+asso@exemple-asso.fr\\> avant lundi').text).toBe(`écrire à \\<${EMAIL_PLACEHOLDER}\\> avant lundi`);
  });

  it('keeps none of them on the page nor in the store', async () => {
    const source = `Atelier messagerie\n\nDate : 12/03/2025\n\n${disguised.map((e, i) => `- contact ${i + 1} : ${e}`).join('\n')}\n`;
    const note = convertNote(source);
    expect(note.personalDataRemoved).toBe(disguised.length);
    const queue = new NoteQueue(await openTestStore());
    const { entry } = await queue.enqueue({ origin: 'graphql', source });
    const stored = (await queue.get(entry.id))?.source ?? '';
    for (const text of [note.wikitext, stored]) {
      expect(text).not.toMatch(/camille|example|\(at\)|\[at\]|arobase| AT /);
      expect(text).toContain('contact 9 : ');
    }
  });
});
