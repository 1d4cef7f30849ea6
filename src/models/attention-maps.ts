import type { Tensor } from '../core/tensor.js';

// Attention weights of one decoding step as plain arrays, row by row (what StepOutput carries).

/** weights [n, nh, 1, K] of one layer → n rows of K numbers, averaged over the heads. */
export function headAverageRows(weights: Tensor): number[][] {
  const [n, nh, , K] = weights.shape as [number, number, number, number];
  const w = weights.data;
  return Array.from({ length: n }, (_, i) => {
    const row = new Array<number>(K).fill(0);
    for (let h = 0; h < nh; h++) {
      const o = (i * nh + h) * K;
      for (let j = 0; j < K; j++) row[j]! += w[o + j]! / nh;
    }
    return row;
  });
}

/** One [n, nh, 1, K] tensor per layer → rows[i][layer][head] = K numbers. */
export function layerHeadRows(perLayer: readonly Tensor[]): number[][][][] {
  const n = perLayer[0]?.shape[0] ?? 0;
  return Array.from({ length: n }, (_, i) => perLayer.map((weights) => {
    const [, nh, , K] = weights.shape as [number, number, number, number];
    return Array.from({ length: nh }, (_, h) => Array.from(weights.data.subarray((i * nh + h) * K, (i * nh + h + 1) * K)));
  }));
}

/**
 * One kind of attention of a model over one example, every layer and head, as plain arrays
 * for pictures: `weights[l][h][i][j]` is how much query position i attends to key position j
 * in layer l, head h. `rows` / `cols` say which token sequence labels the queries / keys.
 */
export interface AttentionMapGroup {
  /** e.g. "encoder self-attention", "decoder self-attention", "cross-attention". */
  name: string;
  rows: 'source' | 'target';
  cols: 'source' | 'target';
  weights: number[][][][];
}

/** One [1, nh, Tq, Tk] tensor per layer → weights[l][h][i][j] of batch row 0. */
export function layerHeadMatrices(perLayer: readonly Tensor[]): number[][][][] {
  return perLayer.map((w) => {
    const [, nh, Tq, Tk] = w.shape as [number, number, number, number];
    return Array.from({ length: nh }, (_, h) => Array.from({ length: Tq }, (_, i) => {
      const o = (h * Tq + i) * Tk;
      return Array.from(w.data.subarray(o, o + Tk), Number);
    }));
  });
}
