import { describe, expect, it } from 'vitest';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { CompletionBars, Heatmap, StateSwatch } from '../../src/dashboard/charts.js';
import type { LearnerRow, ModuleColumn } from '../../src/dashboard/data.js';

// The charts are JSX components now: rendered to the HTML the page carries.
const heatmapSvg = (modules: ModuleColumn[], learners: LearnerRow[]) => renderToString(h(Heatmap, { modules, learners }));
const completionBarsSvg = (modules: ModuleColumn[], options: { barWidth?: number } = {}) => renderToString(h(CompletionBars, { modules, ...options }));
const stateSwatchSvg = (state: 'done') => renderToString(h(StateSwatch, { state }));
import { frenchDateTime, frenchDays, frenchPercent, truncate } from '../../src/web/format.js';

function moduleColumn(order: number, completed: number, learners: number, title = `Module ${order}`): ModuleColumn {
  return { slug: `m${order}`, order, title, completedCount: completed, learnerCount: learners, percent: learners ? Math.round((completed / learners) * 100) : 0 };
}

const HOSTILE = 'Zoé <script>alert(1)</script> & "Cie"';

/** Parses as XML: an unescaped `<` or `&` would make the SVG invalid. */
function wellFormed(svg: string): void {
  // No DOMParser in Node: check the usual suspects instead of a full parser.
  expect(svg).not.toMatch(/<script/i);
  expect(svg).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#39;)/);
  expect(svg.match(/<svg/g)?.length).toBe(1);
  expect(svg.endsWith('</svg>')).toBe(true);
  expect(svg).not.toMatch(/NaN|undefined|Infinity/);
}

describe('heatmapSvg', () => {
  const modules = [moduleColumn(1, 1, 2), moduleColumn(2, 0, 2, 'Données <ouvertes> & communs')];
  const learners: LearnerRow[] = [
    { id: 'local-z', name: HOSTILE, username: 'z', percent: 50, doneCount: 1, states: ['done', 'not_started'], completedAt: ['2026-03-01T09:00:00Z', null], lastActivityAt: '2026-03-01T09:00:00Z', stalled: false },
    { id: 'local-a', name: 'Alice', username: 'alice', percent: 0, doneCount: 0, states: ['failed', 'not_started'], completedAt: [null, null], lastActivityAt: null, stalled: true },
  ];

  it('escapes learner names and module titles containing < and &', () => {
    const svg = heatmapSvg(modules, learners);
    wellFormed(svg);
    expect(svg).toContain('Zoé &lt;script>alert(1)&lt;/script> &amp; &quot;Cie&quot;');
    expect(svg).toContain('Données &lt;ouvertes> &amp; communs');
  });

  it('has an accessible name and a description, and a glyph besides the colour for done and failed', () => {
    const svg = heatmapSvg(modules, learners);
    expect(svg).toMatch(/role="img"/);
    expect(svg).toMatch(/aria-labelledby="carte-progression-titre carte-progression-desc"/);
    expect(svg).toContain('<title id="carte-progression-titre">Progression de 2 apprenant·es sur 2 modules</title>');
    expect(svg.match(/>✓</g)?.length).toBe(1);
    expect(svg.match(/>✗</g)?.length).toBe(1);
    expect(svg).toContain('Alice — module 1 « Module 1 » : échoué');
  });

  it('draws an empty cohort as a sentence, not a broken grid', () => {
    const svg = heatmapSvg(modules, []);
    wellFormed(svg);
    expect(svg).toContain('Aucun·e apprenant·e n’a encore de progression enregistrée.');
    expect(svg).not.toContain('<rect');
  });
});

describe('completionBarsSvg', () => {
  it('draws no bar for a 0 % module and a full bar for a 100 % module, with the numbers in text', () => {
    const svg = completionBarsSvg([moduleColumn(1, 0, 4), moduleColumn(2, 4, 4)], { barWidth: 300 });
    wellFormed(svg);
    const bars = [...svg.matchAll(/<rect [^>]*fill="#1f5f8b"[^>]*>/g)].map((m) => m[0]);
    expect(bars).toHaveLength(1);
    expect(bars[0]).toContain('width="300"');
    expect(svg).toContain('0/4 (0\u202f%)');
    expect(svg).toContain('4/4 (100\u202f%)');
  });

  it('says "aucune donnée" rather than dividing by zero for an empty cohort', () => {
    const svg = completionBarsSvg([moduleColumn(1, 0, 0)]);
    wellFormed(svg);
    expect(svg).toContain('aucune donnée');
  });

  it('escapes module titles', () => {
    const svg = completionBarsSvg([moduleColumn(1, 1, 2, 'Financer <vite> & bien')]);
    wellFormed(svg);
    expect(svg).toContain('Financer &lt;vite> &amp; bien');
  });

  it('draws a sentence when the parcours has no module', () => {
    expect(completionBarsSvg([])).toContain('Aucun module dans le parcours.');
  });
});

describe('legend swatches', () => {
  it('are hidden from assistive technology (the legend text names the state)', () => {
    expect(stateSwatchSvg('done')).toContain('aria-hidden="true"');
  });
});

describe('French formatting', () => {
  it('writes dates in Paris time, in French', () => {
    expect(frenchDateTime('2026-03-01T09:00:00Z')).toBe('1 mars 2026 à 10:00');
    expect(frenchDateTime('2026-07-14T20:30:00Z')).toBe('14 juillet 2026 à 22:30');
    expect(frenchDateTime('pas une date')).toBe('date inconnue');
  });

  it('writes days and percents the French way', () => {
    expect(frenchDays(0)).toBe('0 jour');
    expect(frenchDays(1)).toBe('1 jour');
    expect(frenchDays(12)).toBe('12 jours');
    expect(frenchPercent(60)).toBe('60\u202f%');
  });

  it('shortens long labels', () => {
    expect(truncate('abcdefghij', 5)).toBe('abcd…');
    expect(truncate('abc', 5)).toBe('abc');
  });
});
