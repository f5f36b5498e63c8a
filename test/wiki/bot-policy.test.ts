import { describe, expect, it } from 'vitest';
import { botsAllowed, isStopRequested } from '../../src/wiki/bot-policy.js';

const us = ['Robot', 'Pollen'];

describe('botsAllowed', () => {
  it.each([
    ['plain text', 'Du texte', true],
    ['{{nobots}}', 'A {{nobots}} B', false],
    ['{{bots}}', '{{bots}}', true],
    ['deny naming us', '{{bots|deny=AutreBot, Robot}}', false],
    ['deny naming others', '{{bots|deny=AutreBot}}', true],
    ['deny=all', '{{bots|deny=all}}', false],
    ['allow naming us', '{{bots|allow=Pollen}}', true],
    ['allow naming others', '{{bots|allow=AutreBot}}', false],
    ['allow=none', '{{bots|allow=none}}', false],
    ['allow=all', '{{bots|allow=all}}', true],
    ['template in a comment', '<!-- {{nobots}} -->', true],
    ['case and spaces', '{{ Bots | deny = robot }}', false],
  ])('%s', (_name, text, allowed) => {
    expect(botsAllowed(text, us)).toBe(allowed);
  });
});

describe('isStopRequested', () => {
  it('lets the bot run when the stop page does not exist', () => {
    expect(isStopRequested({ exists: false })).toBe(false);
  });
  it('lets the bot run when the stop page says « actif »', () => {
    expect(isStopRequested({ exists: true, content: '  Actif \n<!-- écrire autre chose pour arrêter -->' })).toBe(false);
  });
  it('stops the bot when the stop page says anything else, even nothing', () => {
    expect(isStopRequested({ exists: true, content: 'arrêt' })).toBe(true);
    expect(isStopRequested({ exists: true, content: '' })).toBe(true);
  });
});
