import { describe, expect, it } from 'vitest';
import { groupedBarsSvg } from '../../src/viz/index.js';
import { dejavuTextWidth, groupedBarsPng } from '../../src/viz/node.js';
import { decode } from 'fast-png';

describe('grouped bars', () => {
  const input = {
    groups: ['10–19', '20–29'], title: 'Exact match by length', xTitle: 'length', yTitle: 'exact', percent: true,
    series: [{ name: 'attention', values: [0.97, 0.9] }, { name: 'no attention', values: [0.03, null] }],
  };

  it('draws every group, series and value with its title and axes', async () => {
    const svg = await groupedBarsSvg(input, { textWidth: dejavuTextWidth });
    for (const text of ['Exact match by length', '10–19', '20–29', 'attention', 'no attention', '97%', '90%', '3%', 'length', 'exact']) {
      expect(svg, text).toContain(text);
    }
    const png = decode(await groupedBarsPng(input));
    expect(png.width).toBeGreaterThan(300);
  });

  it('rejects a series whose values do not match the groups', () => {
    expect(() => groupedBarsSvg({ ...input, series: [{ name: 'x', values: [1] }] })).toThrow('groupedBars: series "x" has 1 values for 2 groups');
  });
});
