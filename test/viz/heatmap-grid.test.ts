import { describe, expect, it } from 'vitest';
import { attentionGridSpec, attentionGridSvg } from '../../src/viz/index.js';
import { svgTexts } from './svg-cells.js';

/** The fills of the heatmap cells: the rect paths of the panels' mark groups. */
function heatmapCells(svg: string): string[] {
  const groups = [...svg.matchAll(/<g class="mark-rect role-mark concat_\d+_child_marks"[^>]*>(.*?)<\/g>/gs)];
  return groups.flatMap((g) => [...g[1]!.matchAll(/<path[^>]*fill="([^"]+)"/g)].map((m) => m[1]!));
}

/** weights[l][h] = a T×S matrix whose cells say which layer and head they belong to. */
function grid(L: number, H: number, T: number, S: number): number[][][][] {
  return Array.from({ length: L }, (_, l) => Array.from({ length: H }, (_, h) => Array.from({ length: T }, (_, i) => Array.from({ length: S }, (_, j) => ((l * H + h + i + j) % 5) / 5))));
}

describe('attention grids (layers × heads)', () => {
  it('draws one labelled panel per layer and head of every section, with its tokens', async () => {
    const svg = await attentionGridSvg({
      title: 'abc',
      sections: [
        { title: 'encoder self-attention', weights: grid(2, 3, 3, 3), rowLabels: ['a', 'b', 'c'], colLabels: ['a', 'b', 'c'] },
        { title: 'cross-attention', weights: grid(2, 3, 4, 3), rowLabels: ['c', 'b', 'a', '<eos>'], colLabels: ['a', 'b', 'c'] },
      ],
    });
    // 2 × 3 panels of 3 × 3 cells, then 2 × 3 panels of 4 × 3 cells.
    expect(heatmapCells(svg)).toHaveLength(2 * 3 * 9 + 2 * 3 * 12);
    const texts = svgTexts(svg);
    for (const label of ['layer 1', 'layer 2', 'head 1', 'head 2', 'head 3', '<eos>']) expect(texts, label).toContain(label);
    expect(texts).toContain('encoder self-attention (2 layers × 3 heads)');
    expect(texts).toContain('cross-attention (2 layers × 3 heads)');
  });

  it('labels a selection with the numbers of the layer and head it shows', async () => {
    const svg = await attentionGridSvg({
      sections: [{ title: 'cross-attention', weights: grid(1, 1, 2, 2), rowLabels: ['x', 'y'], colLabels: ['p', 'q'], layerNumbers: [3], headNumbers: [2] }],
    });
    expect(heatmapCells(svg)).toHaveLength(4);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['layer 3', 'head 2']));
  });

  it('bad input gets one line naming the section, layer and head', () => {
    expect(() => attentionGridSpec({ sections: [{ title: 'cross', weights: grid(1, 2, 2, 2), rowLabels: ['x'], colLabels: ['p', 'q'] }] }))
      .toThrow('attentionGrid: section 1 (cross): layer 1 head 1 has 2 rows for 1 row labels');
    expect(() => attentionGridSpec({ sections: [{ title: 'cross', weights: grid(1, 2, 2, 2), rowLabels: ['x', 'y'], colLabels: ['p'] }] }))
      .toThrow('attentionGrid: section 1 (cross): layer 1 head 1 row 1 has 2 weights for 1 column labels');
  });
});
