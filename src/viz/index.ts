/**
 * Pictures of attention and training, tensor-free and browser-safe: plain arrays in, Vega-Lite
 * specs, SVG strings or terminal text out. PNG files are in `./node.js` (Node only).
 *
 * @example
 * import { attentionHeatmapSvg, ansiHeatmap } from './viz/index.js';
 * const input = { weights: [[0.9, 0.1], [0.2, 0.8]], rowLabels: ['b', 'a'], colLabels: ['a', 'b'] };
 * const svg = await attentionHeatmapSvg({ ...input, title: 'reverse' });
 * console.log(ansiHeatmap(input));
 *
 * @packageDocumentation
 */
export { attentionHeatmapSvg, attentionGridSvg, trainingCurvesSvg, groupedBarsSvg, compareCurvesSvg } from './svg.js';
export { compareCurvesSpec, type CompareCurvesInput } from './compare-curves-spec.js';
export { attentionGridSpec, type AttentionGridInput, type AttentionGridSection } from './heatmap-grid-spec.js';
export { groupedBarsSpec, type GroupedBarsInput } from './bars-spec.js';
export {
  attentionHeatmapSpec, heatmapLayout,
  type AttentionHeatmapInput, type AttentionHeatmapOptions, type HeatmapLayout,
} from './heatmap-spec.js';
export { trainingCurvesSpec, type EpochRecord, type StepRecord, type TrainingCurvesOptions } from './curves-spec.js';
export { renderSvg, type RenderOptions, type TextStyle, type TextWidth } from './render-svg.js';
export {
  ansiHeatmap, detectColorMode,
  type AnsiHeatmapInput, type AnsiHeatmapOptions, type AnsiColorMode,
} from './ansi.js';
export { COLOR_SCHEMES, schemeRgb, type ColorScheme } from './colormap.js';
export type { HeatmapInput, WeightsInput, HeatmapDomain } from './matrix.js';
