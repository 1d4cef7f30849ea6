/**
 * Sequential colour maps for weights. The names are the ones Vega and d3-scale-chromatic share, so
 * the SVG (coloured by Vega) and the terminal heatmap (coloured here) agree.
 */
import { rgb } from 'd3-color';
import {
  interpolateBlues, interpolateCividis, interpolateGreens, interpolateGreys, interpolateInferno,
  interpolateMagma, interpolateOranges, interpolatePlasma, interpolatePurples, interpolateViridis,
} from 'd3-scale-chromatic';
import { check } from '../util/errors.js';

/** Perceptually ordered sequential schemes: the perceived lightness changes monotonically with t. */
export type ColorScheme =
  | 'viridis' | 'magma' | 'inferno' | 'plasma' | 'cividis'
  | 'blues' | 'greens' | 'greys' | 'oranges' | 'purples';

const interpolators: { [S in ColorScheme]: (t: number) => string } = {
  viridis: interpolateViridis,
  magma: interpolateMagma,
  inferno: interpolateInferno,
  plasma: interpolatePlasma,
  cividis: interpolateCividis,
  blues: interpolateBlues,
  greens: interpolateGreens,
  greys: interpolateGreys,
  oranges: interpolateOranges,
  purples: interpolatePurples,
};

/** Every scheme name, for option checking and help text. */
export const COLOR_SCHEMES = Object.keys(interpolators) as readonly ColorScheme[];

/** The colour shown for a missing (NaN) weight. */
export const MISSING_COLOR = '#d4d4d4';

/** Throws a clear error unless `name` is one of {@link COLOR_SCHEMES}. */
export function checkScheme(name: string, op: string): asserts name is ColorScheme {
  check(Object.hasOwn(interpolators, name), () => `${op}: unknown colour scheme '${name}'; expected one of ${COLOR_SCHEMES.join(', ')}`);
}

/** Colour of `t` ∈ [0, 1] (clamped) in `scheme`, as 8-bit `[r, g, b]`. */
export function schemeRgb(scheme: ColorScheme, t: number): [number, number, number] {
  const c = rgb(interpolators[scheme](Math.min(1, Math.max(0, t))));
  return [Math.round(c.r), Math.round(c.g), Math.round(c.b)];
}

/** WCAG relative luminance of an 8-bit sRGB colour: 0 is black, 1 is white. */
export function relativeLuminance([r, g, b]: readonly [number, number, number]): number {
  const lin = (c: number): number => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** Black or white, whichever reads better on `background`. */
export function inkFor(background: readonly [number, number, number]): '#000000' | '#ffffff' {
  // 0.179 is where black and white text have equal WCAG contrast against the background.
  return relativeLuminance(background) > 0.179 ? '#000000' : '#ffffff';
}
