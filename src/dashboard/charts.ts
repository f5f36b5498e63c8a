/**
 * SVG charts, built as strings on the server. Every label goes through escapeHtml; colours are
 * never the only cue (done and failed cells carry a glyph, bars carry their value in text), and
 * each chart has a table under it in the page (see views).
 */
import type { ModuleState } from '../progress/model.js';
import type { LearnerRow, ModuleColumn } from './data.js';
import { escapeHtml, frenchPercent, truncate } from '../web/format.js';

/**
 * Colours, all checked for WCAG AA on white (#fff) or against their glyph:
 * white on done #1b5e20 is 7.9:1, white on failed #a4161a 7.8:1, text #1a1a1a on white 17:1,
 * bar #1f5f8b on white 6.9:1 (graphics need 3:1), not-started border #6b6b6b on white 5.3:1.
 */
export const CHART_COLOURS = {
  text: '#1a1a1a',
  muted: '#4a4a4a',
  done: '#1b5e20',
  failed: '#a4161a',
  notStartedFill: '#ffffff',
  notStartedStroke: '#6b6b6b',
  glyph: '#ffffff',
  bar: '#1f5f8b',
  track: '#e6ecf1',
  stalled: '#8a4b00',
} as const;

/** French names of module states, for titles, legends and tables. */
export const STATE_LABELS: Record<ModuleState, string> = {
  done: 'Terminé',
  failed: 'Échoué',
  not_started: 'Non commencé',
  outside_moodle: 'Hors Moodle',
};

/** The glyph drawn in a cell, so that state never relies on colour alone. */
export const STATE_GLYPHS: Record<ModuleState, string> = { done: '✓', failed: '✗', not_started: '', outside_moodle: '∅' };

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"';

interface CellStyle {
  fill: string;
  stroke: string;
}

function cellStyle(state: ModuleState): CellStyle {
  if (state === 'done') return { fill: CHART_COLOURS.done, stroke: CHART_COLOURS.done };
  if (state === 'failed') return { fill: CHART_COLOURS.failed, stroke: CHART_COLOURS.failed };
  // White glyph on #595959: 7:1.
  if (state === 'outside_moodle') return { fill: '#595959', stroke: '#595959' };
  return { fill: CHART_COLOURS.notStartedFill, stroke: CHART_COLOURS.notStartedStroke };
}

function svgOpen(id: string, width: number, height: number, title: string, desc: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" id="${escapeHtml(id)}" class="chart" role="img" ` +
    `viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-labelledby="${escapeHtml(id)}-titre ${escapeHtml(id)}-desc" ${FONT}>` +
    `<title id="${escapeHtml(id)}-titre">${escapeHtml(title)}</title><desc id="${escapeHtml(id)}-desc">${escapeHtml(desc)}</desc>`
  );
}

/** A small square of one state, for legends. */
export function stateSwatchSvg(state: ModuleState, size = 18): string {
  const { fill, stroke } = cellStyle(state);
  const glyph = STATE_GLYPHS[state];
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 20 20" aria-hidden="true" focusable="false">` +
    `<rect x="1" y="1" width="18" height="18" rx="3" fill="${fill}" stroke="${stroke}" stroke-width="1.5"/>` +
    (glyph ? `<text x="10" y="14.5" text-anchor="middle" font-size="13" font-weight="700" fill="${CHART_COLOURS.glyph}" ${FONT}>${glyph}</text>` : '') +
    '</svg>'
  );
}

export interface HeatmapOptions {
  id?: string;
  cell?: number;
  labelWidth?: number;
}

