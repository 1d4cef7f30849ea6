/**
 * Pictures as PNG files (Node only): SVG from the browser-safe builders, rasterised by resvg
 * (a Rust SVG renderer shipped as a prebuilt Node addon) with the DejaVu Sans files from npm,
 * written atomically.
 */
import { check, GlimpseError } from '../util/errors.js';
import { writeFileAtomic } from '../util/fs-node.js';
import { FONT_FAMILY_NAME, dejavuTextWidth, fontFiles } from './fonts.js';
import { pngSupport } from './optional-deps.js';
import type { AttentionHeatmapInput } from './heatmap-spec.js';
import type { EpochRecord, TrainingCurvesOptions } from './curves-spec.js';
import { attentionGridSvg, attentionHeatmapSvg, compareCurvesSvg, groupedBarsSvg, trainingCurvesSvg } from './svg.js';
import type { CompareCurvesInput } from './compare-curves-spec.js';
import type { AttentionGridInput } from './heatmap-grid-spec.js';
import type { GroupedBarsInput } from './bars-spec.js';
import type { RenderOptions } from './render-svg.js';

export { fontFiles, FONT_FAMILY_NAME, dejavuTextWidth } from './fonts.js';
export { PNG_PACKAGES } from './optional-deps.js';
export { writeFileAtomic };
export * from './index.js';

// Lay text out with the metrics of the very font resvg draws with.
const NODE_RENDER: RenderOptions = { textWidth: dejavuTextWidth };

/** How {@link svgToPng} rasterises. */
export interface PngOptions {
  /** Pixels per SVG unit. Default 2: crisp on high-density screens and when zoomed. */
  scale?: number;
  /** Page colour behind the picture. Default white. */
  background?: string;
}

/**
 * Rasterises an SVG document to PNG bytes with the bundled DejaVu Sans (system fonts are not
 * used, so the result is the same on every machine).
 *
 * @example
 * const png = svgToPng(await attentionHeatmapSvg({ weights, rowLabels, colLabels }), { scale: 2 });
 */
export function svgToPng(svg: string, opts: PngOptions = {}): Buffer {
  const scale = opts.scale ?? 2;
  check(Number.isFinite(scale) && scale > 0 && scale <= 16, () => `svgToPng: scale must be in (0, 16], got ${scale}`);
  check(typeof svg === 'string' && svg.includes('<svg'), 'svgToPng: expected an SVG document (a string containing <svg)');
  const { Resvg } = pngSupport();
  const files = fontFiles();
  let rendered;
  try {
    const resvg = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: scale },
      background: opts.background ?? 'white',
      font: {
        loadSystemFonts: false,
        fontFiles: [files.regular, files.bold],
        defaultFontFamily: FONT_FAMILY_NAME,
        sansSerifFamily: FONT_FAMILY_NAME,
      },
      logLevel: 'off',
    });
    rendered = resvg.render();
  } catch (err) {
    throw new GlimpseError(`svgToPng: resvg could not render the SVG: ${(err as Error).message}`);
  }
  return rendered.asPng();
}

/**
 * PNG bytes of an attention heatmap (see `attentionHeatmapSpec` for the input).
 *
 * @example
 * const png = await attentionHeatmapPng({ weights, rowLabels: tgt, colLabels: src, title: 'reverse' });
 */
export async function attentionHeatmapPng(input: AttentionHeatmapInput, png: PngOptions = {}): Promise<Buffer> {
  pngSupport(); // before Vega lays text out with the font's metrics (it would swallow the error)
  return svgToPng(await attentionHeatmapSvg(input, NODE_RENDER), png);
}

/** PNG bytes of the training curves (see `trainingCurvesSpec`). */
export async function trainingCurvesPng(history: readonly EpochRecord[], opts: TrainingCurvesOptions & PngOptions = {}): Promise<Buffer> {
  pngSupport();
  return svgToPng(await trainingCurvesSvg(history, { ...opts, ...NODE_RENDER }), opts);
}

/** PNG of grouped bars (see groupedBarsSvg). */
export async function groupedBarsPng(input: GroupedBarsInput, png: PngOptions = {}): Promise<Buffer> {
  pngSupport();
  return svgToPng(await groupedBarsSvg(input, NODE_RENDER), png);
}

/**
 * Writes a PNG of several runs' curves on one set of axes to `path` atomically.
 *
 * @example
 * await writeCompareCurvesPng('lessons/lstm-vs-gru/curves.png', { title: 'Validation exact match', xTitle: 'step', yTitle: 'exact', series });
 */
export async function writeCompareCurvesPng(path: string, input: CompareCurvesInput, png: PngOptions = {}): Promise<void> {
  pngSupport();
  writeFileAtomic(path, svgToPng(await compareCurvesSvg(input, NODE_RENDER), png));
}

/** Writes a grouped-bars PNG to `path` atomically. */
export async function writeGroupedBarsPng(path: string, input: GroupedBarsInput, png: PngOptions = {}): Promise<void> {
  writeFileAtomic(path, await groupedBarsPng(input, png));
}

/**
 * Writes an attention heatmap PNG to `path` atomically (a temporary file beside it, then rename),
 * so a reader never sees half a picture.
 *
 * @example
 * await writeAttentionPng('runs/reverse/attention.png', { weights, rowLabels, colLabels, title: 'reverse' });
 */
export async function writeAttentionPng(path: string, input: AttentionHeatmapInput, png: PngOptions = {}): Promise<void> {
  writeFileAtomic(path, await attentionHeatmapPng(input, png));
}

/**
 * Writes a PNG of attention grids (layers × heads per kind of attention) to `path` atomically.
 *
 * @example
 * await writeAttentionGridPng('attention.png', { title: 'abc', sections: [{ title: 'cross-attention', weights, rowLabels, colLabels }] });
 */
export async function writeAttentionGridPng(path: string, input: AttentionGridInput, png: PngOptions = {}): Promise<void> {
  pngSupport();
  writeFileAtomic(path, svgToPng(await attentionGridSvg(input, NODE_RENDER), png));
}

/**
 * Writes the training-curves PNG to `path` atomically.
 *
 * @example
 * await writeTrainingCurvesPng('runs/lm/curves.png', history, { title: 'Shakespeare LM' });
 */
export async function writeTrainingCurvesPng(path: string, history: readonly EpochRecord[], opts: TrainingCurvesOptions & PngOptions = {}): Promise<void> {
  writeFileAtomic(path, await trainingCurvesPng(history, opts));
}

