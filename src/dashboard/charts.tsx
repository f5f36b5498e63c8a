/**
 * SVG charts, server-side JSX (every label escaped by preact). Colours are never the only cue
 * (done and failed cells carry a glyph, bars carry their value in text), and each chart has a
 * table under it in the page. The wide charts have a narrow twin, shown instead on a phone by
 * the dashboard's stylesheet: the wide ones shrunk to a phone's width had 5 px labels.
 */
import type { ComponentChildren } from 'preact';
import type { ModuleState } from '../progress/model.js';
import type { LearnerRow, ModuleColumn } from './data.js';
import { frenchPercent, truncate } from '../web/format.js';

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

const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif';

function cellStyle(state: ModuleState): { fill: string; stroke: string } {
  if (state === 'done') return { fill: CHART_COLOURS.done, stroke: CHART_COLOURS.done };
  if (state === 'failed') return { fill: CHART_COLOURS.failed, stroke: CHART_COLOURS.failed };
  // White glyph on #595959: 7:1.
  if (state === 'outside_moodle') return { fill: '#595959', stroke: '#595959' };
  return { fill: CHART_COLOURS.notStartedFill, stroke: CHART_COLOURS.notStartedStroke };
}

interface ChartProps {
  id: string;
  width: number;
  height: number;
  title: string;
  desc: string;
  class?: string;
  children?: ComponentChildren;
}

/** A chart drawn at its own size (1 unit = 1 CSS pixel): text keeps the size it is written at. */
function Chart(props: ChartProps) {
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg" id={props.id} class={props.class ?? 'chart'} role="img"
      viewBox={`0 0 ${props.width} ${props.height}`} width={props.width} height={props.height}
      aria-labelledby={`${props.id}-titre ${props.id}-desc`} font-family={FONT}
    >
      <title id={`${props.id}-titre`}>{props.title}</title>
      <desc id={`${props.id}-desc`}>{props.desc}</desc>
      {props.children}
    </svg>
  );
}

/** A small square of one state, for legends. */
export function StateSwatch(props: { state: ModuleState; size?: number }) {
  const { fill, stroke } = cellStyle(props.state);
  const glyph = STATE_GLYPHS[props.state];
  const size = props.size ?? 18;
  return (
    <svg xmlns="http://www.w3.org/2000/svg" width={size} height={size} viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <rect x="1" y="1" width="18" height="18" rx="3" fill={fill} stroke={stroke} stroke-width="1.5" />
      {glyph ? <text x="10" y="14.5" text-anchor="middle" font-size="13" font-weight="700" fill={CHART_COLOURS.glyph} font-family={FONT}>{glyph}</text> : null}
    </svg>
  );
}

function Cell(props: { x: number; y: number; size: number; state: ModuleState; title?: string; glyphSize: number }) {
  const { fill, stroke } = cellStyle(props.state);
  const glyph = STATE_GLYPHS[props.state];
  const { x, y, size } = props;
  return (
    <g>
      {props.title === undefined ? null : <title>{props.title}</title>}
      <rect x={x + 0.75} y={y + 0.75} width={size - 1.5} height={size - 1.5} rx="3" fill={fill} stroke={stroke} stroke-width="1.5" />
      {glyph ? (
        <text x={x + size / 2} y={y + size / 2 + props.glyphSize * 0.35} text-anchor="middle" font-size={props.glyphSize} font-weight="700" fill={CHART_COLOURS.glyph} aria-hidden="true">{glyph}</text>
      ) : null}
    </g>
  );
}

const cellTitle = (learner: LearnerRow, module: ModuleColumn, state: ModuleState) =>
  `${learner.name} — module ${module.order} « ${module.title} » : ${STATE_LABELS[state].toLowerCase()}`;

function heatmapTitle(modules: readonly ModuleColumn[], learners: readonly LearnerRow[]): string {
  return `Progression de ${learners.length} apprenant·e${learners.length > 1 ? 's' : ''} sur ${modules.length} modules`;
}

