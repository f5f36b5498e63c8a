import { describe, expect, it } from 'vitest';
import { encodeParams } from '../../src/wiki/transport.js';

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
