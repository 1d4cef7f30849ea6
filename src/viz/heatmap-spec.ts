/**
 * Attention heatmap as a Vega-Lite spec: target/query tokens down the rows, source/key tokens
 * across the columns, one square cell per weight α[t][s], a colour bar and a title. Pure data in,
 * spec out — no rendering here, so the browser can hand the same spec to Vega directly.
 */
import type { TopLevelSpec } from 'vega-lite';
import { check } from '../util/errors.js';
import { type ColorScheme, MISSING_COLOR, checkScheme, inkFor, schemeRgb } from './colormap.js';
import { type HeatmapDomain, type HeatmapInput, resolveDomain, toMatrix } from './matrix.js';
import { MUTED_INK, baseConfig } from './theme.js';

/** How the attention heatmap looks; every field is optional. */
export interface AttentionHeatmapOptions {
  /** Picture title. Default `'Attention'`. */
  title?: string;
  /** Smaller line under the title (e.g. model and decoding step). */
  subtitle?: string;
  /** Column axis title. Default `'source'`. */
  xTitle?: string;
  /** Row axis title. Default `'target'`. */
  yTitle?: string;
  /** Colour bar title. Default `'weight'`. */
  legendTitle?: string;
  /** Sequential colour map. Default `'viridis'`. */
  scheme?: ColorScheme;
  /** Values mapped to the ends of the colour bar: `[0, 1]` by default (weights), `'auto'` the data's range, `'max'` 0 up to the largest weight. Values outside are clamped. */
  domain?: HeatmapDomain;
  /** Print each weight (2 decimals, blank when it rounds to 0) inside its cell. Default `'auto'`: when cells are big enough to read it. */
  annotate?: boolean | 'auto';
  /** Side of a cell in px. Default: fits the larger side of the matrix into about 640 px, 14–56 px a cell. */
  cellSize?: number;
}

/** Input of {@link attentionHeatmapSpec}: the matrix, its labels and the look. */
export type AttentionHeatmapInput = HeatmapInput & AttentionHeatmapOptions;

/** Sizes chosen for a T×S heatmap. */
export interface HeatmapLayout {
  cell: number;
  labelFontSize: number;
  xLabelAngle: number;
  annotate: boolean;
  annotationFontSize: number;
  gradientLength: number;
  /** Longest label drawn, in px; longer ones end in '…'. */
  labelLimit: number;
}

const OP = 'attentionHeatmap';
const TARGET_SIDE_PX = 640;
const LABEL_LIMIT_PX = 110;

// Average advance of DejaVu Sans in em, for layout decisions made before any text is measured.
const AVG_CHAR_EM = 0.62;

/** Picks cell, font and label sizes for `rows`×`cols` cells with the given labels. */
export function heatmapLayout(rows: number, cols: number, colLabels: readonly string[], opts: AttentionHeatmapOptions = {}): HeatmapLayout {
  const n = Math.max(rows, cols, 1);
  let cell: number;
  if (opts.cellSize !== undefined) {
    check(Number.isFinite(opts.cellSize) && opts.cellSize >= 2 && opts.cellSize <= 400, () => `${OP}: cellSize must be a number of px in [2, 400], got ${opts.cellSize}`);
    cell = opts.cellSize;
  } else {
    // Up to ~80 tokens keep 14 px cells so every label stays readable; beyond that, shrink.
    cell = Math.round(Math.min(56, Math.max(n > 80 ? 6 : 14, TARGET_SIDE_PX / n)));
  }
  const labelFontSize = cell >= 40 ? 14 : Math.min(13, Math.max(8, cell - 4));
  const longest = colLabels.reduce((m, l) => Math.max(m, [...l].length), 0);
  const longestPx = Math.min(LABEL_LIMIT_PX, longest * AVG_CHAR_EM * labelFontSize);
  const xLabelAngle = longestPx <= cell - 4 ? 0 : cell >= 24 ? -45 : -60;
  const annotateAuto = cell >= 34 && rows * cols <= 400;
  const annotate = opts.annotate === undefined || opts.annotate === 'auto' ? annotateAuto : opts.annotate;
  return {
    cell,
    labelFontSize,
    xLabelAngle,
    annotate,
    annotationFontSize: Math.max(7, Math.min(14, Math.round(cell * 0.28))),
    gradientLength: Math.round(Math.min(400, Math.max(120, rows * cell))),
    labelLimit: LABEL_LIMIT_PX,
  };
}

/** In-cell text: two decimals; blank where it would read 0.00, so the pattern stands out. */
function formatWeight(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '' : v > 0 ? '∞' : '−∞';
  if (Math.abs(v) < 0.005) return '';
  return Math.abs(v) < 10 ? v.toFixed(2) : v.toPrecision(3);
}