const HEATMAP_DESC = 'Une ligne par apprenant·e, une colonne par module dans l’ordre du parcours. ✓ : terminé, ✗ : échoué, ∅ : hors Moodle (aucune activité Moodle), case vide : non commencé. Le tableau détaillé suit la figure.';

/** Learners (rows) by modules (columns): one square per learner and module, with a glyph and a <title>. */
export function Heatmap(props: { modules: readonly ModuleColumn[]; learners: readonly LearnerRow[]; id?: string }) {
  const { modules, learners } = props;
  const id = props.id ?? 'carte-progression';
  const cell = 28;
  const gap = 3;
  const labelWidth = 190;
  const header = 30;
  const percentWidth = 64;
  const step = cell + gap;
  const width = labelWidth + Math.max(1, modules.length) * step + percentWidth;
  const height = header + Math.max(1, learners.length) * step + 4;
  const totalX = labelWidth + modules.length * step + 8;
  return (
    <Chart id={id} width={width} height={height} title={heatmapTitle(modules, learners)} desc={HEATMAP_DESC}>
      {modules.map((m, i) => (
        <text x={labelWidth + i * step + cell / 2} y={header - 10} text-anchor="middle" font-size="13" font-weight="600" fill={CHART_COLOURS.text}>
          <title>{`Module ${m.order} : ${m.title}`}</title>{m.order}
        </text>
      ))}
      <text x={totalX} y={header - 10} font-size="12" fill={CHART_COLOURS.muted}>Total</text>
      {learners.length === 0 ? (
        <text x="8" y={header + cell / 2 + 5} font-size="14" fill={CHART_COLOURS.text}>Aucun·e apprenant·e n’a encore de progression enregistrée.</text>
      ) : null}
      {learners.map((learner, row) => {
        const y = header + row * step;
        return (
          <g>
            <text x={labelWidth - 10} y={y + cell / 2 + 5} text-anchor="end" font-size="14" fill={CHART_COLOURS.text}>
              <title>{learner.name}</title>{truncate(learner.name, 24)}
            </text>
            {learner.states.map((state, col) => {
              const module = modules[col];
              return module ? <Cell x={labelWidth + col * step} y={y} size={cell} state={state} title={cellTitle(learner, module, state)} glyphSize={17} /> : null;
            })}
            <text x={totalX} y={y + cell / 2 + 5} font-size="14" font-weight="600" fill={CHART_COLOURS.text}>{frenchPercent(learner.percent)}</text>
          </g>
        );
      })}
    </Chart>
  );
}

/**
 * The heatmap on a phone: one item per learner, the name and total in the page's text, and a
 * strip of the modules' squares under it (wrapping never needed: 18 px a module).
 */
export function HeatmapNarrow(props: { modules: readonly ModuleColumn[]; learners: readonly LearnerRow[] }) {
  const { modules, learners } = props;
  const cell = 16;
  const step = cell + 2;
  const width = Math.max(1, modules.length) * step;
  return (
    <ol class="chart-narrow heatmap-narrow" id="carte-progression-etroite" aria-label={heatmapTitle(modules, learners)}>
      {learners.map((learner) => {
        const done = learner.states.filter((s) => s === 'done').length;
        const failed = learner.states.filter((s) => s === 'failed').length;
        const summary = `${learner.name} : ${done} module${done > 1 ? 's' : ''} terminé${done > 1 ? 's' : ''}${failed ? `, ${failed} échoué${failed > 1 ? 's' : ''}` : ''} sur ${modules.length}`;
        return (
          <li>
            <p><span>{learner.name}</span> <strong>{frenchPercent(learner.percent)}</strong></p>
            <svg xmlns="http://www.w3.org/2000/svg" class="strip" role="img" aria-label={summary} viewBox={`0 0 ${width} ${cell}`} width={width} height={cell} font-family={FONT}>
              {learner.states.map((state, col) => {
                const module = modules[col];
                // No tooltip per square on a phone (nothing hovers there): the strip's label says it all, and the table follows.
                return module ? <Cell x={col * step} y={0} size={cell} state={state} glyphSize={12} /> : null;
              })}
            </svg>
          </li>
        );
      })}
    </ol>
  );
}

