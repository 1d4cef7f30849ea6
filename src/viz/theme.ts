/**
 * The shared look of glimpse's pictures: one font, one set of sizes and colours, as a Vega-Lite
 * `config`. The font is DejaVu Sans, which the Node renderer ships (see `node.ts`) so PNGs look
 * the same on a machine with no system fonts; browsers fall back to Verdana or their sans-serif.
 */
import type { Config } from 'vega-lite';

/** CSS font-family list used in every SVG we produce. */
export const FONT_FAMILY = "'DejaVu Sans', 'Bitstream Vera Sans', Verdana, sans-serif";

/** Text colours: strong for titles, muted for axes. */
export const INK = '#222222';
export const MUTED_INK = '#444444';

/** Series colours (Tableau 10, the Vega default palette) so each role keeps its colour everywhere. */
export const SERIES_COLORS = {
  train: '#4c78a8',
  trainSteps: '#9ecae9',
  valid: '#f58518',
  metric: '#54a24b',
  validFree: '#e45756',
} as const;

/** Vega-Lite config shared by every chart; charts override sizes where the layout needs it. */
export function baseConfig(): Config {
  return {
    font: FONT_FAMILY,
    background: 'white',
    padding: 16,
    view: { stroke: null },
    title: { fontSize: 16, fontWeight: 'bold', color: INK, subtitleColor: MUTED_INK, subtitleFontSize: 12, offset: 12, anchor: 'middle' },
    axis: {
      labelFontSize: 11, labelColor: MUTED_INK, titleFontSize: 12, titleFontWeight: 'bold', titleColor: INK,
      domainColor: '#888888', tickColor: '#888888', gridColor: '#e6e6e6', titlePadding: 8,
    },
    legend: { labelFontSize: 11, labelColor: MUTED_INK, titleFontSize: 12, titleColor: INK, titleFontWeight: 'bold' },
  };
}