/**
 * Builds the Vega-Lite spec of an attention heatmap. Rows are target/query tokens (top to bottom),
 * columns are source/key tokens (left to right); repeated tokens keep their own row/column.
 * An empty matrix gives a small picture that says so; NaN cells are drawn grey.
 *
 * @example
 * const spec = attentionHeatmapSpec({
 *   weights: [[0.9, 0.1], [0.2, 0.8]], rowLabels: ['b', 'a'], colLabels: ['a', 'b'], title: 'reverse',
 * });
 * const svg = await renderSvg(spec);
 */
export function attentionHeatmapSpec(input: AttentionHeatmapInput): TopLevelSpec {
  const m = toMatrix(input, OP);
  const scheme = input.scheme ?? 'viridis';
  checkScheme(scheme, OP);
  const domain = resolveDomain(input.domain, m.rows, OP);
  const title = input.title ?? 'Attention';
  const titleSpec = input.subtitle === undefined ? { text: title } : { text: title, subtitle: input.subtitle };
  const T = m.rows.length;
  const S = m.cols;
  if (T === 0 || S === 0) return emptyPicture(titleSpec, `no attention weights (${T} × ${S})`);

  const layout = heatmapLayout(T, S, m.colLabels, input);
  const xTitle = input.xTitle ?? 'source';
  const yTitle = input.yTitle ?? 'target';
  const legendTitle = input.legendTitle ?? 'weight';
  let missing = 0;
  const values: Record<string, unknown>[] = [];
  for (let t = 0; t < T; t++) {
    for (let s = 0; s < S; s++) {
      const v = m.rows[t]![s]!;
      const ok = !Number.isNaN(v);
      if (!ok) missing++;
      const frac = ok ? (v - domain[0]) / (domain[1] - domain[0]) : 0;
      values.push({
        t, s,
        // NaN becomes null, which Vega treats as "no value"; ±∞ clamp to the ends of the scale.
        w: ok ? Math.min(domain[1], Math.max(domain[0], v)) : null,
        text: formatWeight(v),
        ink: ok ? inkFor(schemeRgb(scheme, frac)) : 'none',
        target: m.rowLabels[t], source: m.colLabels[s],
      });
    }
  }
  const axisCommon = {
    labelOverlap: layout.cell < 10 ? ('greedy' as const) : false,
    labelFontSize: layout.labelFontSize,
    labelLimit: layout.labelLimit,
    domain: false, ticks: false, labelPadding: 5,
  };
  const layers: NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']> = [{
    mark: { type: 'rect', aria: false },
    encoding: {
      color: {
        field: 'w', type: 'quantitative',
        scale: { scheme, domain, clamp: true },
        legend: { title: legendTitle, gradientLength: layout.gradientLength, gradientThickness: 14, tickCount: 5 },
      },
      tooltip: [
        { field: 'target', title: yTitle }, { field: 'source', title: xTitle }, { field: 'w', title: legendTitle, format: '.3f' },
      ],
    },
  }];
  if (layout.annotate) {
    // One text layer per ink colour: Vega-Lite treats a colour field with no scale as invalid.
    for (const ink of ['#000000', '#ffffff']) {
      layers.push({
        transform: [{ filter: `datum.ink === '${ink}'` }],
        mark: { type: 'text', aria: false, fontSize: layout.annotationFontSize, color: ink },
        encoding: { text: { field: 'text' } },
      });
    }
  }
  const sub = missing > 0 ? `${input.subtitle ? `${input.subtitle} · ` : ''}grey: ${missing} missing (NaN)` : input.subtitle;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: sub === undefined ? { text: title } : { text: title, subtitle: sub },
    params: [
      { name: 'glimpseRowLabels', value: m.rowLabels },
      { name: 'glimpseColLabels', value: m.colLabels },
    ],
    data: { values },
    width: S * layout.cell,
    height: T * layout.cell,
    encoding: {
      // Positions are indices, not tokens, so repeated tokens keep their own cell; labelExpr
      // turns the index back into its token.
      x: {
        field: 's', type: 'ordinal', title: xTitle, scale: { domain: range(S), paddingInner: 0, paddingOuter: 0 },
        axis: { ...axisCommon, orient: 'bottom', labelAngle: layout.xLabelAngle, labelExpr: 'glimpseColLabels[datum.value]' },
      },
      y: {
        field: 't', type: 'ordinal', title: yTitle, scale: { domain: range(T), paddingInner: 0, paddingOuter: 0 },
        axis: { ...axisCommon, labelExpr: 'glimpseRowLabels[datum.value]' },
      },
    },
    layer: layers,
    // NaN weights arrive as null; draw their cells grey instead of dropping them.
    config: { ...baseConfig(), scale: { invalid: { color: { value: MISSING_COLOR } } } },
  };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** A small picture with a title and one line of text, for input with nothing to draw. */
export function emptyPicture(title: { text: string; subtitle?: string }, message: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 320,
    height: 60,
    data: { values: [{ message }] },
    mark: { type: 'text', fontSize: 13, color: MUTED_INK },
    encoding: { text: { field: 'message' } },
    config: baseConfig(),
  };
}