const BARS_TITLE = 'Achèvement par module : part de la cohorte ayant terminé chaque module';
const BARS_DESC = 'Une barre par module, dans l’ordre du parcours ; la longueur est la part d’apprenant·es ayant terminé le module, le nombre est écrit à droite. Le tableau détaillé suit la figure.';

function barOf(m: ModuleColumn, barWidth: number): { length: number; label: string; value: string } {
  return {
    length: m.learnerCount > 0 ? Math.round((m.completedCount / m.learnerCount) * barWidth) : 0,
    label: `${m.order}. ${m.title}`,
    value: m.learnerCount > 0 ? `${m.completedCount}/${m.learnerCount} (${frenchPercent(m.percent)})` : 'aucune donnée',
  };
}

/** Completion per module: one horizontal bar per module, its count and percent written beside it. */
export function CompletionBars(props: { modules: readonly ModuleColumn[]; id?: string; barWidth?: number }) {
  const { modules } = props;
  const labelWidth = 330;
  const barWidth = props.barWidth ?? 320;
  const rowHeight = 26;
  const top = 6;
  const width = labelWidth + barWidth + 130;
  const height = top + Math.max(1, modules.length) * rowHeight + 6;
  return (
    <Chart id={props.id ?? 'graphique-achevement'} width={width} height={height} title={BARS_TITLE} desc={BARS_DESC}>
      {modules.length === 0 ? <text x="8" y={top + 18} font-size="14" fill={CHART_COLOURS.text}>Aucun module dans le parcours.</text> : null}
      {modules.map((m, i) => {
        const y = top + i * rowHeight;
        const bar = barOf(m, barWidth);
        return (
          <g>
            <title>{`${bar.label} : ${bar.value}`}</title>
            <text x={labelWidth - 10} y={y + 17} text-anchor="end" font-size="13" fill={CHART_COLOURS.text}>{truncate(bar.label, 44)}</text>
            <rect x={labelWidth} y={y + 4} width={barWidth} height={rowHeight - 8} rx="3" fill={CHART_COLOURS.track} />
            {bar.length > 0 ? <rect x={labelWidth} y={y + 4} width={bar.length} height={rowHeight - 8} rx="3" fill={CHART_COLOURS.bar} /> : null}
            <text x={labelWidth + barWidth + 8} y={y + 17} font-size="13" font-weight="600" fill={CHART_COLOURS.text}>{bar.value}</text>
          </g>
        );
      })}
    </Chart>
  );
}

/** The same bars on a phone: each module's name on its own line, its bar and value under it (320 px wide). */
export function CompletionBarsNarrow(props: { modules: readonly ModuleColumn[] }) {
  const { modules } = props;
  const barWidth = 170;
  const rowHeight = 44;
  const width = 320;
  const height = 4 + Math.max(1, modules.length) * rowHeight;
  return (
    <Chart id="graphique-achevement-etroit" class="chart chart-narrow" width={width} height={height} title={BARS_TITLE} desc={BARS_DESC}>
      {modules.length === 0 ? <text x="0" y="18" font-size="14" fill={CHART_COLOURS.text}>Aucun module dans le parcours.</text> : null}
      {modules.map((m, i) => {
        const y = 4 + i * rowHeight;
        const bar = barOf(m, barWidth);
        return (
          <g>
            <title>{`${bar.label} : ${bar.value}`}</title>
            <text x="0" y={y + 13} font-size="13" fill={CHART_COLOURS.text}>{truncate(bar.label, 42)}</text>
            <rect x="0" y={y + 19} width={barWidth} height="16" rx="3" fill={CHART_COLOURS.track} />
            {bar.length > 0 ? <rect x="0" y={y + 19} width={bar.length} height="16" rx="3" fill={CHART_COLOURS.bar} /> : null}
            <text x={barWidth + 6} y={y + 32} font-size="13" font-weight="600" fill={CHART_COLOURS.text}>{bar.value}</text>
          </g>
        );
      })}
    </Chart>
  );
}
