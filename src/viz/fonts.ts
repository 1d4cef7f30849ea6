/**
 * The font the Node renderer draws with, and its exact text metrics (Node only).
 *
 * DejaVu Sans comes from the `dejavu-fonts-ttf` package rather than the system, so a fresh machine
 * with no fonts draws the same picture. It covers Latin (with German, French, … accents), Greek,
 * Cyrillic and the symbols subword tokenisers print (▁, Ġ, ·); its licence (Bitstream Vera + public
 * domain changes) allows redistribution. Metrics come from fontkit reading the same files.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import * as fontkit from 'fontkit';
import type { TextStyle, TextWidth } from './render-svg.js';

const require = createRequire(import.meta.url);

/** Paths of the TrueType files resvg loads: regular and bold DejaVu Sans. */
export const FONT_FILES = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
} as const;

/** The family name inside those files, which resvg matches `font-family` against. */
export const FONT_FAMILY_NAME = 'DejaVu Sans';

let faces: { regular: fontkit.Font; bold: fontkit.Font } | undefined;

function loadFace(path: string): fontkit.Font {
  const face = fontkit.create(readFileSync(path));
  if ('fonts' in face) return face.fonts[0]!; // a collection; ours are single fonts
  return face;
}

function isBold(weight: string | number | undefined): boolean {
  if (weight === undefined) return false;
  if (typeof weight === 'number') return weight >= 600;
  return weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
}

/**
 * Width in px of `text` in DejaVu Sans at `style.fontSize`, shaped with kerning as the
 * rasteriser draws it. Other families are measured as DejaVu Sans too: it is the only font the
 * rasteriser has.
 */
export const dejavuTextWidth: TextWidth = (text: string, style: TextStyle): number => {
  faces ??= { regular: loadFace(FONT_FILES.regular), bold: loadFace(FONT_FILES.bold) };
  const bold = isBold(style.fontWeight);
  const key = `${bold ? 'b' : 'r'}${text}`;
  let em = emWidths.get(key);
  if (em === undefined) {
    const face = bold ? faces.bold : faces.regular;
    em = face.layout(text).advanceWidth / face.unitsPerEm;
    if (emWidths.size >= MAX_CACHED) emWidths.clear();
    emWidths.set(key, em);
  }
  return em * style.fontSize;
};

// Vega measures the same labels many times (layout, bounds, truncation), so widths are cached
// in em, independent of the size.
const emWidths = new Map<string, number>();
const MAX_CACHED = 20_000;
