import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { compareCurvesSvg } from '../../src/viz/index.js';
import { dejavuTextWidth, writeCompareCurvesPng } from '../../src/viz/node.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('compare curves', () => {
  const input = {
    title: 'Validation exact match', subtitle: '200 steps', xTitle: 'step', yTitle: 'exact match', percent: true, integerX: true,
    series: [
      { name: 'lstm', points: [{ x: 40, y: 0.1 }, { x: 80, y: 0.5 }] },
      { name: 'gru-attn', points: [{ x: 40, y: 0.3 }, { x: 80, y: Number.NaN }] },
    ],
  };

  it('draws one line per run with its name in the legend, on one set of axes', async () => {
    const svg = await compareCurvesSvg(input, { textWidth: dejavuTextWidth });
    for (const text of ['Validation exact match', '200 steps', 'lstm', 'gru-attn', 'step', 'exact match', '100%']) expect(svg, text).toContain(text);
    const file = join(mkdtempSync(join(tmpdir(), 'glimpse-compare-')), 'c.png');
    await writeCompareCurvesPng(file, input);
    expect(decode(readFileSync(file)).width).toBeGreaterThan(400);
  });

  it('rejects repeated names and runs without a finite point', () => {
    expect(() => compareCurvesSvg({ ...input, series: [input.series[0]!, input.series[0]!] })).toThrow('compareCurves: series names must differ, got lstm, lstm');
    expect(() => compareCurvesSvg({ ...input, series: [{ name: 'x', points: [{ x: 1, y: Number.NaN }] }] })).toThrow('compareCurves: no finite points to draw');
  });
});
