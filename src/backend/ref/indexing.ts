import type { AnyArray, FloatArray } from '../backend.js';

export function indexSelect(x: AnyArray, outer: number, n: number, inner: number, idx: Int32Array, out: AnyArray): void {
  const m = idx.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const src = (o * n + idx[j]!) * inner;
      const dst = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[dst + i] = x[src + i]!;
    }
  }
}

export function indexAdd(g: FloatArray, outer: number, n: number, inner: number, idx: Int32Array, gx: FloatArray, skip: number): void {
  const m = idx.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const r = idx[j]!;
      if (r === skip) continue;
      const dst = (o * n + r) * inner;
      const src = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) gx[dst + i]! += g[src + i]!;
    }
  }
}

export function gather(x: AnyArray, outer: number, n: number, inner: number, idx: Int32Array, m: number, out: AnyArray): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const base = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[base + i] = x[(o * n + idx[base + i]!) * inner + i]!;
    }
  }
}

export function scatterAdd(g: FloatArray, outer: number, n: number, inner: number, idx: Int32Array, m: number, gx: FloatArray): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const base = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) gx[(o * n + idx[base + i]!) * inner + i]! += g[base + i]!;
    }
  }
}
