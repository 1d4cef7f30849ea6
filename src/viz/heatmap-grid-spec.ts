/**
 * Attention of a multi-layer, multi-head model as grids of heatmaps: one section per kind of
 * attention (a Transformer's encoder self-attention, decoder self-attention, cross-attention),
 * each a grid of layers (rows) × heads (columns), every panel labelled with its layer and head
 * and its tokens. Plain arrays in, a Vega-Lite spec out (tensor-free, browser-safe).
 */
import type { TopLevelSpec } from 'vega-lite';
import { check } from '../util/errors.js';
import { type ColorScheme, checkScheme } from './colormap.js';
import { emptyPicture } from './heatmap-spec.js';
import { type HeatmapDomain, resolveDomain } from './matrix.js';
import { baseConfig } from './theme.js';

/** One kind of attention: `weights[l][h][i][j]` (layer l, head h, query i, key j). */
export interface AttentionGridSection {
  /** e.g. "cross-attention". */
  title: string;
  weights: readonly (readonly (readonly (readonly number[])[])[])[];
  /** One label per query (row i). */
  rowLabels: readonly string[];
  /** One label per key (column j). */
  colLabels: readonly string[];
  /** Numbers of the layers and heads drawn, as labelled (default 1, 2, … — set when the weights are a selection). */
  layerNumbers?: readonly number[];
  headNumbers?: readonly number[];
  /** Axis titles. Default 'query' and 'key'. */
  yTitle?: string;
  xTitle?: string;
}

export interface AttentionGridInput {
  sections: readonly AttentionGridSection[];
  title?: string;
  subtitle?: string;
  scheme?: ColorScheme;
  /** Colour scale shared by every panel; default [0, 1]. */
  domain?: HeatmapDomain;
  legendTitle?: string;
}

const OP = 'attentionGrid';
/** A whole grid aims at about this width; a single panel gets big cells. */
const TARGET_WIDTH_PX = 900;

function checkSection(s: AttentionGridSection, k: number): void {
  const where = `${OP}: section ${k + 1} (${s.title})`;
  check(s.weights.length > 0, () => `${where}: no layers`);
  s.weights.forEach((layer, l) => {
    check(layer.length > 0, () => `${where}: layer ${l + 1} has no heads`);
    layer.forEach((head, h) => {
      check(head.length === s.rowLabels.length, () => `${where}: layer ${l + 1} head ${h + 1} has ${head.length} rows for ${s.rowLabels.length} row labels`);
      head.forEach((row, i) => check(row.length === s.colLabels.length, () => `${where}: layer ${l + 1} head ${h + 1} row ${i + 1} has ${row.length} weights for ${s.colLabels.length} column labels`));
    });
  });
  if (s.layerNumbers) check(s.layerNumbers.length === s.weights.length, () => `${where}: ${s.layerNumbers!.length} layer numbers for ${s.weights.length} layers`);
  if (s.headNumbers) check(s.headNumbers.length === s.weights[0]!.length, () => `${where}: ${s.headNumbers!.length} head numbers for ${s.weights[0]!.length} heads`);
}

/**
 * The Vega-Lite spec of attention grids: sections stacked top to bottom, each a facet of layers
 * (rows, "layer 1" at the top) × heads (columns), with its tokens on the axes of every panel.
 *
 * @example
 * const spec = attentionGridSpec({
 *   title: 'abc → cba',
 *   sections: [{ title: 'cross-attention', weights: maps.cross, rowLabels: ['c', 'b', 'a', '<eos>'], colLabels: ['a', 'b', 'c'] }],
 * });
 * const svg = await renderSvg(spec);
 */
