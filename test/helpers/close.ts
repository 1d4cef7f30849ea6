import { expect } from 'vitest';
import { Tensor } from '../../src/core/tensor.js';

/** What `expectClose` compares: a tensor (shape checked too) or any array of numbers. */
export type Values = Tensor | ArrayLike<number>;

export interface CloseOptions {
  /** Relative tolerance, scaled by |expected| (default 1e-4). */
  readonly rtol?: number;
  /** Absolute tolerance (default 1e-5). */
  readonly atol?: number;
  /** Names the compared values in a failure message (default "value"). */
  readonly what?: string;
}

/**
 * |actual − expected| ≤ atol + rtol·|expected| elementwise (numpy's `allclose`), with equal
 * infinities and NaN where NaN is expected accepted. Tensors must also agree in shape. A failure
 * names the first index out of tolerance.
 *
 * @example
 * expectClose(wasmOut, refOut, { rtol: 1e-4, atol: 2e-5, what: 'gemm 4x5x17' });
 * expectClose(a.context, b.context, { rtol: 0, atol: 1e-12 }); // Tensors: shapes checked too
 */
export function expectClose(actual: Values, expected: Values, options: CloseOptions = {}): void {
  const { rtol = 1e-4, atol = 1e-5, what = 'value' } = options;
  const [a, e] = sameSize(actual, expected, what);
  for (let i = 0; i < e.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    const ok = Number.isNaN(y) ? Number.isNaN(x) : !Number.isFinite(y) ? x === y : Math.abs(x - y) <= atol + rtol * Math.abs(y);
    if (!ok) expect.fail(`${what}[${i}]: got ${x}, expected ${y} (|err| ${Math.abs(x - y)}, allowed ${atol} + ${rtol}·|expected|)`);
  }
}

/** Largest |a − b| over equal-length values (for asserting that two results differ). */
export function maxAbsDiff(a: Values, b: Values): number {
  const [x, y] = sameSize(a, b, 'maxAbsDiff');
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
}

/** The two sets of values, after checking that their shapes (tensors) or lengths agree. */
function sameSize(a: Values, b: Values, what: string): [ArrayLike<number>, ArrayLike<number>] {
  if (a instanceof Tensor || b instanceof Tensor) expect(shapeOf(a), `${what}: shape`).toEqual(shapeOf(b));
  const x = a instanceof Tensor ? a.data : a;
  const y = b instanceof Tensor ? b.data : b;
  expect(x.length, `${what}: length`).toBe(y.length);
  return [x, y];
}

function shapeOf(v: Values): readonly number[] {
  return v instanceof Tensor ? v.shape : [v.length];
}

/** Deterministic uniform values in [-scale, scale) (a tiny LCG: tests must not depend on global RNG state). */
export function randomF32(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 4294967296) * 2 - 1) * scale;
  }
  return out;
}
