import { describe, expect, it } from 'vitest';
import { escapePreformatted, escapeTemplateValue, escapeWikitext, sanitizeExternalUrl } from '../../src/wikitext/escape.js';
import { decodeEntities } from './visible-text.js';

const dangerous = [
  '{{Supprimer}}',
  '{{{1}}}',
  '[[Catégorie:Spam]]',
  '[[Category:Spam]]',
  '[[Accueil|ici]]',
  '[https://exemple.org piège]',
  '~~~',
  '~~~~',
  '~~~~~',
  '__NOTOC__',
  '__FORCETOC__',
  '<script>alert(1)</script>',
  '<nowiki>x</nowiki>',
  '</pre>',
  "''italique'' et '''gras'''",
  '{|',
  '|}',
  '|-',
  'a || b !! c',
  'ISBN 978-2-07-036822-8',
  'RFC 2119',
  'PMID 12345',
  '&amp; &#123; &eacute;',
];

describe('escapeWikitext', () => {
  it.each(dangerous)('neutralises %s and renders it back as typed', (text) => {
    const escaped = escapeWikitext(text);
    expect(escaped).not.toMatch(/\{\{|\}\}|\[\[|\]\]|~~~|__|<(?!!)|''|\{\||\|\}|\|-|\|\||!!|\b(ISBN|RFC|PMID) \d/);
    expect(decodeEntities(escaped)).toBe(text);
  });

  it.each(['* puce', '# dièse', ': deux-points', '; point-virgule', '= titre =', '! entête', ' espace en tête', '----'])(
    'neutralises line-start markup in "%s"',
    (text) => {
      const escaped = escapeWikitext(text);
      expect(escaped[0]).toBe('&');
      expect(decodeEntities(escaped)).toBe(text);
    },
  );

  it('escapes line-start markup on every line of a multi-line text', () => {
    const escaped = escapeWikitext('premier\n* second\n== troisième ==');
    expect(escaped.split('\n').map((l) => l[0])).toEqual(['p', '&', '&']);
  });

  it('leaves ordinary French text readable', () => {
    const text = "L'association « Vélo Cité » a 120 adhérents : c'est bien ! Coût : 5 € / mois ; voir l'agenda.";
    expect(escapeWikitext(text)).toBe(text);
  });

  it('escapes a boundary apostrophe that could merge with surrounding bold markup', () => {
    expect(escapeWikitext("'citation'")).toBe('&#39;citation&#39;');
  });

  it('keeps line-start characters literal when told the text is mid-line', () => {
    expect(escapeWikitext('* étoile', { atLineStart: false })).toBe('* étoile');
  });

  it('escapes = and newlines in headings and template values', () => {
    expect(escapeWikitext('a = b\nc', { context: 'heading' })).toBe('a &#61; b c');
    expect(escapeTemplateValue(' Salle {{A}} | étage=2 ')).toBe('Salle &#123;&#123;A&#125;&#125; &#124; étage&#61;2');
  });
});

describe('escapePreformatted', () => {
  it('encodes only what can end a <pre> or <nowiki> block', () => {
    expect(escapePreformatted('a </pre> & {{x}}')).toBe('a &lt;/pre&gt; &amp; {{x}}');
  });
});

describe('sanitizeExternalUrl', () => {
  it('accepts http(s), ftp and mailto links', () => {
    expect(sanitizeExternalUrl('https://framasoft.org/fr/')).toBe('https://framasoft.org/fr/');
    expect(sanitizeExternalUrl('mailto:contact@exemple.org')).toBe('mailto:contact@exemple.org');
  });
  it('refuses javascript: and relative links', () => {
    expect(sanitizeExternalUrl('javascript:alert(1)')).toBeNull();
    expect(sanitizeExternalUrl('/wiki/Accueil')).toBeNull();
  });
  it('percent-encodes characters that would end the link or start markup', () => {
    expect(sanitizeExternalUrl('https://x.org/a b]c|d{{e}}~~~~__NOTOC__')).toBe(
      'https://x.org/a%20b%5Dc%7Cd%7B%7Be%7D%7D%7E%7E%7E%7E%5F%5FNOTOC%5F%5F',
    );
  });
});
