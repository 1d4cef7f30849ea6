import type { FloatArray } from '../backend.js';

export function sumAxis(x: FloatArray, outer: number, n: number, inner: number, out: FloatArray, accumulate: boolean): void {
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let s = 0;
      const base = o * n;
      for (let j = 0; j < n; j++) s += x[base + j]!;
      out[o] = accumulate ? out[o]! + s : s;
    }
    return;
  }
  // Accumulate in float64 so long sums stay accurate.
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    for (let j = 0; j < n; j++) {
      const base = (o * n + j) * inner;
      for (let i = 0; i < inner; i++) acc[i]! += x[base + i]!;
    }
    const ob = o * inner;
    for (let i = 0; i < inner; i++) out[ob + i] = accumulate ? out[ob + i]! + acc[i]! : acc[i]!;
  }
}

export function maxAxis(x: FloatArray, outer: number, n: number, inner: number, out: FloatArray, arg: Int32Array | null): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = -Infinity;
      let bj = 0;
      for (let j = 0; j < n; j++) {
        const v = x[(o * n + j) * inner + i]!;
        if (v > best || (v !== v && best === best)) {
          best = v;
          bj = j;
        }
      }
      out[o * inner + i] = best;
      if (arg) arg[o * inner + i] = bj;
    }
  }
}
