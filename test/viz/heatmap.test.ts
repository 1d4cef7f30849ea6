import { describe, expect, it } from 'vitest';
import { decode } from 'fast-png';
import { GlimpseError } from '../../src/util/errors.js';
import { ansiHeatmap, attentionHeatmapSpec, attentionHeatmapSvg, heatmapLayout } from '../../src/viz/index.js';
import { attentionHeatmapPng, dejavuTextWidth, svgToPng } from '../../src/viz/node.js';
import { relativeLuminance } from '../../src/viz/colormap.js';
import { heatmapCells, parseColor, svgTexts } from './svg-cells.js';

const letters = 'abcdefghijkl'.split('');
/** The reverse task's attention: output t looks at input S−1−t. */
function antiDiagonal(n: number): number[][] {
  return Array.from({ length: n }, (_, t) => Array.from({ length: n }, (_, s) => (s === n - 1 - t ? 0.9 : 0.1 / (n - 1))));
}

describe('the colour scale of diffuse attention', () => {
  // A language model's attention rarely passes 0.2: on the fixed [0, 1] scale it is nearly all dark.
  const diffuse = [[0.05, 0.15, 0.18], [0.12, 0.02, 0.09]];
  const luminance = (svg: string) => heatmapCells(svg).map((c) => relativeLuminance(parseColor(c.fill)));

  it("'max' spans 0 to the largest weight: the largest cell gets the scale's brightest colour, the others keep their order", async () => {
    const fixed = luminance(await attentionHeatmapSvg({ weights: diffuse }));
    const adapted = luminance(await attentionHeatmapSvg({ weights: diffuse, domain: 'max', legendTitle: 'weight (scale 0–0.18)' }));
    const top = luminance(await attentionHeatmapSvg({ weights: [[1]] }))[0]!;
    expect(Math.max(...fixed)).toBeLessThan(top * 0.5);
    expect(Math.max(...adapted)).toBeCloseTo(top, 2);
    const order = (xs: number[]) => xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]!);
    expect(order(adapted)).toEqual(order(diffuse.flat()));
  });

  it("names its span in the terminal legend too", () => {
    const text = ansiHeatmap({ weights: diffuse, domain: 'max', color: false });
    expect(text).toMatch(/weight: · <0\.04/);
  });
});

describe('attentionHeatmapSpec', () => {
  it('keeps repeated tokens apart: positions are indices, labels come from the token lists', () => {
    const spec = attentionHeatmapSpec({ weights: [[0.5, 0.5], [0.2, 0.8]], rowLabels: ['the', 'the'], colLabels: ['a', 'a'] }) as unknown as {
      params: { name: string; value: string[] }[]; data: { values: { t: number; s: number; w: number }[] };
    };
    expect(spec.params.map((p) => p.value)).toEqual([['the', 'the'], ['a', 'a']]);
    expect(spec.data.values.map((d) => [d.t, d.s, d.w])).toEqual([[0, 0, 0.5], [0, 1, 0.5], [1, 0, 0.2], [1, 1, 0.8]]);
  });

  it('accepts Float32Array rows and flat data with a shape', () => {
    const rows = attentionHeatmapSpec({ weights: [Float32Array.of(0.25, 0.75)] }) as unknown as { data: { values: { w: number }[] } };
    const flat = attentionHeatmapSpec({ weights: Float32Array.of(0.25, 0.75), shape: [1, 2] }) as unknown as { data: { values: { w: number }[] } };
    expect(rows.data.values.map((d) => d.w)).toEqual([0.25, 0.75]);
    expect(flat.data.values.map((d) => d.w)).toEqual([0.25, 0.75]);
  });

  it('turns NaN into a missing cell and says so in the subtitle', () => {
    const spec = attentionHeatmapSpec({ weights: [[NaN, 1]] }) as unknown as { data: { values: { w: number | null }[] }; title: { subtitle: string } };
    expect(spec.data.values[0]!.w).toBeNull();
    expect(spec.title.subtitle).toContain('1 missing');
  });

  it('sizes cells for small and large matrices and rotates long column labels', () => {
    const small = heatmapLayout(3, 3, ['I', 'am', 'tired']);
    const large = heatmapLayout(60, 60, Array.from({ length: 60 }, () => 'international'));
    expect(small.cell).toBeGreaterThanOrEqual(40);
    expect(small.annotate).toBe(true);
    expect(small.xLabelAngle).toBe(0);
    expect(large.cell).toBeGreaterThanOrEqual(14); // one label line per cell at ≥ 10 px font
    expect(large.labelFontSize).toBeLessThanOrEqual(large.cell - 4);
    expect(large.annotate).toBe(false);
    expect(large.xLabelAngle).toBeLessThan(0);
  });

  it('rejects ragged rows, wrong label counts, flat data without shape and unknown schemes', () => {
    expect(() => attentionHeatmapSpec({ weights: [[1, 2], [3]] })).toThrow(/rectangular: row 0 has 2 values, row 1 has 1/);
    expect(() => attentionHeatmapSpec({ weights: [[1, 2]], colLabels: ['a'] })).toThrow(/colLabels has 1 labels but the weights have 2 columns/);
    expect(() => attentionHeatmapSpec({ weights: [[1, 2]], rowLabels: ['a', 'b'] })).toThrow(/rowLabels has 2 labels but the weights have 1 rows/);
    expect(() => attentionHeatmapSpec({ weights: Float32Array.of(1, 2) })).toThrow(/need shape/);
    expect(() => attentionHeatmapSpec({ weights: Float32Array.of(1, 2), shape: [2, 2] })).toThrow(/needs 4 weights, got 2/);
    expect(() => attentionHeatmapSpec({ weights: [[1]], scheme: 'rainbow' as never })).toThrow(GlimpseError);
    expect(() => attentionHeatmapSpec({ weights: [[1]], domain: [1, 0] })).toThrow(/lo < hi/);
  });
});