export function attentionGridSpec(input: AttentionGridInput): TopLevelSpec {
  const scheme = input.scheme ?? 'viridis';
  checkScheme(scheme, OP);
  const title = input.subtitle === undefined ? { text: input.title ?? 'Attention' } : { text: input.title ?? 'Attention', subtitle: input.subtitle };
  input.sections.forEach(checkSection);
  const drawn = input.sections.filter((s) => s.rowLabels.length > 0 && s.colLabels.length > 0);
  if (drawn.length === 0) return emptyPicture(title, 'no attention weights');
  const allRows = drawn.flatMap((s) => s.weights.flatMap((layer) => layer.flatMap((head) => head.map((r) => [...r]))));
  const domain = resolveDomain(input.domain, allRows, OP);
  const params: { name: string; value: string[] }[] = [];
  const sections = drawn.map((s, k) => {
    const L = s.weights.length;
    const H = s.weights[0]!.length;
    const T = s.rowLabels.length;
    const S = s.colLabels.length;
    // Panels side by side share the width; one panel alone gets cells up to 40 px.
    const cell = Math.round(Math.min(40, Math.max(4, TARGET_WIDTH_PX / (H * Math.max(S, 1)), 120 / Math.max(T, S))));
    const font = Math.min(12, Math.max(6, cell - 3));
    const values: Record<string, unknown>[] = [];
    s.weights.forEach((layer, l) => layer.forEach((head, h) => head.forEach((row, i) => row.forEach((w, j) => {
      values.push({
        layer: s.layerNumbers?.[l] ?? l + 1, head: s.headNumbers?.[h] ?? h + 1, i, j,
        w: Number.isNaN(w) ? null : Math.min(domain[1], Math.max(domain[0], w)),
        query: s.rowLabels[i], key: s.colLabels[j],
      });
    }))));
    params.push({ name: `glimpseRows${k}`, value: [...s.rowLabels] }, { name: `glimpseCols${k}`, value: [...s.colLabels] });
    const axis = { labelFontSize: font, labelLimit: 80, domain: false, ticks: false, labelPadding: 3, labelOverlap: cell < 8 ? ('greedy' as const) : false };
    return {
      title: { text: `${s.title} (${L} layer${L > 1 ? 's' : ''} × ${H} head${H > 1 ? 's' : ''})`, fontSize: 14, anchor: 'start' as const },
      data: { values },
      facet: {
        row: { field: 'layer', type: 'ordinal' as const, header: { labelExpr: "'layer ' + datum.value", labelFontSize: 12, labelAngle: 0, title: null } },
        column: { field: 'head', type: 'ordinal' as const, header: { labelExpr: "'head ' + datum.value", labelFontSize: 12, title: null } },
      },
      spacing: { row: 10, column: 10 },
      spec: {
        width: S * cell,
        height: T * cell,
        mark: { type: 'rect' as const, aria: false },
        encoding: {
          x: {
            field: 'j', type: 'ordinal' as const, title: s.xTitle ?? 'key', scale: { domain: range(S), paddingInner: 0, paddingOuter: 0 },
            axis: { ...axis, orient: 'bottom' as const, labelAngle: cell >= 14 && s.colLabels.every((c) => [...c].length <= 2) ? 0 : -60, labelExpr: `glimpseCols${k}[datum.value]` },
          },
          y: {
            field: 'i', type: 'ordinal' as const, title: s.yTitle ?? 'query', scale: { domain: range(T), paddingInner: 0, paddingOuter: 0 },
            axis: { ...axis, labelExpr: `glimpseRows${k}[datum.value]` },
          },
          color: {
            field: 'w', type: 'quantitative' as const, scale: { scheme, domain, clamp: true },
            legend: { title: input.legendTitle ?? 'weight', gradientLength: 160, gradientThickness: 12, tickCount: 5 },
          },
          tooltip: [
            { field: 'layer', type: 'ordinal' as const }, { field: 'head', type: 'ordinal' as const },
            { field: 'query', title: s.yTitle ?? 'query' }, { field: 'key', title: s.xTitle ?? 'key' }, { field: 'w', title: 'weight', format: '.3f' },
          ],
        },
      },
    };
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    params,
    vconcat: sections,
    spacing: 28,
    resolve: { scale: { color: 'shared' } },
    config: { ...baseConfig(), scale: { invalid: { color: { value: '#cccccc' } } } },
  } as TopLevelSpec;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
