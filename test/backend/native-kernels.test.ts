// Parity of the native elementwise, reduction, softmax, indexing, normalisation, optimiser and
// copy kernels with the reference backend (the spec), on SIMD-tail sizes and awkward values.
import { expect, it } from 'vitest';
import type { BinaryOp, CompareOp, UnaryOp } from '../../src/backend/backend.js';
import { refBackend as ref } from '../../src/backend/registry.js';
import { SIZES, describeNative, expectClose, nativeForTests, rand } from './native-helpers.js';

const UNARY: UnaryOp[] = ['neg', 'exp', 'log', 'sqrt', 'tanh', 'sigmoid', 'relu', 'abs', 'pow', 'clamp', 'affine'];
const BINARY: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'];
const COMPARE: CompareOp[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or'];
/** Large, negative, zero, infinite and NaN values appended to random data. */
const SPECIAL = [0, -0, 1e-30, -1e-30, 50, -50, 90, -90, 200, -200, 1e30, -1e30, Infinity, -Infinity, NaN, 0.3, -0.3, 0.62, -0.63];

function withSpecials(n: number, seed: number, scale = 3): Float32Array {
  const x = rand(n, seed, scale);
  return n === 0 ? x : Float32Array.from([...x, ...SPECIAL]);
}

describeNative('elementwise kernels', () => {
  const nat = nativeForTests();
  it.each(UNARY)('unary %s and its backward', (op) => {
    for (const n of [...SIZES, 100]) {
      const x = op === 'log' || op === 'sqrt' || op === 'pow' ? withSpecials(n, n + 1).map(Math.abs) : withSpecials(n, n + 1);
      const [p0, p1] = op === 'clamp' ? [-0.5, 0.7] : op === 'affine' ? [1.5, -2] : op === 'pow' ? [2.5, 0] : [0, 0];
      const a = new Float32Array(x.length);
      const b = new Float32Array(x.length);
      nat.unary(op, x, a, p0, p1);
      ref.unary(op, x, b, p0, p1);
      expectClose(a, b, 1e-6, 3e-6, `${op} n=${n}`);
      const gy = rand(x.length, 7);
      nat.unaryBackward(op, x, b, gy, a, p0, p1);
      const gRef = new Float32Array(x.length);
      ref.unaryBackward(op, x, b, gy, gRef, p0, p1);
      expectClose(a, gRef, 1e-6, 3e-6, `${op} backward n=${n}`);
    }
  });

  it.each(BINARY)('binary %s, same shapes and broadcast, and its backward', (op) => {
    for (const n of SIZES) {
      const a = rand(n, 1, 4);
      const b = rand(n, 2, 4).map((v) => (op === 'div' || op === 'pow' ? Math.abs(v) + 0.5 : v));
      if (op === 'maximum' || op === 'minimum') b.set(a.subarray(0, Math.min(2, n))); // ties
      const o1 = new Float32Array(n);
      const o2 = new Float32Array(n);
      nat.binary(op, op === 'pow' ? a.map(Math.abs) : a, b, o1, null);
      ref.binary(op, op === 'pow' ? a.map(Math.abs) : a, b, o2, null);
      expectClose(o1, o2, 1e-6, 3e-6, `${op} n=${n}`);
    }
    // [3, 1, 5] ∘ [4, 1] → [3, 4, 5]
    const bc = { shape: [3, 4, 5], strides: [[5, 0, 1], [0, 1, 0]] };
    const a = rand(15, 3, 2).map((v) => (op === 'pow' ? Math.abs(v) + 0.1 : v));
    const b = rand(4, 4, 2).map((v) => (op === 'div' || op === 'pow' ? Math.abs(v) + 0.5 : v));
    const o1 = new Float32Array(60);
    const o2 = new Float32Array(60);
    nat.binary(op, a, b, o1, bc);
    ref.binary(op, a, b, o2, bc);
    expectClose(o1, o2, 1e-6, 3e-6, `${op} broadcast`);
    const gy = rand(60, 5);
    const [ga1, gb1, ga2, gb2] = [0, 0, 0, 0].map(() => new Float32Array(60));
    nat.binaryBackward(op, a, b, o2, gy, ga1!, gb1!, bc);
    ref.binaryBackward(op, a, b, o2, gy, ga2!, gb2!, bc);
    expectClose(ga1!, ga2!, 1e-6, 3e-6, `${op} backward a`);
    expectClose(gb1!, gb2!, 1e-6, 3e-6, `${op} backward b`);
    nat.binaryBackward(op, a, b, o2, gy, null, gb1!, bc); // one side only
    expectClose(gb1!, gb2!, 1e-6, 3e-6, `${op} backward b only`);
  });

  it.each(COMPARE)('compare %s on float32, int32 and bool, with broadcast', (op) => {
    const bc = { shape: [2, 3, 17], strides: [[17, 0, 1], [0, 17, 1]] };
    const kinds = [
      [rand(34, 1).map(Math.round), rand(51, 2).map(Math.round)],
      [Int32Array.from(rand(34, 3, 2), Math.round), Int32Array.from(rand(51, 4, 2), Math.round)],
      [Uint8Array.from(rand(34, 5), (v) => (v > 0 ? 1 : 0)), Uint8Array.from(rand(51, 6), (v) => (v > 0 ? 1 : 0))],
    ] as const;
    for (const [a, b] of kinds) {
      const o1 = new Uint8Array(102);
      const o2 = new Uint8Array(102);
      nat.compare(op, a, b, o1, bc);
      ref.compare(op, a, b, o2, bc);
      expect(o1).toEqual(o2);
      const same = new Uint8Array(34);
      const same2 = new Uint8Array(34);
      nat.compare(op, a, a.slice().reverse() as typeof a, same, null);
      ref.compare(op, a, a.slice().reverse() as typeof a, same2, null);
      expect(same).toEqual(same2);
    }
  });

  it('where over float32, int32 and bool with broadcast; maskScale; axpy; sumSquares', () => {
    const bc = { shape: [4, 17], strides: [[17, 1], [0, 1], [1, 0]] };
    const cond = Uint8Array.from(rand(68, 1), (v) => (v > 0 ? 1 : 0));
    for (const make of [(n: number, s: number) => rand(n, s), (n: number, s: number) => Int32Array.from(rand(n, s, 9), Math.round), (n: number, s: number) => Uint8Array.from(rand(n, s), (v) => (v > 0 ? 1 : 0))]) {
      const a = make(17, 2);
      const b = make(4, 3);
      const o1 = make(68, 0).fill(0);
      const o2 = make(68, 0).fill(0);
      nat.where(cond, a, b, o1, bc);
      ref.where(cond, a, b, o2, bc);
      expect(o1).toEqual(o2);
    }
    for (const n of [...SIZES, 99]) {
      const x = rand(n, n, 5);
      const mask = Uint8Array.from(rand(n, n + 9), (v) => (v > 0 ? 1 : 0));
      const o1 = new Float32Array(n);
      const o2 = new Float32Array(n);
      nat.maskScale(x, mask, 1.25, o1);
      ref.maskScale(x, mask, 1.25, o2);
      expect(o1).toEqual(o2);
      nat.axpy(-0.5, x, o1);
      ref.axpy(-0.5, x, o2);
      expectClose(o1, o2, 1e-6, 1e-6, `axpy n=${n}`);
      expect(nat.sumSquares(x)).toBeCloseTo(ref.sumSquares(x), 4);
    }
  });

  it('copyStrided: permutations and stride-0 reads for every element type', () => {
    const shape = [3, 4, 5];
    for (const src of [rand(60, 1), Int32Array.from(rand(60, 2, 100), Math.round), Uint8Array.from(rand(60, 3, 100), Math.abs)]) {
      const d1 = new (src.constructor as Float32ArrayConstructor)(60);
      const d2 = new (src.constructor as Float32ArrayConstructor)(60);
      nat.copyStrided(src, 0, [1, 3, 12], d1, 0, [20, 5, 1], shape); // transposed read
      ref.copyStrided(src, 0, [1, 3, 12], d2, 0, [20, 5, 1], shape);
      expect(d1).toEqual(d2);
      nat.copyStrided(src, 7, [0, 0, 1], d1, 2, [15, 5, 1], [1, 11, 5]); // offsets and stride 0
      ref.copyStrided(src, 7, [0, 0, 1], d2, 2, [15, 5, 1], [1, 11, 5]);
      expect(d1).toEqual(d2);
    }
  });
});

describeNative('reductions, softmax and cross-entropy', () => {
  const nat = nativeForTests();
  it('sumAxis (inner 1 and > 1, accumulate) and maxAxis (with NaN and -inf)', () => {
    for (const [outer, n, inner] of [[1, 0, 1], [1, 1, 1], [3, 5, 1], [4, 17, 3], [2, 3, 5], [1, 1000, 1]] as const) {
      const x = rand(outer * n * inner, n + inner, 100);
      if (x.length > 4) {
        x[1] = NaN;
        x[3] = -Infinity;
      }
      const o1 = rand(outer * inner, 1);
      const o2 = o1.slice();
      nat.sumAxis(x.map((v) => (Number.isNaN(v) || !Number.isFinite(v) ? 1 : v)), outer, n, inner, o1, true);
      ref.sumAxis(x.map((v) => (Number.isNaN(v) || !Number.isFinite(v) ? 1 : v)), outer, n, inner, o2, true);
      expectClose(o1, o2, 1e-4, 1e-5, 'sumAxis');
      const a1 = new Int32Array(outer * inner);
      const a2 = new Int32Array(outer * inner);
      nat.maxAxis(x, outer, n, inner, o1, a1);
      ref.maxAxis(x, outer, n, inner, o2, a2);
      expect(Array.from(o1)).toEqual(Array.from(o2));
      expect(a1).toEqual(a2);
    }
  });

  it('softmax and log-softmax: fully masked rows give 0 / -inf, large logits stay finite; backward', () => {
    for (const n of [...SIZES.filter((s) => s > 0), 33, 1000]) {
      const rows = 4;
      const x = rand(rows * n, n, 30);
      x.fill(-Infinity, 0, n); // fully masked row
      x[n] = 1e30; // enormous logit
      if (n > 2) x[2 * n + 1] = -Infinity;
      for (const log of [false, true]) {
        const y1 = new Float32Array(rows * n);
        const y2 = new Float32Array(rows * n);
        nat.softmax(x, rows, n, y1, log);
        ref.softmax(x, rows, n, y2, log);
        expectClose(y1, y2, 1e-6, 2e-5, `softmax log=${log} n=${n}`);
        const gy = rand(rows * n, 3);
        nat.softmaxBackward(y2, gy, rows, n, y1, log);
        const g2 = new Float32Array(rows * n);
        ref.softmaxBackward(y2, gy, rows, n, g2, log);
        expectClose(y1, g2, 1e-5, 1e-4, `softmax backward log=${log} n=${n}`);
      }
    }
  });

  it('cross-entropy with ignoreIndex and label smoothing, and its backward', () => {
    for (const n of [1, 3, 4, 5, 17, 2000]) {
      const rows = 6;
      const logits = rand(rows * n, n, 20);
      const target = Int32Array.from({ length: rows }, (_, r) => (r === 2 ? -100 : (r * 7) % n));
      for (const smoothing of [0, 0.1]) {
        const [l1, l2, s1, s2] = [0, 0, 0, 0].map(() => new Float32Array(rows));
        nat.crossEntropy(logits, target, rows, n, -100, smoothing, l1!, s1!);
        ref.crossEntropy(logits, target, rows, n, -100, smoothing, l2!, s2!);
        expectClose(l1!, l2!, 1e-5, 1e-5, 'loss');
        expectClose(s1!, s2!, 1e-5, 1e-5, 'lse');
        const gLoss = rand(rows, 9);
        const g1 = new Float32Array(rows * n);
        const g2 = new Float32Array(rows * n);
        nat.crossEntropyBackward(logits, s2!, target, rows, n, -100, smoothing, gLoss, g1);
        ref.crossEntropyBackward(logits, s2!, target, rows, n, -100, smoothing, gLoss, g2);
        expectClose(g1, g2, 1e-6, 1e-4, 'gLogits');
      }
    }
  });
});