describe('attentionHeatmapSvg', () => {
  it('has the title, axis titles, every token and the colour bar', async () => {
    const svg = await attentionHeatmapSvg({
      weights: antiDiagonal(12), rowLabels: [...letters].reverse(), colLabels: letters, title: 'Reverse <task> & co',
    }, { textWidth: dejavuTextWidth });
    const texts = svgTexts(svg);
    expect(texts).toContain('Reverse <task> & co');
    expect(texts).toEqual(expect.arrayContaining(['source', 'target', 'weight', '0.0', '1.0', ...letters]));
    expect(svg.includes('linearGradient'), 'colour bar').toBe(true);
    expect(heatmapCells(svg)).toHaveLength(144);
  });

  it('draws all 60×60 cells and all 120 labels, long ones ellipsised, columns rotated', async () => {
    const vocab = ['the', 'cat', 'sat', 'on', 'mat', '<eos>', 'Straße', 'über', 'a-very-long-subword-token'];
    const tokens = Array.from({ length: 60 }, (_, i) => `${i}:${vocab[i % vocab.length]}`);
    const weights = tokens.map((_, t) => tokens.map((_, s) => (s <= t ? 1 / (t + 1) : 0)));
    const svg = await attentionHeatmapSvg({ weights, rowLabels: tokens, colLabels: tokens }, { textWidth: dejavuTextWidth });
    const texts = svgTexts(svg);
    for (const token of tokens) {
      const shown = texts.filter((t) => t === token || (t.endsWith('…') && token.startsWith(t.slice(0, -1))));
      expect(shown, token).toHaveLength(2); // once as a row label, once as a column label
    }
    expect(texts.some((t) => t.endsWith('…'))).toBe(true);
    expect(svg.includes('rotate(300)'), 'column labels turned by −60°').toBe(true);
    expect(heatmapCells(svg)).toHaveLength(3600);
  });

  it('draws an empty matrix as a titled note instead of failing', async () => {
    const svg = await attentionHeatmapSvg({ weights: [], title: 'nothing yet' });
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['nothing yet', 'no attention weights (0 × 0)']));
  });
});

describe('attention heatmap PNG', () => {
  it('has the SVG size × scale, decodes, and its cell colours follow the weights', async () => {
    const values = [0, 0.25, 0.5, 0.75, 1];
    const input = { weights: [values, [...values].reverse()], rowLabels: ['x', 'y'], colLabels: ['a', 'b', 'c', 'd', 'e'], cellSize: 40, annotate: false };
    const svg = await attentionHeatmapSvg(input, { textWidth: dejavuTextWidth });
    const [, w, h] = /<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number);
    const scale = 2;
    const image = decode(svgToPng(svg, { scale }));
    expect([image.width, image.height]).toEqual([w! * scale, h! * scale]);

    const pixel = (x: number, y: number): [number, number, number] => {
      const i = (Math.round(y * scale) * image.width + Math.round(x * scale)) * image.channels;
      return [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
    };
    const cells = heatmapCells(svg);
    expect(cells).toHaveLength(10);
    const centres = cells.map((c) => pixel(c.x + c.width / 2, c.y + c.height / 2));
    centres.forEach((rgb, i) => {
      // The rasterised cell has the colour Vega gave it.
      parseColor(cells[i]!.fill).forEach((v, k) => expect(Math.abs(rgb[k]! - v)).toBeLessThanOrEqual(2));
    });
    // Viridis gets lighter as the weight grows: luminance is monotone in the value.
    const firstRow = centres.slice(0, 5).map(relativeLuminance);
    for (let i = 1; i < 5; i++) expect(firstRow[i]!).toBeGreaterThan(firstRow[i - 1]!);
    const secondRow = centres.slice(5).map(relativeLuminance);
    expect(secondRow).toEqual([...firstRow].reverse());
  });

  it('renders the 12×12 reverse pattern with the bright cells on the anti-diagonal', async () => {
    const png = decode(await attentionHeatmapPng({ weights: antiDiagonal(12), rowLabels: [...letters].reverse(), colLabels: letters }, { scale: 1 }));
    expect(png.width).toBeGreaterThan(12 * 40);
    const svg = await attentionHeatmapSvg({ weights: antiDiagonal(12), rowLabels: [...letters].reverse(), colLabels: letters }, { textWidth: dejavuTextWidth });
    const cells = heatmapCells(svg);
    for (let t = 0; t < 12; t++) {
      const lum = cells.slice(t * 12, t * 12 + 12).map((c) => {
        // Near the corner: the centre holds the printed weight.
        const i = (Math.round(c.y + 5) * png.width + Math.round(c.x + 5)) * png.channels;
        return relativeLuminance([png.data[i]!, png.data[i + 1]!, png.data[i + 2]!]);
      });
      expect(lum.indexOf(Math.max(...lum))).toBe(11 - t);
    }
  });
});
