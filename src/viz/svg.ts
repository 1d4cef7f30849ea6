/**
 * The pictures as SVG strings: spec builders plus the headless Vega renderer. Browser-safe.
 */
import { attentionHeatmapSpec, type AttentionHeatmapInput } from './heatmap-spec.js';
import { trainingCurvesSpec, type EpochRecord, type TrainingCurvesOptions } from './curves-spec.js';
import { renderSvg, type RenderOptions } from './render-svg.js';
import { type GroupedBarsInput, groupedBarsSpec } from './bars-spec.js';
import { type AttentionGridInput, attentionGridSpec } from './heatmap-grid-spec.js';
import { type CompareCurvesInput, compareCurvesSpec } from './compare-curves-spec.js';

/**
 * SVG of attention grids, layers × heads per kind of attention (see `attentionGridSpec`).
 *
 * @example
 * const svg = await attentionGridSvg({ sections: [{ title: 'cross-attention', weights, rowLabels: tgt, colLabels: src }] });
 */
export function attentionGridSvg(input: AttentionGridInput, render: RenderOptions = {}): Promise<string> {
  return renderSvg(attentionGridSpec(input), render);
}

/**
 * SVG of an attention heatmap: target tokens as rows, source tokens as columns, a colour bar and
 * a title.
 *
 * @example
 * const svg = await attentionHeatmapSvg({
 *   weights: [[0.1, 0.9], [0.8, 0.2]], rowLabels: ['b', 'a'], colLabels: ['a', 'b'], title: 'reverse',
 * });
 */
export function attentionHeatmapSvg(input: AttentionHeatmapInput, render: RenderOptions = {}): Promise<string> {
  return renderSvg(attentionHeatmapSpec(input), render);
}

/**
 * SVG of the training curves: loss per epoch (train, valid) and the validation metric per epoch.
 *
 * @example
 * const svg = await trainingCurvesSvg([{ epoch: 1, trainLoss: 2.3, validLoss: 2.1, validMetric: 8.2, metricName: 'perplexity' }]);
 */
export function trainingCurvesSvg(history: readonly EpochRecord[], opts: TrainingCurvesOptions & RenderOptions = {}): Promise<string> {
  return renderSvg(trainingCurvesSpec(history, opts), { textWidth: opts.textWidth });
}

/**
 * SVG of grouped bars (e.g. accuracy per length bucket with and without attention).
 *
 * @example
 * const svg = await groupedBarsSvg({ groups: ['short', 'long'], series: [{ name: 'attention', values: [0.98, 0.9] }], title: 'Exact match', percent: true });
 */
export function groupedBarsSvg(input: GroupedBarsInput, render: RenderOptions = {}): Promise<string> {
  return renderSvg(groupedBarsSpec(input), render);
}

/**
 * SVG of several runs' curves on one set of axes.
 *
 * @example
 * const svg = await compareCurvesSvg({ title: 'Validation exact match', xTitle: 'step', yTitle: 'exact', percent: true,
 *   series: [{ name: 'lstm', points: [{ x: 100, y: 0.2 }, { x: 200, y: 0.6 }] }, { name: 'gru', points: [{ x: 100, y: 0.3 }, { x: 200, y: 0.7 }] }] });
 */
export function compareCurvesSvg(input: CompareCurvesInput, render: RenderOptions = {}): Promise<string> {
  return renderSvg(compareCurvesSpec(input), render);
}
