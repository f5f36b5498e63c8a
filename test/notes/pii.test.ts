import { describe, expect, it } from 'vitest';
import { EMAIL_PLACEHOLDER, PHONE_PLACEHOLDER, removePersonalData } from '../../src/notes/pii.js';

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
