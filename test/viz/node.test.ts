import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decode } from 'fast-png';
import { GlimpseError } from '../../src/util/errors.js';
import { dejavuTextWidth, svgToPng, writeAttentionPng, writeFileAtomic, writeTrainingCurvesPng } from '../../src/viz/node.js';

const dir = mkdtempSync(join(tmpdir(), 'glimpse-viz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PNG files', () => {
  it('writes the heatmap and the curves as PNGs and leaves no temporary files', async () => {
    const heatmap = join(dir, 'attention.png');
    const curves = join(dir, 'curves.png');
    writeFileSync(heatmap, 'an older picture');
    await writeAttentionPng(heatmap, { weights: [[0.9, 0.1], [0.3, 0.7]], rowLabels: ['b', 'a'], colLabels: ['a', 'b'] }, { scale: 1 });
    await writeTrainingCurvesPng(curves, [{ epoch: 1, trainLoss: 2, validLoss: 2.2, validMetric: 9, metricName: 'perplexity' }], { scale: 1 });
    for (const file of [heatmap, curves]) {
      const image = decode(readFileSync(file));
      expect(image.width).toBeGreaterThan(100);
      expect(image.height).toBeGreaterThan(100);
    }
    expect(readdirSync(dir).sort()).toEqual(['attention.png', 'curves.png']);
  });

  it('names the path when the folder does not exist, and leaves nothing behind', async () => {
    const missing = join(dir, 'no-such-folder', 'attention.png');
    expect(() => writeFileAtomic(missing, 'x')).toThrow(GlimpseError);
    expect(() => writeFileAtomic(missing, 'x')).toThrow(/no-such-folder\/attention\.png/);
  });

  it('rejects input that is not SVG and a bad scale', () => {
    expect(() => svgToPng('hello')).toThrow(/expected an SVG document/);
    expect(() => svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', { scale: 0 })).toThrow(/scale must be in \(0, 16\]/);
  });

  it('measures text with the bundled font: wider strings, bold wider than regular, linear in size', () => {
    const w = (s: string, fontSize = 10, fontWeight?: string): number => dejavuTextWidth(s, { fontSize, fontFamily: 'DejaVu Sans', fontWeight });
    expect(w('iii')).toBeLessThan(w('mmm'));
    expect(w('token', 10, 'bold')).toBeGreaterThan(w('token'));
    expect(w('token', 20)).toBeCloseTo(2 * w('token', 10), 6);
    expect(w('')).toBe(0);
  });
});
