/**
 * The font the Node renderer draws with, and its exact text metrics (Node only).
 *
 * DejaVu Sans comes from the `dejavu-fonts-ttf` package rather than the system, so a fresh machine
 * with no fonts draws the same picture. It covers Latin (with German, French, … accents), Greek,
 * Cyrillic and the symbols subword tokenisers print (▁, Ġ, ·); its licence (Bitstream Vera + public
 * domain changes) allows redistribution. Metrics come from fontkit reading the same files.
 */
import { readFileSync } from 'node:fs';
import type * as Fontkit from 'fontkit';
import { pngSupport } from './optional-deps.js';
import type { TextStyle, TextWidth } from './render-svg.js';

/** Paths of the TrueType files resvg loads: regular and bold DejaVu Sans (resolved on first use). */
export function fontFiles(): { regular: string; bold: string } {
  return pngSupport().fonts;
}

/** The family name inside those files, which resvg matches `font-family` against. */
export const FONT_FAMILY_NAME = 'DejaVu Sans';

let faces: { regular: Fontkit.Font; bold: Fontkit.Font } | undefined;

function loadFace(path: string): Fontkit.Font {
  const face = pngSupport().fontkit.create(readFileSync(path));
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
  if (!faces) {
    const files = fontFiles();
    faces = { regular: loadFace(files.regular), bold: loadFace(files.bold) };
  }
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