/** Learners (rows) by modules (columns): one square per learner and module, with a glyph and a <title>. */
export function heatmapSvg(modules: readonly ModuleColumn[], learners: readonly LearnerRow[], options: HeatmapOptions = {}): string {
  const id = options.id ?? 'carte-progression';
  const cell = options.cell ?? 28;
  const gap = 3;
  const labelWidth = options.labelWidth ?? 190;
  const header = 30;
  const percentWidth = 64;
  const step = cell + gap;
  const width = labelWidth + Math.max(1, modules.length) * step + percentWidth;
  const height = header + Math.max(1, learners.length) * step + 4;
  const title = `Progression de ${learners.length} apprenant·e${learners.length > 1 ? 's' : ''} sur ${modules.length} modules`;
  const desc = 'Une ligne par apprenant·e, une colonne par module dans l’ordre du parcours. ✓ : terminé, ✗ : échoué, ∅ : hors Moodle (aucune activité Moodle), case vide : non commencé. Le tableau détaillé suit la figure.';
  const parts = [svgOpen(id, width, height, title, desc)];

  modules.forEach((m, i) => {
    const x = labelWidth + i * step + cell / 2;
    parts.push(
      `<text x="${x}" y="${header - 10}" text-anchor="middle" font-size="13" font-weight="600" fill="${CHART_COLOURS.text}">` +
        `<title>${escapeHtml(`Module ${m.order} : ${m.title}`)}</title>${m.order}</text>`,
    );
  });
  parts.push(`<text x="${labelWidth + modules.length * step + 8}" y="${header - 10}" font-size="12" fill="${CHART_COLOURS.muted}">Total</text>`);

  if (learners.length === 0) {
    parts.push(`<text x="8" y="${header + cell / 2 + 5}" font-size="14" fill="${CHART_COLOURS.text}">Aucun·e apprenant·e n’a encore de progression enregistrée.</text>`);
  }
  learners.forEach((learner, row) => {
    const y = header + row * step;
    parts.push(
      `<text x="${labelWidth - 10}" y="${y + cell / 2 + 5}" text-anchor="end" font-size="14" fill="${CHART_COLOURS.text}">` +
        `<title>${escapeHtml(learner.name)}</title>${escapeHtml(truncate(learner.name, 24))}</text>`,
    );
    learner.states.forEach((state, col) => {
      const module = modules[col];
      if (!module) return;
      const x = labelWidth + col * step;
      const { fill, stroke } = cellStyle(state);
      const glyph = STATE_GLYPHS[state];
      parts.push(
        `<g><title>${escapeHtml(`${learner.name} — module ${module.order} « ${module.title} » : ${STATE_LABELS[state].toLowerCase()}`)}</title>` +
          `<rect x="${x + 0.75}" y="${y + 0.75}" width="${cell - 1.5}" height="${cell - 1.5}" rx="4" fill="${fill}" stroke="${stroke}" stroke-width="1.5"/>` +
          (glyph
            ? `<text x="${x + cell / 2}" y="${y + cell / 2 + 6}" text-anchor="middle" font-size="17" font-weight="700" fill="${CHART_COLOURS.glyph}" aria-hidden="true">${glyph}</text>`
            : '') +
          '</g>',
      );
    });
    parts.push(
      `<text x="${labelWidth + modules.length * step + 8}" y="${y + cell / 2 + 5}" font-size="14" font-weight="600" fill="${CHART_COLOURS.text}">${escapeHtml(frenchPercent(learner.percent))}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

export interface BarChartOptions {
  id?: string;
  labelWidth?: number;
  barWidth?: number;
}

/** Completion per module: one horizontal bar per module, its count and percent written beside it. */
export function completionBarsSvg(modules: readonly ModuleColumn[], options: BarChartOptions = {}): string {
  const id = options.id ?? 'graphique-achevement';
  const labelWidth = options.labelWidth ?? 330;
  const barWidth = options.barWidth ?? 320;
  const rowHeight = 26;
  const valueWidth = 130;
  const top = 6;
  const width = labelWidth + barWidth + valueWidth;
  const height = top + Math.max(1, modules.length) * rowHeight + 6;
  const title = 'Achèvement par module : part de la cohorte ayant terminé chaque module';
  const desc = 'Une barre par module, dans l’ordre du parcours ; la longueur est la part d’apprenant·es ayant terminé le module, le nombre est écrit à droite. Le tableau détaillé suit la figure.';
  const parts = [svgOpen(id, width, height, title, desc)];
  if (modules.length === 0) {
    parts.push(`<text x="8" y="${top + 18}" font-size="14" fill="${CHART_COLOURS.text}">Aucun module dans le parcours.</text>`);
  }
  modules.forEach((m, i) => {
    const y = top + i * rowHeight;
    const length = m.learnerCount > 0 ? Math.round((m.completedCount / m.learnerCount) * barWidth) : 0;
    const label = `${m.order}. ${m.title}`;
    const value = m.learnerCount > 0 ? `${m.completedCount}/${m.learnerCount} (${frenchPercent(m.percent)})` : 'aucune donnée';
    parts.push(
      `<g><title>${escapeHtml(`${label} : ${value}`)}</title>` +
        `<text x="${labelWidth - 10}" y="${y + 17}" text-anchor="end" font-size="13" fill="${CHART_COLOURS.text}">${escapeHtml(truncate(label, 44))}</text>` +
        `<rect x="${labelWidth}" y="${y + 4}" width="${barWidth}" height="${rowHeight - 8}" rx="3" fill="${CHART_COLOURS.track}"/>` +
        (length > 0 ? `<rect x="${labelWidth}" y="${y + 4}" width="${length}" height="${rowHeight - 8}" rx="3" fill="${CHART_COLOURS.bar}"/>` : '') +
        `<text x="${labelWidth + barWidth + 8}" y="${y + 17}" font-size="13" font-weight="600" fill="${CHART_COLOURS.text}">${escapeHtml(value)}</text>` +
        '</g>',
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
