import type { AnyArray } from '../backend.js';

/** N-d strided copy; the innermost dim runs as a tight loop (a plain `set` when both are unit-stride). */
export function copyStrided(
  src: AnyArray, srcOffset: number, srcStrides: readonly number[],
  dst: AnyArray, dstOffset: number, dstStrides: readonly number[],
  shape: readonly number[],
): void {
  const nd = shape.length;
  if (nd === 0) {
    dst[dstOffset] = src[srcOffset]!;
    return;
  }
  for (const d of shape) if (d === 0) return;
  const n = shape[nd - 1]!;
  const ss = srcStrides[nd - 1]!;
  const ds = dstStrides[nd - 1]!;
  const idx = new Array<number>(nd - 1).fill(0);
  let so = srcOffset;
  let dOff = dstOffset;
  const sameKind = Object.getPrototypeOf(src) === Object.getPrototypeOf(dst);
  for (;;) {
    if (ss === 1 && ds === 1 && sameKind) {
      (dst as Float32Array).set((src as Float32Array).subarray(so, so + n), dOff);
    } else {
      for (let i = 0, s = so, t = dOff; i < n; i++, s += ss, t += ds) dst[t] = src[s]!;
    }
    // Advance the outer index like an odometer.
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]!++;
      so += srcStrides[d]!;
      dOff += dstStrides[d]!;
      if (idx[d]! < shape[d]!) break;
      so -= srcStrides[d]! * shape[d]!;
      dOff -= dstStrides[d]! * shape[d]!;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/**
 * Calls `row(offsets, n)` for every row of an N-d broadcast iteration: `offsets[k]` is operand k's
 * offset at the row's start, `n` the innermost size; operand k's innermost stride is strides[k][last].
 * One call per row, never per element.
 */
export function forEachRow(
  shape: readonly number[], strides: readonly (readonly number[])[],
  row: (offsets: number[], n: number) => void,
): void {
  const nd = shape.length;
  const k = strides.length;
  const offsets = new Array<number>(k).fill(0);
  if (nd === 0) {
    row(offsets, 1);
    return;
  }
  for (const d of shape) if (d === 0) return;
  const idx = new Array<number>(nd - 1).fill(0);
  const n = shape[nd - 1]!;
  for (;;) {
    row(offsets, n);
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]!++;
      for (let j = 0; j < k; j++) offsets[j]! += strides[j]![d]!;
      if (idx[d]! < shape[d]!) break;
      for (let j = 0; j < k; j++) offsets[j]! -= strides[j]![d]! * shape[d]!;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
