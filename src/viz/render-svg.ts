/**
 * Vega-Lite spec → SVG string, headless: Vega lays the chart out and writes SVG markup without a
 * DOM or canvas, in Node and in the browser alike. Vega is imported lazily so that code which
 * never draws does not pay for loading it.
 */
import type { TopLevelSpec } from 'vega-lite';
import { GlimpseError } from '../util/errors.js';

/** Font of one piece of text, as Vega describes it. */
export interface TextStyle {
  fontSize: number;
  fontFamily: string;
  fontWeight?: string | number;
  fontStyle?: string;
}

/** Width in px of `text` drawn in `style`. */
export type TextWidth = (text: string, style: TextStyle) => number;

/** How {@link renderSvg} renders. */
export interface RenderOptions {
  /**
   * Measures text for layout. Without it Vega measures with a canvas where there is one (the
   * browser) and otherwise estimates 0.8 em a character, which leaves loose margins. The Node
   * module passes exact metrics of the font it rasterises with.
   */
  textWidth?: TextWidth;
}

interface VegaTextItem {
  fontSize?: number;
  font?: string;
  fontWeight?: string | number;
  fontStyle?: string;
  limit?: number;
}

/**
 * Renders a Vega-Lite spec to a standalone SVG document.
 *
 * @example
 * const svg = await renderSvg(attentionHeatmapSpec({ weights, rowLabels, colLabels }));
 */
export async function renderSvg(spec: TopLevelSpec, opts: RenderOptions = {}): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const quiet = { level: () => quiet, error: () => quiet, warn: () => quiet, info: () => quiet, debug: () => quiet };
  let compiled;
  try {
    compiled = vegaLite.compile(spec, { logger: quiet as never }).spec;
  } catch (err) {
    throw new GlimpseError(`renderSvg: Vega-Lite could not compile the chart: ${(err as Error).message}`);
  }
  // Vega exports textMetrics but its typings leave it out.
  const metrics = Reflect.get(vega, 'textMetrics') as { width: (item: VegaTextItem, text: unknown) => number };
  const previous = metrics.width;
  const measure = opts.textWidth;
  if (measure !== undefined) {
    // Vega's documented hook for custom text metrics (vl-convert uses it the same way). Vega also
    // calls it on prefixes while it shortens labels to `limit`, so report a too-long text as
    // exactly `limit` wide: its ellipsised form is at most that.
    metrics.width = (item, text) => {
      const s = String(text ?? '').trim();
      if (s === '') return 0;
      const w = measure(s, {
        fontSize: item.fontSize ?? 11,
        fontFamily: item.font ?? 'sans-serif',
        fontWeight: item.fontWeight,
        fontStyle: item.fontStyle,
      });
      return item.limit !== undefined && item.limit > 0 && w > item.limit ? item.limit : w;
    };
  }
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
    metrics.width = previous;
  }
}
