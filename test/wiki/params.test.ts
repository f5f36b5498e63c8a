import { describe, expect, it } from 'vitest';
import { encodeForm, encodeParams } from '../../src/wiki/transport.js';

describe('encodeParams', () => {
  it('omits false, undefined and null flags, since MediaWiki reads any present flag as true', () => {
    expect(encodeParams({ action: 'edit', minor: false, bot: undefined, nocreate: null, createonly: true })).toEqual({
      action: 'edit',
      createonly: '1',
    });
  });

  it('joins lists with | and switches to U+001F when a value contains |', () => {
    expect(encodeParams({ prop: ['info', 'revisions'], maxlag: 5 })).toEqual({ prop: 'info|revisions', maxlag: '5' });
    expect(encodeParams({ titles: ['A|B', 'C'] })).toEqual({ titles: '\u001fA|B\u001fC' });
  });
});

describe('encodeForm', () => {
  const decoded = (body: string) => [...new URLSearchParams(body)];

  it('writes a body PHP and URLSearchParams read back to the same fields, whatever the characters', () => {
    const fields = [
      ['action', 'edit'],
      ['text', 'a+b=c & d%20e ~~~~ [[Lien|étiquette]] {{Modèle}} <script>alert(1)</script>\n« é » 🌱 \u001fliste'],
      ['summary', 'Résumé : 100 % libre'],
    ] as const;
    const body = encodeForm(fields);
    expect(decoded(body)).toEqual(fields.map(([k, v]) => [k, v]));
    // No byte outside the unreserved set travels unescaped: a `+` is not read back as a space.
    expect(body).not.toMatch(/[^A-Za-z0-9\-_.!~*'()%&=]/);
  });

  it('replaces a lone surrogate with U+FFFD, as URLSearchParams does, instead of throwing', () => {
    const text = `début \uD83C fin \uDF31 et 🌱`;
    expect(() => encodeURIComponent(text)).toThrow(URIError);
    expect(encodeForm([['text', text]])).toBe(new URLSearchParams([['text', text]]).toString().replace(/\+/g, '%20'));
    expect(decoded(encodeForm([['text', text]]))).toEqual([['text', 'début \uFFFD fin \uFFFD et 🌱']]);
  });
});
