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
