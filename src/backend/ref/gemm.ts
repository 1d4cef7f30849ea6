import type { FloatArray, GemmParams } from '../backend.js';

/**
 * Reference GEMM: row-at-a-time with a float64 accumulator row, so the spec is accurate.
 * Loop orders keep the innermost loop on contiguous memory for each transpose variant.
 */
export function gemm(p: GemmParams, a: FloatArray, b: FloatArray, c: FloatArray): void {
  const { batch, m, n, k, transA, transB, strideA, strideB, strideC, accumulate } = p;
  const acc = new Float64Array(n);
  for (let bi = 0; bi < batch; bi++) {
    const ao = bi * strideA;
    const bo = bi * strideB;
    const co = bi * strideC;
    for (let i = 0; i < m; i++) {
      acc.fill(0);
      if (!transB) {
        // acc += A[i, p] · B[p, :]
        for (let q = 0; q < k; q++) {
          const av = transA ? a[ao + q * m + i]! : a[ao + i * k + q]!;
          if (av === 0) continue;
          const brow = bo + q * n;
          for (let j = 0; j < n; j++) acc[j]! += av * b[brow + j]!;
        }
      } else {
        // acc[j] = A[i, :] · B[j, :]
        for (let j = 0; j < n; j++) {
          const brow = bo + j * k;
          let s = 0;
          if (transA) for (let q = 0; q < k; q++) s += a[ao + q * m + i]! * b[brow + q]!;
          else {
            const arow = ao + i * k;
            for (let q = 0; q < k; q++) s += a[arow + q]! * b[brow + q]!;
          }
          acc[j] = s;
        }
      }
      const crow = co + i * n;
      // A shared C (strideC 0) sums every product: only the first may overwrite it.
      if (accumulate || (strideC === 0 && bi > 0)) for (let j = 0; j < n; j++) c[crow + j]! += acc[j]!;
      else for (let j = 0; j < n; j++) c[crow + j] = acc[j]!;
    }
  }
}
